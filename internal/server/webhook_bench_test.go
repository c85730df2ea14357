package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// BenchmarkSetAvailabilityWithWebhook is BenchmarkSetAvailability with one
// active webhook subscription of the municipality: each edit also works out
// its public change and writes an outbox row before the commit (no
// dispatcher runs; the rows stay pending). Compare with
// BenchmarkSetAvailability, where the outbox costs one query.
func BenchmarkSetAvailabilityWithWebhook(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			db := storetest.Open(b, d)
			ctx := context.Background()
			if err := fixture.Seed(ctx, db); err != nil {
				b.Fatal(err)
			}
			token, err := auth.Tokens{Client: db.Client}.Create(ctx, "bench", auth.Admin, "")
			if err != nil {
				b.Fatal(err)
			}
			actx := auth.Allow(ctx)
			city, err := db.Client.Organization.Query().Where(organization.KindEQ(organization.KindMUNICIPALITY)).FirstID(actx)
			if err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			if err := db.Client.WebhookSubscription.Create().SetURL("https://hooks.example.org/hook").SetSecret("een-geheim-van-minstens-16").
				SetMunicipalityID(city).SetCreatedBy("bench").SetCreatedAt(now).SetUpdatedAt(now).Exec(actx); err != nil {
				b.Fatal(err)
			}
			edit := editor(b, server.Handler(server.Config{DB: db}), token)
			b.ReportAllocs()
			for b.Loop() {
				edit()
			}
			if n, err := db.Client.WebhookDelivery.Query().Count(actx); err != nil || n < b.N {
				b.Fatalf("%d outbox rows for %d edits (%v)", n, b.N, err)
			}
		})
	}
}
