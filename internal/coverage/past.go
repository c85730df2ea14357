package coverage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage/tally"
)

// aggregate counts the scope at a past moment: the municipality's products
// and cells at at are its latest snapshot at or before at and the events
// since (tally.StateAt: a month of events at most once the snapshots are
// built), classified as now and counted as coverage now counts its rows,
// against the channels active at at. Its cost grows with the municipality's
// products and a month's events, not with its log.
func (s *Service) aggregate(ctx context.Context, sc *scope, at time.Time) (*aggregates, error) {
	s.ensureSnapshots(ctx)
	st, err := tally.StateAt(ctx, s.Client, sc.Municipality, at)
	if err != nil {
		return nil, fmt.Errorf("coverage: the state at %s: %w", at.Format(time.RFC3339), err)
	}
	activeAt, err := s.channelsActiveAt(ctx, at)
	if err != nil {
		return nil, err
	}
	var active []*ent.Channel
	for _, ch := range sc.channels {
		if activeAt[ch.ID] {
			active = append(active, ch)
		}
	}
	classes, err := s.classification(ctx, sc.Municipality)
	if err != nil {
		return nil, err
	}
	var products []tally.Product
	for id, p := range st.Products {
		c, ok := classes[id]
		if !p.Published || !ok {
			continue
		}
		c.Cells = p.SortedCells()
		products = append(products, c)
	}
	return s.count(sc, products, active), nil
}

// channelsActiveAt are the channels whose last event at or before at
// leaves them active.
func (s *Service) channelsActiveAt(ctx context.Context, at time.Time) (map[int]bool, error) {
	rows, err := s.Client.QueryContext(ctx, `SELECT x.entity_id FROM (
	SELECT entity_id, state, ROW_NUMBER() OVER (PARTITION BY entity_id ORDER BY recorded_at DESC, id DESC) AS rn
	FROM change_events WHERE entity = 'CHANNEL' AND recorded_at <= $1
) x WHERE x.rn = 1 AND x.state = 'ACTIVE'`, at)
	if err != nil {
		return nil, fmt.Errorf("coverage: the channels at %s: %w", at.Format(time.RFC3339), err)
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// classification is every product of the municipality as it is classified
// now (owner, theme, audiences): history is restated in today's organization.
func (s *Service) classification(ctx context.Context, municipality int) (map[int]tally.Product, error) {
	rows, err := s.Client.QueryContext(ctx, `SELECT id, owner_id, theme, audiences FROM products WHERE municipality_id = $1`, municipality)
	if err != nil {
		return nil, fmt.Errorf("coverage: reading the products: %w", err)
	}
	defer rows.Close()
	out := map[int]tally.Product{}
	for rows.Next() {
		var (
			p   tally.Product
			aud []byte
		)
		if err := rows.Scan(&p.ID, &p.Owner, &p.Theme, &aud); err != nil {
			return nil, err
		}
		if len(aud) > 0 {
			if err := json.Unmarshal(aud, &p.Audiences); err != nil {
				return nil, fmt.Errorf("coverage: audiences of product %d: %w", p.ID, err)
			}
		}
		p.Municipality = municipality
		out[p.ID] = p
	}
	return out, rows.Err()
}

// ensureSnapshots derives the snapshots of the months that ended since the
// last import or rebuild, once per month per service: a running deployment
// gets a new month's snapshot on the first question about the past after it
// settled, so that the events since the latest snapshot stay a month's. A
// database this service cannot write (a replica) keeps the snapshots it
// has: the answers stay right, only dearer.
func (s *Service) ensureSnapshots(ctx context.Context) {
	month := tally.SnapshotAt(time.Now().Add(-tally.Settle)).UnixMicro()
	if s.snapshotsUpTo.Load() >= month {
		return
	}
	// Tried once a month, built or not: a replica would fail every time,
	// and the snapshots it has give the right answers.
	s.snapshotsUpTo.Store(month)
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return
	}
	defer tx.Rollback()
	if _, err := tally.BuildSnapshots(ctx, tx, s.Dialect == dialect.Postgres, nil, time.Now()); err != nil {
		return
	}
	_ = tx.Commit()
}
