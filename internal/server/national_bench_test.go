package server_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// BenchmarkNational measures the hot paths at national size, on a database
// that `catalogus generate` filled (it takes minutes, so the benchmark does
// not make its own):
//
//	catalogus generate --database postgres://…/gen342 --municipalities 342
//	CATALOGUS_BENCH_NATIONAL_URL=postgres://…/gen342 go test -run '^$' -bench National ./internal/server
//
// The reads ask about one municipality among all (gemeente-001, or
// CATALOGUS_BENCH_MUNICIPALITY); country asks about all of them. The edits
// change the database (an availability's instructions in that municipality):
// run it on a copy you can throw away.
func BenchmarkNational(b *testing.B) {
	url := os.Getenv("CATALOGUS_BENCH_NATIONAL_URL")
	if url == "" {
		b.Skip("CATALOGUS_BENCH_NATIONAL_URL is not set: point it at a database filled by catalogus generate")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	municipality := os.Getenv("CATALOGUS_BENCH_MUNICIPALITY")
	if municipality == "" {
		municipality = "gemeente-001"
	}
	h := server.Handler(server.Config{DB: db, Municipality: municipality})
	benchReads(b, h)
	const country = `{ countryCoverage { ratio availableCells applicableCells
		byChannel { channel { code } ratio } byOrganization { organization { code } ratio } groups { digital } } }`
	// Cold: a fresh server counts every municipality.
	b.Run("country-cold", func(b *testing.B) {
		for b.Loop() {
			post(b, server.Handler(server.Config{DB: db, Municipality: municipality}), "", country, nil)
		}
	})
	// Kept: nothing changed since the last call.
	b.Run("country-kept", func(b *testing.B) {
		post(b, h, "", country, nil)
		for b.Loop() {
			post(b, h, "", country, nil)
		}
	})
	name := fmt.Sprintf("bench-national-%d", time.Now().UnixNano())
	token, err := auth.Tokens{Client: db.Client}.Create(ctx, name, auth.Admin, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { auth.Tokens{Client: db.Client}.Revoke(ctx, name) })
	edit := editor(b, h, token)
	// After an edit: one municipality is counted again.
	b.Run("country-after-an-edit", func(b *testing.B) {
		post(b, h, "", country, nil)
		for b.Loop() {
			b.StopTimer()
			edit()
			b.StartTimer()
			post(b, h, "", country, nil)
		}
	})
	b.Run("set-availability", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			edit()
		}
	})
}
