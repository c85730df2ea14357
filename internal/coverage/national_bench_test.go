package coverage_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/seed"
)

// BenchmarkNational measures the past on the generated national data set
// (seed.Generate, as `catalogus generate` writes it) of
// CATALOGUS_BENCH_MUNICIPALITIES municipalities, on each database; without
// the variable it is skipped (generating takes minutes):
//
//	CATALOGUS_BENCH_MUNICIPALITIES=20 go test -run '^$' -bench National -benchtime 5x ./internal/coverage
//
// Every call is answered by a fresh service, which keeps no aggregate: what
// a dashboard pays for a moment nobody asked before.
func BenchmarkNational(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("CATALOGUS_BENCH_MUNICIPALITIES"))
	if n <= 0 {
		b.Skip("set CATALOGUS_BENCH_MUNICIPALITIES to the number of municipalities to generate")
	}
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			db := storetest.Open(b, d)
			ctx := context.Background()
			began := time.Now()
			rep, err := seed.Generate(ctx, db, seed.GenerateOptions{Municipalities: n, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("generated %d municipalities, %d cells, %d events in %s", rep.Municipalities, rep.Cells, rep.Events, time.Since(began).Round(time.Second))
			mun := db.Client.Organization.Query().Where(organization.KindEQ(organization.KindMUNICIPALITY)).FirstX(fixture.Ctx())
			fresh := func() *coverage.Service { return &coverage.Service{Client: db.Client, Dialect: db.Target.Dialect} }
			// Built once, as a running service has them (the generator builds them).
			fresh().Report(ctx, coverage.Filter{Municipality: mun.ID}, time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC))
			at := time.Date(2025, 6, 17, 12, 0, 0, 0, time.UTC)
			from := time.Date(2022, 12, 1, 0, 0, 0, 0, catalog.Amsterdam)
			b.Run("coverage-at-past-moment", func(b *testing.B) {
				for b.Loop() {
					if _, err := fresh().Report(ctx, coverage.Filter{Municipality: mun.ID}, at); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("municipality-history-48-months", func(b *testing.B) {
				for b.Loop() {
					if _, err := fresh().History(ctx, coverage.Filter{Municipality: mun.ID}, from, from.AddDate(4, 0, 0), coverage.Month); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("country-at-past-moment", func(b *testing.B) {
				for b.Loop() {
					// As the API's countryCoverage(at:) with its projection.
					s := fresh()
					r, err := s.CountryAt(ctx, at)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := s.CountryProjection(ctx, r.AsOf, r.Counts); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("country-history-48-months", func(b *testing.B) {
				for b.Loop() {
					if _, err := fresh().CountryHistory(ctx, from, from.AddDate(4, 0, 0), coverage.Month); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
