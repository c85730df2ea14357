package coverage

import (
	"context"
	"fmt"
	"slices"
	"time"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage/tally"
)

// Coverage now is counted from the rows the change log keeps per product
// (internal/coverage/tally), not from the log: a municipality's few hundred
// rows instead of a replay of its history, and no work thrown away when
// someone edits. The rows are the tables' current state, which equals the
// state at a moment at as long as no event that counts for the municipality
// is recorded after at; for a moment in the past the replay answers.

// Rebuild recomputes the coverage rows from the tables (catalogus coverage
// rebuild; after a generator or anything else that writes past the change
// log) and returns how many products it wrote.
func (s *Service) Rebuild(ctx context.Context, now time.Time) (int, error) {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := tally.Rebuild(ctx, tx, s.Dialect == dialect.Postgres, now)
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	s.tallyBuilt.Store(true)
	return n, nil
}

// ensureTally reports whether the rows can be read: they were built, or
// building them now succeeds (a database upgraded to them; a read-only one
// cannot, and is answered by the replay).
func (s *Service) ensureTally(ctx context.Context) (bool, error) {
	if s.tallyBuilt.Load() {
		return true, nil
	}
	built, err := tally.Built(ctx, s.Client)
	if err != nil {
		return false, err
	}
	if !built {
		if _, err := s.Rebuild(ctx, time.Now()); err != nil {
			return false, nil
		}
	}
	s.tallyBuilt.Store(true)
	return true, nil
}

// currentAt reports whether the tables' state is the state at at for the
// municipality: no product or availability event of it, and no channel
// event, is recorded after at.
func (s *Service) currentAt(ctx context.Context, municipality int, at time.Time) (bool, error) {
	rows, err := s.Client.QueryContext(ctx, `SELECT CASE WHEN
	EXISTS (SELECT 1 FROM change_events WHERE municipality_id = $1 AND entity = 'PRODUCT' AND recorded_at > $2)
	OR EXISTS (SELECT 1 FROM change_events WHERE municipality_id = $1 AND entity = 'AVAILABILITY' AND recorded_at > $2)
	OR EXISTS (SELECT 1 FROM change_events WHERE entity = 'CHANNEL' AND recorded_at > $2)
THEN 1 ELSE 0 END`, municipality, at)
	if err != nil {
		return false, fmt.Errorf("coverage: looking for later changes: %w", err)
	}
	defer rows.Close()
	later := 1
	if rows.Next() {
		if err := rows.Scan(&later); err != nil {
			return false, err
		}
	}
	return later == 0, rows.Err()
}

// aggregateNow counts the scope's aggregates from the kept rows, or returns
// nil when the rows are not the state at at. With latest, at is taken again
// once the rows are read (and returned), so that an edit recorded since the
// call does not send the question to the replay.
func (s *Service) aggregateNow(ctx context.Context, sc *scope, at time.Time, latest bool) (*aggregates, time.Time, error) {
	if ok, err := s.ensureTally(ctx); err != nil || !ok {
		return nil, at, err
	}
	// A moment the log has moved past (the past, asked as such) goes to the
	// snapshots without reading the rows.
	if !latest {
		if ok, err := s.currentAt(ctx, sc.Municipality, at); err != nil || !ok {
			return nil, at, err
		}
	}
	// Rows first, then the log: a change committed in between and recorded
	// after at sends the question to the replay; one recorded at or before
	// at is one the rows may miss as a replay started earlier would.
	products, err := tally.Municipality(ctx, s.Client, sc.Municipality)
	if err != nil {
		return nil, at, err
	}
	if latest {
		at = time.Now().UTC().Truncate(time.Microsecond)
	}
	if ok, err := s.currentAt(ctx, sc.Municipality, at); err != nil || !ok {
		return nil, at, err
	}
	var active []*ent.Channel
	for _, ch := range sc.channels {
		if ch.Active {
			active = append(active, ch)
		}
	}
	agg := s.count(sc, products, active)
	s.tallied.Add(1)
	return agg, at, nil
}

// count counts the scope's aggregates from rows per product (the kept ones,
// or the past's), against the channels active at the moment.
func (s *Service) count(sc *scope, products []tally.Product, active []*ent.Channel) *aggregates {
	var owners map[int]bool
	if sc.owners != nil {
		owners = map[int]bool{}
		for _, id := range sc.owners {
			owners[id] = true
		}
	}
	agg := &aggregates{products: map[ownerTheme]int{}, perProduct: map[ownerTheme]productCount{}}
	for _, ch := range active {
		agg.channels = append(agg.channels, ch.ID)
	}
	type cellKey struct {
		ownerTheme
		channel int
		status  string
	}
	cells := map[cellKey]int{}
	for _, p := range products {
		if (owners != nil && !owners[p.Owner]) || (sc.Theme != nil && p.Theme != *sc.Theme) ||
			(sc.Audience != nil && !slices.Contains(p.Audiences, string(*sc.Audience))) {
			continue
		}
		ot := ownerTheme{p.Owner, p.Theme}
		agg.products[ot]++
		f := countProduct(p.Cells, active, func(ch int, status string) {
			cells[cellKey{ot, ch, status}]++
		})
		pp := agg.perProduct[ot]
		pp.fully += f.fully
		pp.assisted += f.assisted
		pp.assistedOther += f.assistedOther
		pp.youth += f.youth
		pp.digital += f.digital
		agg.perProduct[ot] = pp
	}
	for k, n := range cells {
		agg.cells = append(agg.cells, cellCount{k.ownerTheme, k.channel, k.status, n})
	}
	return agg
}

// countProduct counts one product's cells on the active channels, calling
// cell for each, and returns its per-product figures: fully covered, and
// which of the plan's groups it reaches.
func countProduct(cells []tally.Cell, active []*ent.Channel, cell func(channel int, status string)) productCount {
	var (
		pc      productCount
		na, avl int
	)
	for _, ch := range active {
		// A product has a few cells: a scan beats a map.
		status, other := NotAssessed, false
		for _, c := range cells {
			if c.Channel == ch.ID {
				status, other = c.Status, c.OtherLanguage
				break
			}
		}
		cell(ch.ID, status)
		switch status {
		case NotApplicable:
			na++
		case Available:
			avl++
			if ch.Assisted {
				pc.assisted = 1
				if other {
					pc.assistedOther = 1
				}
			}
			if ch.Youth {
				pc.youth = 1
			}
			if ch.Digital {
				pc.digital = 1
			}
		}
	}
	if n := len(active) - na; n > 0 && avl == n {
		pc.fully = 1
	}
	return pc
}
