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
// Every call asks a moment nobody asked before, so no kept aggregate
// answers it.
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
			f := coverage.Filter{Municipality: mun.ID}
			// One service, as a server has: its first question about the
			// past (not measured) finds the snapshots built by the generator.
			// Each call then asks another moment, so no kept aggregate answers.
			s := &coverage.Service{Client: db.Client, Dialect: db.Target.Dialect}
			if _, err := s.Report(ctx, f, time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)); err != nil {
				b.Fatal(err)
			}
			base := time.Date(2024, 3, 17, 12, 0, 0, 0, time.UTC)
			moment := func(i int) time.Time { return base.Add(time.Duration(i) * 97 * time.Hour) }
			from := time.Date(2022, 12, 1, 0, 0, 0, 0, catalog.Amsterdam)
			b.Run("coverage-at-past-moment", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					if _, err := s.Report(ctx, f, moment(i)); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("municipality-history-48-months", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.History(ctx, f, from, from.AddDate(4, 0, 0), coverage.Month); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("municipality-history-12-months-recent", func(b *testing.B) {
				recent := time.Date(2025, 11, 1, 0, 0, 0, 0, catalog.Amsterdam)
				for b.Loop() {
					if _, err := s.History(ctx, f, recent, recent.AddDate(1, 0, 0), coverage.Month); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("country-at-past-moment", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					// As the API's countryCoverage(at:) with its projection.
					r, err := s.CountryAt(ctx, moment(i))
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
					if _, err := s.CountryHistory(ctx, from, from.AddDate(4, 0, 0), coverage.Month); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
