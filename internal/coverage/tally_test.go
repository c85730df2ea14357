package coverage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage/tally"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestTallyUnderConcurrentWriters edits random cells, products (status,
// owner, theme, audiences) and channels from several goroutines at once
// while others ask for coverage now and the country's, on both databases.
// Afterwards the rows the writes kept equal the rows computed from the
// tables (and those a rebuild writes), and coverage now, counted from them,
// equals the independent computation under every kind of filter.
func TestTallyUnderConcurrentWriters(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			for round := range 2 {
				t.Run(fmt.Sprint(round), func(t *testing.T) {
					r := rand.New(rand.NewPCG(uint64(3000+round), 7))
					db := storetest.Open(t, d)
					w := randomWorld(t, db.Client, r)
					s := svc(db)
					concurrentEdits(t, db, s, w, uint64(3000+round))

					ctx := context.Background()
					kept, err := tally.All(ctx, db.Client)
					if err != nil {
						t.Fatal(err)
					}
					computed, err := tally.Computed(ctx, db.Client)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(kept, computed) {
						t.Errorf("the rows kept by the writes differ from the tables':\nkept     %+v\ncomputed %+v", kept, computed)
					}

					b := loadBrute(t, db.Client)
					now := time.Now()
					before := s.Tallied()
					checkReport(t, s, b, coverage.Filter{Municipality: w.municipality}, now)
					for range 6 {
						checkReport(t, s, b, w.randomFilter(r), now)
					}
					for range 3 {
						f := w.randomFilter(r)
						got, err := s.ReportNow(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						compareReports(t, "now "+describe(f), got, b.report(f, got.AsOf))
					}
					if s.Tallied() == before {
						t.Error("coverage now did not count from the kept rows; the test would prove nothing about them")
					}

					if _, err := s.Rebuild(ctx, now); err != nil {
						t.Fatal(err)
					}
					rebuilt, err := tally.All(ctx, db.Client)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(kept, rebuilt) {
						t.Errorf("the rows kept by the writes differ from the rebuilt ones:\nkept    %+v\nrebuilt %+v", kept, rebuilt)
					}
					checkReport(t, s, b, coverage.Filter{Municipality: w.municipality}, now)
				})
			}
		})
	}
}

