package changelog_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// stallingClock hands out moments a millisecond apart. Armed, the Now after
// the next skip ones takes its moment and then stalls until release
// returns, as a writer that the scheduler or the network holds up right
// after reading the clock.
type stallingClock struct {
	mu      sync.Mutex
	now     time.Time
	armed   bool
	skip    int
	stalled chan struct{}
	release func()
}

func (c *stallingClock) Now() time.Time {
	c.mu.Lock()
	c.now = c.now.Add(time.Millisecond)
	at, stall := c.now, c.armed && c.skip == 0
	if c.armed && c.skip > 0 {
		c.skip--
	} else {
		c.armed = false
	}
	c.mu.Unlock()
	if stall {
		close(c.stalled)
		c.release()
	}
	return at
}

// TestConcurrentWritesToOneRecordLogInCommitOrder has two transactions
// change one record at the same time on PostgreSQL: the first reads the
// clock and stalls there; the second then changes the record and commits,
// or waits for the first's row lock. Either way the log, read by time as
// every replay reads it, must end in the state the table holds, with the
// record's updated_at the last event's moment and each event's old values
// the ones the other left. Taken before the row lock, the stalled writer's
// moment was the earlier one though it committed last, and the replay
// ended in the other's state. SQLite runs one writer at a time: there is no
// second writer to overtake the first.
func TestConcurrentWritesToOneRecordLogInCommitOrder(t *testing.T) {
	clk := &stallingClock{now: t0}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Target.Dialect != dialect.Postgres {
			t.Skip("SQLite runs one writing transaction at a time")
		}
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.DepartmentA1)
		var a *ent.Availability
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			var err error
			a, err = tx.Availability.Create().SetProductID(p.ID).SetChannelID(k.Website.ID).
				SetStatus(availability.StatusAVAILABLE).Save(ctx)
			return err
		})
		cases := []struct {
			name         string
			entity       changeevent.Entity
			id           int
			skip         int // the clock reads before the change log's (the rules')
			first, other func(ctx context.Context, c *ent.Client) error
			state        func(ctx context.Context) (string, time.Time)
		}{
			{"product", changeevent.EntityPRODUCT, p.ID, 0,
				func(ctx context.Context, c *ent.Client) error {
					return c.Product.UpdateOneID(p.ID).SetStatus(product.StatusRETIRED).Exec(ctx)
				},
				func(ctx context.Context, c *ent.Client) error {
					// As an editor does: the record as read, then changed.
					cur, err := c.Product.Get(ctx, p.ID)
					if err != nil {
						return err
					}
					return c.Product.UpdateOne(cur).SetStatus(product.StatusDRAFT).Exec(ctx)
				},
				func(ctx context.Context) (string, time.Time) {
					cur := db.Client.Product.GetX(ctx, p.ID)
					return cur.Status.String(), cur.UpdatedAt
				}},
			{"availability", changeevent.EntityAVAILABILITY, a.ID, 1,
				func(ctx context.Context, c *ent.Client) error {
					return c.Availability.UpdateOneID(a.ID).SetStatus(availability.StatusUNAVAILABLE).SetReason("Tijdelijk dicht.").Exec(ctx)
				},
				func(ctx context.Context, c *ent.Client) error {
					return c.Availability.UpdateOneID(a.ID).SetStatus(availability.StatusNOT_APPLICABLE).SetReason("Past niet.").Exec(ctx)
				},
				func(ctx context.Context) (string, time.Time) {
					cur := db.Client.Availability.GetX(ctx, a.ID)
					return cur.Status.String(), cur.UpdatedAt
				}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ctx := fixture.Ctx()
				otherDone := make(chan struct{})
				var otherErr error
				clk.mu.Lock()
				clk.armed, clk.skip, clk.stalled = true, tc.skip, make(chan struct{})
				clk.release = func() {
					// Until the other writer committed, or waits for a lock.
					deadline := time.Now().Add(30 * time.Second)
					for time.Now().Before(deadline) {
						select {
						case <-otherDone:
							return
						default:
						}
						var waiting int
						if err := db.SQL.QueryRowContext(context.Background(),
							"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").
							Scan(&waiting); err == nil && waiting > 0 {
							return
						}
						time.Sleep(5 * time.Millisecond)
					}
				}
				stalled := clk.stalled
				clk.mu.Unlock()

				firstErr := make(chan error, 1)
				go func() { firstErr <- fixture.Try(db.Client, tc.first) }()
				select {
				case <-stalled:
				case <-time.After(30 * time.Second):
					t.Fatal("the first writer never read the clock")
				}
				go func() {
					defer close(otherDone)
					otherErr = fixture.Try(db.Client, tc.other)
				}()
				if err := <-firstErr; err != nil {
					t.Fatal(err)
				}
				<-otherDone
				if otherErr != nil {
					t.Fatal(otherErr)
				}

				state, updated := tc.state(ctx)
				evs := events(t, db.Client, func(q *ent.ChangeEventQuery) *ent.ChangeEventQuery {
					return q.Where(changeevent.EntityEQ(tc.entity), changeevent.EntityID(tc.id))
				})
				if len(evs) < 2 {
					t.Fatalf("%d events, want the two writers' at least", len(evs))
				}
				last := evs[len(evs)-1]
				if last.State == nil || *last.State != state {
					t.Errorf("replayed by time the log ends in %v, the table holds %s", deref(last.State), state)
				}
				if !updated.Equal(last.RecordedAt) {
					t.Errorf("updated_at %v, the last event is recorded at %v", updated, last.RecordedAt)
				}
				byID := slices.Clone(evs)
				slices.SortFunc(byID, func(x, y *ent.ChangeEvent) int { return x.ID - y.ID })
				if !slices.Equal(evs, byID) {
					t.Error("by time the events come in another order than they were written (committed)")
				}
				// Each writer compared with the state the other left.
				prev, cur := changed(evs[len(evs)-2])["status"], changed(last)["status"]
				if prev[1] != cur[0] {
					t.Errorf("the last event changes status from %s, the one before left %s", cur[0], prev[1])
				}
				if tc.entity == changeevent.EntityAVAILABILITY {
					pr := db.Client.Product.GetX(ctx, p.ID)
					if !pr.UpdatedAt.Equal(last.RecordedAt) {
						t.Errorf("the product's updated_at %v, its cell's last change %v", pr.UpdatedAt, last.RecordedAt)
					}
				}
			})
		}
	}, withClock(clk))
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
