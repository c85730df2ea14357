package editing_test

import (
	"context"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/editing"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestProcessingTimesInDays: a cell written in weeks before the API wrote
// days is rewritten once, in the change log under the system's name; a
// value the API receives in weeks is stored in days.
func TestProcessingTimesInDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.ClusterA)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Availability.Create().SetProductID(p.ID).SetChannel(k.Website).SetStatus(availability.StatusAVAILABLE).
				SetProcessingTime("P2W").Exec(ctx)
		})
		ctx := auth.Allow(context.Background())
		for round, want := range []int{1, 0} {
			n, err := editing.DaysNotWeeks(context.Background(), db.Client)
			if err != nil || n != want {
				t.Fatalf("run %d rewrote %d cells (%v), want %d", round+1, n, err, want)
			}
		}
		a := db.Client.Availability.Query().Where(availability.ProductID(p.ID)).OnlyX(ctx)
		if a.ProcessingTime == nil || *a.ProcessingTime != "P14D" {
			t.Fatalf("stored processing time %v, want P14D", a.ProcessingTime)
		}
		last := db.Client.ChangeEvent.Query().Where(changeevent.ProductID(p.ID)).Order(ent.Desc(changeevent.FieldID)).FirstX(ctx)
		if last.Actor != "system:processing times in days" {
			t.Errorf("the rewrite is logged as %q", last.Actor)
		}

		// Through the API's editing path weeks arrive and days are stored.
		token, err := auth.Tokens{Client: db.Client}.Create(context.Background(), "t", auth.Editor, "cluster-a")
		if err != nil {
			t.Fatal(err)
		}
		viewer, err := auth.Tokens{Client: db.Client}.Authenticate(context.Background(), token)
		if err != nil {
			t.Fatal(err)
		}
		weeks := "P3W"
		v := db.Client.Product.Query().Where(product.ID(p.ID)).OnlyX(ctx).Version
		if _, err := (&editing.Service{Client: db.Client}).SetAvailability(auth.NewContext(context.Background(), viewer), editing.SetAvailability{
			ProductRef: editing.ProductRef{Product: "paspoort", ExpectedVersion: v},
			Cell:       editing.Cell{Channel: "balie", Status: availability.StatusAVAILABLE, ProcessingTime: &weeks},
		}); err != nil {
			t.Fatal(err)
		}
		b := db.Client.Availability.Query().Where(availability.ProductID(p.ID), availability.ChannelID(k.Balie.ID)).OnlyX(ctx)
		if b.ProcessingTime == nil || *b.ProcessingTime != "P21D" {
			t.Errorf("P3W through the API is stored as %v, want P21D", b.ProcessingTime)
		}
	})
}
