package coverage_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
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
			// Four writers save random cells of the municipality, one after
			// another, while coverage now is asked: the projection's
			// aggregate stays kept, the rest is counted from the rows.
			b.Run("coverage-now-under-writes", func(b *testing.B) {
				stop := editWhile(b, db.Client, mun.ID)
				defer stop()
				for b.Loop() {
					if _, err := s.Report(ctx, f, time.Now()); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("country-now-under-writes", func(b *testing.B) {
				stop := editWhile(b, db.Client, mun.ID)
				defer stop()
				for b.Loop() {
					if _, err := s.Country(ctx, time.Now()); err != nil {
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
			// Replayed every time: a fresh service keeps nothing yet.
			b.Run("coverage-2024-replayed", func(b *testing.B) {
				at := time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
				for b.Loop() {
					fresh := &coverage.Service{Client: db.Client, Dialect: db.Target.Dialect}
					if _, err := fresh.Report(ctx, f, at); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("country-2024-replayed", func(b *testing.B) {
				at := time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
				for b.Loop() {
					fresh := &coverage.Service{Client: db.Client, Dialect: db.Target.Dialect}
					if _, err := fresh.CountryAt(ctx, at); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("country-history-48-months", func(b *testing.B) {
				from := time.Date(2023, 1, 1, 0, 0, 0, 0, catalog.Amsterdam)
				for b.Loop() {
					pts, err := s.CountryHistory(ctx, from, from.AddDate(4, 0, 0), coverage.Month)
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

// editWhile starts four writers that save random cells of the
// municipality's products until the returned function is called; it
// reports how many saves they made.
func editWhile(b *testing.B, c *ent.Client, municipality int) func() {
	ctx := fixture.Ctx()
	products := c.Product.Query().Where(product.MunicipalityID(municipality)).IDsX(ctx)
	channels := c.Channel.Query().IDsX(ctx)
	var (
		wg    sync.WaitGroup
		saves atomic.Int64
		done  = make(chan struct{})
	)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 1))
			for {
				select {
				case <-done:
					return
				default:
				}
				p := products[r.IntN(len(products))]
				err := fixture.Try(c, func(ctx context.Context, tx *ent.Client) error {
					if _, err := tx.ExecContext(ctx, "UPDATE products SET version = version WHERE id = $1", p); err != nil {
						return err
					}
					return setCell(ctx, tx, p, channels[r.IntN(len(channels))], r.IntN(len(statuses)), []string{"nl"}, time.Now())
				})
				if err != nil {
					b.Error(err)
					return
				}
				saves.Add(1)
			}
		}()
	}
	return func() {
		close(done)
		wg.Wait()
		b.ReportMetric(float64(saves.Load())/b.Elapsed().Seconds(), "saves/s")
	}
}
