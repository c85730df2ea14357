package tally

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Snapshots of the past. Coverage at a past moment needs each product's
// status and each cell's status (and other language) at that moment. A
// snapshot holds them for one municipality at the start of a month (UTC),
// one row per product that had an event by then (coverage_snapshot_products:
// published or not, and its cells as coverage_products encodes them), and
// the past at a moment is the latest snapshot at or before it plus the
// municipality's events since: at most a month of them, whatever the length
// of the log. Channels are not in a snapshot: they are few, and their events
// are read from the log.
//
// A snapshot is derived from the log, never from the tables, so it can be
// dropped and derived again at any time (Rebuild does, and BuildSnapshots
// adds the missing ones). It stays true while no event is recorded at or
// before its moment after it was built. Ordinary writes record the moment
// they take under the record's lock, now, so only the months that ended
// more than Settle ago are built; the history importer and the restore
// record events at pinned, earlier moments: the change log drops, in the
// importing transaction, every snapshot of the municipality at or after the
// first moment it records (Invalidate), and the next BuildSnapshots derives
// them again. On PostgreSQL both take a lock per municipality first, so a
// build that read the log before an import committed cannot write its
// snapshot after the import dropped them.

// Settle is how long after a month's end its snapshot may be built: longer
// than any ordinary write's transaction, whose moment is taken before its
// commit.
const Settle = time.Hour

// snapshotLock plus a municipality's id is the key of the advisory lock that
// orders builds and invalidations of its snapshots on PostgreSQL: far below
// the int4 range of the keys migrate takes (hashtext).
const snapshotLock = -1 << 62

