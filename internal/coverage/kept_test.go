package coverage_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestKeptCountsFollowTheLog: Report keeps its counts between calls and
// reuses them only when nothing in between can have changed them. Asked at
// every moment of a history in order (the log differs between the moments,
// the versions do not), then at a moment it answered before after changes
// recorded before that moment (the versions moved, the moments did not), it
// gives what the independent computation gives; asked twice with nothing in
// between, it counts once.
func TestKeptCountsFollowTheLog(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			for round := range 3 {
				r := rand.New(rand.NewPCG(uint64(2000+round), 7))
				db := storetest.Open(t, d)
				w := randomWorld(t, db.Client, r)
				b := loadBrute(t, db.Client)
				s := svc(db)
				f := coverage.Filter{Municipality: w.municipality}

				moments := append(slices.Clone(w.eventTimes), w.first.Add(-time.Hour), w.last.Add(time.Hour))
				slices.SortFunc(moments, time.Time.Compare)
				for _, at := range moments {
					checkReport(t, s, b, f, at)
				}
				counted := s.Counted()
				checkReport(t, s, b, f, w.last.Add(time.Hour))
				if n := s.Counted() - counted; n != 0 {
					t.Errorf("asked again with nothing in between, Report counted %d aggregates anew", n)
				}

				// Everything published, active and available, recorded before
				// a moment already answered (first under another filter, so
				// that it is kept for exactly that moment).
				later := w.last.Add(30 * 24 * time.Hour)
				f = coverage.Filter{Municipality: w.municipality, Channels: slices.Clone(w.channels)}
				checkReport(t, s, b, f, later)
				at := w.last.Add(2 * time.Hour)
				steps := []changelog.Step{{At: at, Actor: actor, Apply: func(ctx context.Context, c *ent.Client) error {
					for _, ch := range w.channels {
						if err := c.Channel.UpdateOneID(ch).SetActive(true).Exec(ctx); err != nil {
							return err
						}
					}
					for _, p := range w.products {
						if err := c.Product.UpdateOneID(p).SetStatus(product.StatusPUBLISHED).Exec(ctx); err != nil {
							return err
						}
						for _, ch := range w.channels {
							if err := setCell(ctx, c, p, ch, 0, []string{"nl"}, at); err != nil {
								return err
							}
						}
					}
					return nil
				}}}
				if err := changelog.Import(context.Background(), db.Client, steps, changelog.ImportOptions{}); err != nil {
					t.Fatal(err)
				}
				after := loadBrute(t, db.Client)
				if b.report(f, later).Counts == after.report(f, later).Counts {
					t.Fatal("the changes change no figure; the test would prove nothing")
				}
				checkReport(t, s, after, f, later)
			}
		})
	}
}
