package coverage_test

import (
	"context"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/seed"
)

// BenchmarkSeed measures coverage on the seed (423 products, 9 channels,
// about 5,200 change-log events) on each database:
//
//	go test -run '^$' -bench . ./internal/coverage
func BenchmarkSeed(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			db := storetest.Seeded(b, d, fixture.Seed)
			ctx := context.Background()
			mun := db.Client.Organization.Query().Where(organization.Code(seed.Municipality)).OnlyX(ctx)
			s := &coverage.Service{Client: db.Client, Dialect: db.Target.Dialect}
			f := coverage.Filter{Municipality: mun.ID}
			// Nothing changes between the calls: the counts are kept (kept.go).
			b.Run("coverage-now", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Report(ctx, f, time.Now()); err != nil {
						b.Fatal(err)
					}
				}
			})
			// Counted every time: a fresh service keeps nothing yet.
			b.Run("coverage-now-counted", func(b *testing.B) {
				for b.Loop() {
					fresh := &coverage.Service{Client: db.Client, Dialect: db.Target.Dialect}
					if _, err := fresh.Report(ctx, f, time.Now()); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("coverage-2024", func(b *testing.B) {
				at := time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
				for b.Loop() {
					if _, err := s.Report(ctx, f, at); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("history-48-months", func(b *testing.B) {
				from := time.Date(2023, 1, 1, 0, 0, 0, 0, catalog.Amsterdam)
				for b.Loop() {
					pts, err := s.History(ctx, f, from, from.AddDate(4, 0, 0), coverage.Month)
					if err != nil || len(pts) != 49 {
						b.Fatal(err, len(pts))
					}
				}
			})
			b.Run("gaps-first-page", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Gaps(ctx, coverage.GapFilter{Municipality: mun.ID}, time.Now(), 0, 50); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