// SnapshotAt is the moment of the snapshot of the month that starts at or
// before t: the start of that month, UTC.
func SnapshotAt(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func micros(t time.Time) int64 { return t.UTC().UnixMicro() }

// PastProduct is a product's state at a moment: published or not, and its
// cells by channel.
type PastProduct struct {
	Published bool
	Cells     map[int]Cell
}

// State is a municipality's products at a moment, as the log gives them.
type State struct {
	At       time.Time
	Products map[int]*PastProduct
}

// Event is a product's or availability's event as the past reads it.
type Event struct {
	Entity               string
	EntityID             int
	ProductID, ChannelID sql.NullInt64
	State                sql.NullString
	OtherLanguage        sql.NullBool
	RecordedAt           time.Time
}

// Apply moves the state past one event.
func (s *State) Apply(e Event) {
	switch e.Entity {
	case "PRODUCT":
		p := s.product(e.EntityID)
		p.Published = e.State.Valid && e.State.String == "PUBLISHED"
	case "AVAILABILITY":
		if !e.ProductID.Valid || !e.ChannelID.Valid {
			return
		}
		p := s.product(int(e.ProductID.Int64))
		ch := int(e.ChannelID.Int64)
		if !e.State.Valid { // deleted: not assessed
			delete(p.Cells, ch)
			return
		}
		p.Cells[ch] = Cell{Channel: ch, Status: e.State.String, OtherLanguage: e.OtherLanguage.Valid && e.OtherLanguage.Bool}
	}
}

func (s *State) product(id int) *PastProduct {
	p := s.Products[id]
	if p == nil {
		p = &PastProduct{Cells: map[int]Cell{}}
		s.Products[id] = p
	}
	return p
}

// SortedCells are a product's cells by channel id.
func (p *PastProduct) SortedCells() []Cell {
	out := make([]Cell, 0, len(p.Cells))
	for _, ch := range slices.Sorted(maps.Keys(p.Cells)) {
		out = append(out, p.Cells[ch])
	}
	return out
}

// Latest reads the municipality's latest snapshot at or before at, in one
// statement; without one the state is empty, at the zero moment. (A
// snapshot has a row for every product with an event by its moment, and one
// is written only after the municipality's first event: none is empty.)
func Latest(ctx context.Context, q Querier, municipality int, at time.Time) (*State, error) {
	st := &State{Products: map[int]*PastProduct{}}
	rows, err := q.QueryContext(ctx, `SELECT at_us, product_id, published, cells FROM coverage_snapshot_products
WHERE municipality_id = $1 AND at_us = (SELECT MAX(at_us) FROM coverage_snapshots WHERE municipality_id = $1 AND at_us <= $2)`,
		municipality, micros(at))
	if err != nil {
		return nil, fmt.Errorf("tally: reading a snapshot: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			us        int64
			id        int
			published int
			cells     string
		)
		if err := rows.Scan(&us, &id, &published, &cells); err != nil {
			return nil, err
		}
		st.At = time.UnixMicro(us).UTC()
		cs, err := decodeCells(cells)
		if err != nil {
			return nil, err
		}
		p := st.product(id)
		p.Published = published == 1
		for _, c := range cs {
			p.Cells[c.Channel] = c
		}
	}
	return st, rows.Err()
}

// Events reads the municipality's product and availability events recorded
// after from and at or before to, in the log's order, and calls fn for each.
func Events(ctx context.Context, q Querier, municipality int, from, to time.Time, fn func(Event) error) error {
	// Without a start, no lower bound: PostgreSQL's generic plan guesses a
	// range of two parameters narrow and reads a whole log by index order.
	query, args := `SELECT entity, entity_id, product_id, channel_id, state, other_language, recorded_at
FROM change_events
WHERE municipality_id = $1 AND entity IN ('PRODUCT', 'AVAILABILITY') AND recorded_at <= $2`, []any{municipality, to}
	if !from.IsZero() {
		query, args = query+" AND recorded_at > $3", append(args, from)
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY recorded_at, id", args...)
	if err != nil {
		return fmt.Errorf("tally: reading the change log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.Entity, &e.EntityID, &e.ProductID, &e.ChannelID, &e.State, &e.OtherLanguage, &e.RecordedAt); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// StateAt is the municipality's state at at: its latest snapshot at or
// before at, and the events since.
func StateAt(ctx context.Context, q Querier, municipality int, at time.Time) (*State, error) {
	st, err := Latest(ctx, q, municipality, at)
	if err != nil {
		return nil, err
	}
	err = Events(ctx, q, municipality, st.At, at, func(e Event) error { st.Apply(e); return nil })
	st.At = at
	return st, err
}

// lockSnapshots takes, on PostgreSQL, the lock that orders builds and
// invalidations of the municipality's snapshots, until q's transaction ends.
func lockSnapshots(ctx context.Context, q Querier, municipality int) error {
	_, err := q.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(snapshotLock)+int64(municipality))
	if err != nil {
		return fmt.Errorf("tally: locking the snapshots of municipality %d: %w", municipality, err)
	}
	return nil
}

// Invalidate drops the municipality's snapshots at or after from, in q's
// transaction: the change log calls it when the transaction records events
// of the municipality at pinned moments (the first of them is from).
func Invalidate(ctx context.Context, q Querier, postgres bool, municipality int, from time.Time) error {
	if postgres {
		if err := lockSnapshots(ctx, q, municipality); err != nil {
			return err
		}
	}
	for _, table := range []string{"coverage_snapshot_products", "coverage_snapshots"} {
		if _, err := q.ExecContext(ctx, "DELETE FROM "+table+" WHERE municipality_id = $1 AND at_us >= $2",
			municipality, micros(SnapshotAt(from))); err != nil {
			return fmt.Errorf("tally: dropping the snapshots of municipality %d: %w", municipality, err)
		}
	}
	return nil
}

// BuildSnapshots derives the missing snapshots of the given municipalities
// (every one with events when ids is nil) from the log, for the months that
// started after its first event and at least Settle before now, in q's
// transaction; it returns how many it wrote. The generator, the history
// importer and Rebuild call it: the one path that writes snapshots.
func BuildSnapshots(ctx context.Context, q Querier, postgres bool, ids []int, now time.Time) (int, error) {
	if ids == nil {
		var err error
		if ids, err = municipalitiesWithEvents(ctx, q); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, m := range ids {
		k, err := buildMunicipality(ctx, q, postgres, m, SnapshotAt(now.Add(-Settle)))
		if err != nil {
			return n, err
		}
		n += k
	}
	return n, nil
}

func municipalitiesWithEvents(ctx context.Context, q Querier) ([]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM organizations WHERE kind = 'MUNICIPALITY' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("tally: reading the municipalities: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func buildMunicipality(ctx context.Context, q Querier, postgres bool, m int, last time.Time) (int, error) {
	if postgres {
		if err := lockSnapshots(ctx, q, m); err != nil {
			return 0, err
		}
	}
	var first sql.NullTime
	rows, err := q.QueryContext(ctx, `SELECT MIN(recorded_at) FROM change_events
WHERE municipality_id = $1 AND entity IN ('PRODUCT', 'AVAILABILITY')`, m)
	if err != nil {
		return 0, fmt.Errorf("tally: reading the change log: %w", err)
	}
	if rows.Next() {
		var raw any
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return 0, err
		}
		first, err = asTime(raw)
		if err != nil {
			rows.Close()
			return 0, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if !first.Valid {
		return 0, nil
	}
	var want []time.Time
	for t := SnapshotAt(first.Time).AddDate(0, 1, 0); !t.After(last); t = t.AddDate(0, 1, 0) {
		want = append(want, t)
	}
	have := map[int64]bool{}
	rows, err = q.QueryContext(ctx, `SELECT at_us FROM coverage_snapshots WHERE municipality_id = $1`, m)
	if err != nil {
		return 0, fmt.Errorf("tally: reading the snapshots: %w", err)
	}
	for rows.Next() {
		var us int64
		if err := rows.Scan(&us); err != nil {
			rows.Close()
			return 0, err
		}
		have[us] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	want = slices.DeleteFunc(want, func(t time.Time) bool { return have[micros(t)] })
	if len(want) == 0 {
		return 0, nil
	}
	// From the latest snapshot before the first missing one, in one pass
	// over the events since, writing each missing month as it passes.
	st, err := Latest(ctx, q, m, want[0])
	if err != nil {
		return 0, err
	}
	next := 0
	flush := func(upTo time.Time, inclusive bool) error {
		for next < len(want) && (want[next].Before(upTo) || (inclusive && !want[next].After(upTo))) {
			if err := writeSnapshot(ctx, q, m, want[next], st); err != nil {
				return err
			}
			next++
		}
		return nil
	}
	// Read first, then write: one connection reads one result at a time.
	var events []Event
	if err := Events(ctx, q, m, st.At, want[len(want)-1], func(e Event) error {
		events = append(events, e)
		return nil
	}); err != nil {
		return 0, err
	}
	for _, e := range events {
		// Events exactly at a month's start belong to its snapshot (at or before).
		if err := flush(e.RecordedAt, false); err != nil {
			return next, err
		}
		st.Apply(e)
	}
	return len(want), flush(want[len(want)-1], true)
}

// asTime reads a moment that a driver may give as a time or as text
// (SQLite's MIN over a datetime column).
func asTime(v any) (sql.NullTime, error) {
	switch t := v.(type) {
	case nil:
		return sql.NullTime{}, nil
	case time.Time:
		return sql.NullTime{Time: t, Valid: true}, nil
	case string:
		return parseTime(t)
	case []byte:
		return parseTime(string(t))
	}
	return sql.NullTime{}, fmt.Errorf("tally: unexpected moment %T", v)
}

func parseTime(s string) (sql.NullTime, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return sql.NullTime{Time: t, Valid: true}, nil
		}
	}
	return sql.NullTime{}, fmt.Errorf("tally: unreadable moment %q", s)
}

// writeSnapshot writes the state as the municipality's snapshot at at.
func writeSnapshot(ctx context.Context, q Querier, m int, at time.Time, st *State) error {
	us := micros(at)
	ids := slices.Sorted(maps.Keys(st.Products))
	const per = 300
	for start := 0; start < len(ids); start += per {
		batch := ids[start:min(start+per, len(ids))]
		var b strings.Builder
		b.WriteString("INSERT INTO coverage_snapshot_products (municipality_id, at_us, product_id, published, cells) VALUES ")
		args := make([]any, 0, 5*len(batch))
		for i, id := range batch {
			if i > 0 {
				b.WriteByte(',')
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5)
			p := st.Products[id]
			published := 0
			if p.Published {
				published = 1
			}
			args = append(args, m, us, id, published, encodeCells(p.SortedCells()))
		}
		if _, err := q.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("tally: writing a snapshot: %w", err)
		}
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO coverage_snapshots (municipality_id, at_us, products) VALUES ($1, $2, $3)`,
		m, us, len(ids)); err != nil {
		return fmt.Errorf("tally: writing a snapshot: %w", err)
	}
	return nil
}

// DropSnapshots removes every snapshot (Rebuild derives them again).
func DropSnapshots(ctx context.Context, q Querier) error {
	for _, table := range []string{"coverage_snapshot_products", "coverage_snapshots"} {
		if _, err := q.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			return fmt.Errorf("tally: dropping the snapshots: %w", err)
		}
	}
	return nil
}

// SnapshotCount is how many snapshots the database holds (for tests and
// the rebuild's report).
func SnapshotCount(ctx context.Context, q Querier) (int, error) {
	rows, err := q.QueryContext(ctx, "SELECT COUNT(*) FROM coverage_snapshots")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		err = rows.Scan(&n)
	}
	if err != nil {
		return 0, err
	}
	return n, rows.Err()
}