// concurrentEdits runs writers and readers side by side for a fixed number
// of edits. Each writer's transaction changes one product or its cells (an
// editor's save), or a channel's active flag.
func concurrentEdits(t *testing.T, db *store.DB, s *coverage.Service, w *world, seed uint64) {
	t.Helper()
	const writers, readers, edits = 4, 2, 25
	var (
		wg        sync.WaitGroup
		errs      = make(chan error, writers*edits+readers)
		done      = make(chan struct{})
		readersWG sync.WaitGroup
	)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(100+i)))
			for range edits {
				if err := fixture.Try(db.Client, func(ctx context.Context, c *ent.Client) error {
					return randomEdit(ctx, c, w, r)
				}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range readers {
		readersWG.Add(1)
		go func() {
			defer readersWG.Done()
			ctx := fixture.Ctx()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := s.ReportNow(ctx, coverage.Filter{Municipality: w.municipality}); err != nil {
					errs <- fmt.Errorf("coverage now: %w", err)
					return
				}
				if _, err := s.Country(ctx, time.Now()); err != nil {
					errs <- fmt.Errorf("the country's coverage: %w", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	readersWG.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// randomEdit makes one random change in the transaction of c.
func randomEdit(ctx context.Context, c *ent.Client, w *world, r *rand.Rand) error {
	p := w.products[r.IntN(len(w.products))]
	switch x := r.IntN(20); {
	case x < 13: // an editor's save of a few cells of one product
		// As internal/editing does: hold the product (its version) first,
		// so that two saves of one product do not deadlock on its cells.
		if _, err := c.ExecContext(ctx, "UPDATE products SET version = version WHERE id = $1", p); err != nil {
			return err
		}
		langs := [][]string{{"nl"}, {"nl", "en"}, {"tr"}, nil}[r.IntN(4)]
		for range 1 + r.IntN(3) {
			if err := setCell(ctx, c, p, w.channels[r.IntN(len(w.channels))], r.IntN(len(statuses)+1), langs, time.Now()); err != nil {
				return err
			}
		}
		return nil
	case x < 18:
		u := c.Product.UpdateOneID(p)
		switch r.IntN(4) {
		case 0:
			u.SetStatus([]product.Status{product.StatusDRAFT, product.StatusPUBLISHED, product.StatusPUBLISHED, product.StatusRETIRED}[r.IntN(4)])
		case 1:
			u.SetOwnerID(w.orgs[r.IntN(len(w.orgs))])
		case 2:
			u.SetTheme(w.themes[r.IntN(len(w.themes))])
		default:
			u.SetAudiences([]catalog.Audience{catalog.Audiences[r.IntN(3)]})
		}
		return u.Exec(ctx)
	default:
		return c.Channel.UpdateOneID(w.channels[r.IntN(len(w.channels))]).SetActive(r.IntN(3) != 0).Exec(ctx)
	}
}

// TestTallyWhenTheConnectionDies kills a writer's connection in the middle
// of its transaction (PostgreSQL; on SQLite the transaction is rolled back):
// neither the change nor the rows it would have rewritten remain.
func TestTallyWhenTheConnectionDies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := rand.New(rand.NewPCG(4000, 7))
		w := randomWorld(t, db.Client, r)
		ctx := fixture.Ctx()
		before, err := tally.All(ctx, db.Client)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := db.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range w.products {
			if err := tx.Product.UpdateOneID(p).SetStatus(product.StatusPUBLISHED).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for _, ch := range w.channels {
				if err := setCell(ctx, tx.Client(), p, ch, 0, []string{"nl"}, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
		}
		if changed, err := tally.Computed(ctx, tx); err != nil {
			t.Fatal(err)
		} else if reflect.DeepEqual(changed, before) {
			t.Fatal("the transaction changes no row; the test would prove nothing")
		}
		if db.Target.Dialect == dialect.Postgres {
			rows, err := tx.QueryContext(ctx, "SELECT pg_backend_pid()")
			if err != nil {
				t.Fatal(err)
			}
			var pid int
			rows.Next()
			if err := rows.Scan(&pid); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			if _, err := db.SQL.ExecContext(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err == nil {
				t.Fatal("the commit on a killed connection succeeded")
			}
		} else if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		after, err := tally.All(ctx, db.Client)
		if err != nil {
			t.Fatal(err)
		}
		computed, err := tally.Computed(ctx, db.Client)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) || !reflect.DeepEqual(after, computed) {
			t.Errorf("rows before %+v\nafter %+v\nfrom the tables %+v", before, after, computed)
		}
	})
}

// TestProjectionFollowsAnImportIntoItsWindow asks for coverage twenty weeks
// after a history, so that the projection's moment (twelve weeks back) lies
// after the last event, then imports changes recorded before that moment:
// the aggregate kept for it must be counted again (the version of the
// municipality's past moved), though nothing was edited now.
func TestProjectionFollowsAnImportIntoItsWindow(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			r := rand.New(rand.NewPCG(5000, 7))
			db := storetest.Open(t, d)
			w := randomWorld(t, db.Client, r)
			ctx := context.Background()
			hasTarget := db.Client.Target.Query().ExistX(fixture.Ctx())
			step := func(at time.Time, fn func(ctx context.Context, c *ent.Client) error) {
				t.Helper()
				if err := changelog.Import(ctx, db.Client, []changelog.Step{{At: at, Actor: actor, Apply: fn}}, changelog.ImportOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			if !hasTarget {
				step(w.last.Add(time.Hour), func(ctx context.Context, c *ent.Client) error {
					return c.Target.Create().SetName("Alles").SetDeadline(catalog.DateOf(w.last).AddDate(2, 0, 0)).
						SetShare(1).SetPrimary(true).SetMunicipalityID(w.municipality).Exec(ctx)
				})
			}
			s := svc(db)
			f := coverage.Filter{Municipality: w.municipality}
			at := w.last.Add(20 * 7 * 24 * time.Hour)
			checkReport(t, s, loadBrute(t, db.Client), f, at)
			before := loadBrute(t, db.Client).report(f, at.Add(-coverage.PaceWindow)).AvailableCells

			step(w.last.Add(4*7*24*time.Hour), func(ctx context.Context, c *ent.Client) error {
				for _, p := range w.products {
					if err := c.Product.UpdateOneID(p).SetStatus(product.StatusPUBLISHED).Exec(ctx); err != nil {
						return err
					}
					for _, ch := range w.channels {
						// No channel is switched: that would move the version of
						// every municipality and prove nothing about the past's.
						if err := setCell(ctx, c, p, ch, 0, []string{"nl"}, w.last.Add(4*7*24*time.Hour)); err != nil {
							return err
						}
					}
				}
				return nil
			})
			b := loadBrute(t, db.Client)
			if b.report(f, at.Add(-coverage.PaceWindow)).AvailableCells == before {
				t.Fatal("the import changes nothing twelve weeks back; the test would prove nothing")
			}
			checkReport(t, s, b, f, at)
		})
	}
}
