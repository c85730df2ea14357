package coverage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage/tally"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// snapshotMoments lists the municipality's snapshots.
func snapshotMoments(t *testing.T, db *store.DB, municipality int) []time.Time {
	t.Helper()
	rows, err := db.SQL.QueryContext(context.Background(),
		"SELECT at_us FROM coverage_snapshots WHERE municipality_id = $1 ORDER BY at_us", municipality)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var us int64
		if err := rows.Scan(&us); err != nil {
			t.Fatal(err)
		}
		out = append(out, time.UnixMicro(us).UTC())
	}
	return out
}

// checkSnapshots holds every snapshot of the municipality (the products'
// state it stores, not what coverage makes of it) to the independent replay
// of the log at its moment.
func checkSnapshots(t *testing.T, db *store.DB, b *brute, municipality int, moments []time.Time) {
	t.Helper()
	ctx := context.Background()
	for _, at := range moments {
		st, err := tally.Latest(ctx, db.Client, municipality, at)
		if err != nil {
			t.Fatal(err)
		}
		if !st.At.Equal(at) {
			t.Fatalf("the snapshot at %v reads as the one at %v", at, st.At)
		}
		prodStatus, _, cells := b.stateAt(at)
		for _, p := range b.products {
			if p.MunicipalityID != municipality {
				continue
			}
			got := st.Products[p.ID]
			if want := prodStatus[p.ID] == "PUBLISHED"; (got != nil && got.Published) != want {
				t.Errorf("snapshot at %v: product %d published %v, the log gives %v", at, p.ID, got != nil && got.Published, want)
			}
			for _, ch := range b.channels {
				want, assessed := cells[[2]int{p.ID, ch.ID}]
				var c tally.Cell
				ok := false
				if got != nil {
					c, ok = got.Cells[ch.ID]
				}
				if ok != assessed || (ok && (c.Status != want.status || c.OtherLanguage != want.otherLanguage)) {
					t.Errorf("snapshot at %v: cell %d/%d %+v (assessed %v), the log gives %+v (assessed %v)", at, p.ID, ch.ID, c, ok, want, assessed)
				}
			}
		}
	}
}

// TestSnapshotsEqualTheIndependentReplay: the history importer leaves a
// snapshot at each month's start after the first event; each holds what the
// independent replay gives at its moment, and coverage and histories that
// start from them (moments inside and at the edges of months, points that
// fall on a snapshot's moment) equal the independent computation. A rebuild
// derives the same snapshots again.
func TestSnapshotsEqualTheIndependentReplay(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			for round := range 3 {
				t.Run(fmt.Sprint(round), func(t *testing.T) {
					r := rand.New(rand.NewPCG(uint64(6000+round), 7))
					db := storetest.Open(t, d)
					w := randomWorld(t, db.Client, r)
					s := svc(db)
					b := loadBrute(t, db.Client)
					moments := snapshotMoments(t, db, w.municipality)
					var inside []time.Time
					for _, m := range moments {
						if !m.After(w.last.AddDate(0, 1, 0)) {
							inside = append(inside, m)
						}
					}
					if len(inside) < 2 {
						t.Fatalf("%d snapshots within the history (%v to %v); the test would prove little", len(inside), w.first, w.last)
					}
					checkSnapshots(t, db, b, w.municipality, inside)
					f := coverage.Filter{Municipality: w.municipality}
					for _, m := range inside {
						for _, at := range []time.Time{m, m.Add(-time.Microsecond), m.Add(time.Duration(r.IntN(700)) * time.Hour)} {
							checkReport(t, s, b, f, at)
							checkReport(t, s, b, w.randomFilter(r), at)
						}
					}
					// Histories from inside the log, starting on and between snapshots.
					for _, from := range []time.Time{inside[0], inside[len(inside)/2].Add(time.Duration(r.IntN(300)) * time.Hour)} {
						for _, f := range []coverage.Filter{f, w.randomFilter(r)} {
							checkHistory(t, s, b, f, from, w.last.Add(30*24*time.Hour), coverage.Week)
						}
					}

					ctx := context.Background()
					if _, err := s.Rebuild(ctx, time.Now()); err != nil {
						t.Fatal(err)
					}
					if again := snapshotMoments(t, db, w.municipality); len(again) != len(moments) {
						t.Fatalf("the rebuild derived %d snapshots, the importer %d", len(again), len(moments))
					}
					checkSnapshots(t, db, b, w.municipality, inside)
				})
			}
		})
	}
}

// checkHistory holds every point of a history to the independent computation.
func checkHistory(t *testing.T, s *coverage.Service, b *brute, f coverage.Filter, from, to time.Time, iv coverage.Interval) {
	t.Helper()
	pts, err := s.History(context.Background(), f, from, to, iv)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pts {
		br := b.report(f, p.At)
		if p.ApplicableCells != br.ApplicableCells || p.AvailableCells != br.AvailableCells ||
			p.NotApplicableCells != br.NotApplicableCells || p.FullyCoveredProducts != br.FullyCoveredProducts {
			t.Errorf("history %s from %v, point %v: got %+v, want applicable %d available %d n/a %d fully %d",
				describe(f), from, p.At, p, br.ApplicableCells, br.AvailableCells, br.NotApplicableCells, br.FullyCoveredProducts)
		}
	}
}

// TestSnapshotsUnderConcurrentWriters: writers and readers side by side
// (as TestTallyUnderConcurrentWriters), then the snapshots are derived up to
// a month start after every write (a clock two months ahead): the snapshot
// that holds the writes, read by time as every replay reads the log, equals
// the tables' state as the independent replay gives it, and so do coverage
// and a history read from it. Writes to one record in commit order are what
// makes this hold on PostgreSQL (see internal/changelog/lock.go).
func TestSnapshotsUnderConcurrentWriters(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7000, 7))
			db := storetest.Open(t, d)
			w := randomWorld(t, db.Client, r)
			s := svc(db)
			concurrentEdits(t, db, s, w, 7000)
			ctx := context.Background()
			later := time.Now().AddDate(0, 2, 0)
			if _, err := s.Rebuild(ctx, later); err != nil {
				t.Fatal(err)
			}
			b := loadBrute(t, db.Client)
			moments := snapshotMoments(t, db, w.municipality)
			lastSnap := moments[len(moments)-1]
			if !lastSnap.After(time.Now()) {
				t.Fatalf("no snapshot after the writes (last %v)", lastSnap)
			}
			checkSnapshots(t, db, b, w.municipality, moments[len(moments)-2:])
			at := lastSnap.Add(time.Hour)
			checkReport(t, s, b, coverage.Filter{Municipality: w.municipality}, at)
			for range 4 {
				checkReport(t, s, b, w.randomFilter(r), at)
			}
			checkHistory(t, s, b, coverage.Filter{Municipality: w.municipality}, lastSnap.AddDate(0, -2, 0), at, coverage.Week)
			// The snapshot holds what the tables hold: the kept rows per product.
			kept, err := tally.All(ctx, db.Client)
			if err != nil {
				t.Fatal(err)
			}
			st, err := tally.Latest(ctx, db.Client, w.municipality, lastSnap)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range kept {
				if p.Municipality != w.municipality {
					continue
				}
				sp := st.Products[p.ID]
				if sp == nil || !sp.Published || fmt.Sprint(sp.SortedCells()) != fmt.Sprint(p.Cells) {
					t.Errorf("product %d: snapshot %+v, the tables %+v", p.ID, sp, p.Cells)
				}
			}
		})
	}
}
