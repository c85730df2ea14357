package coverage

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"

	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage/tally"
)

// published is the state of a published product, as the log records it.
var published = "PUBLISHED"

// Interval is the distance between the points of a history.
type Interval string

// The intervals a history can use.
const (
	Week    Interval = "WEEK"
	Month   Interval = "MONTH"
	Quarter Interval = "QUARTER"
)

// MaxPoints bounds a history, so that nobody asks for a point per second.
const MaxPoints = 2000

// Point is the coverage at one moment of a history.
type Point struct {
	At                                                                        time.Time
	ApplicableCells, AvailableCells, NotApplicableCells, FullyCoveredProducts int
}

// Ratio is available / applicable, 0 when no cell applies.
func (p Point) Ratio() float64 {
	if p.ApplicableCells == 0 {
		return 0
	}
	return float64(p.AvailableCells) / float64(p.ApplicableCells)
}

// Points returns the moments of a history: from, from plus one interval, and
// so on while before to, and to itself last.
func Points(from, to time.Time, iv Interval) ([]time.Time, error) {
	if to.Before(from) {
		return nil, catalog.BadArgument("to", "range", "the history's end (%s) lies before its start (%s)", to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	var out []time.Time
	for k := 0; ; k++ {
		var t time.Time
		switch iv {
		case Week:
			t = from.AddDate(0, 0, 7*k)
		case Month:
			t = from.AddDate(0, k, 0)
		case Quarter:
			t = from.AddDate(0, 3*k, 0)
		default:
			return nil, catalog.BadArgument("interval", "invalid", "unknown interval %q: use WEEK, MONTH or QUARTER", iv)
		}
		if !t.Before(to) {
			break
		}
		if len(out) >= MaxPoints-1 {
			return nil, catalog.BadArgument("interval", "range", "a history has at most %d points; choose a longer interval or a shorter period", MaxPoints)
		}
		out = append(out, t)
	}
	return append(out, to), nil
}

// History computes the coverage at each of the points of [from, to] in one
// pass over the change log: it replays the events in order, keeping running
// counts, and notes the counts as it passes each point. Its cost grows with
// the cells and events, not with cells × points.
func (s *Service) History(ctx context.Context, f Filter, from, to time.Time, iv Interval) ([]Point, error) {
	ctx = lookups(ctx)
	points, err := Points(from.UTC(), to.UTC(), iv)
	if err != nil {
		return nil, err
	}
	return s.historyAt(ctx, f, points)
}

// historyAt computes the coverage at each of the moments, which are in
// ascending order, in one pass over the change log.
func (s *Service) historyAt(ctx context.Context, f Filter, points []time.Time) ([]Point, error) {
	sc, err := s.scope(ctx, f)
	if err != nil {
		return nil, err
	}
	r := newReplay()
	preds := []predicate.Product{product.MunicipalityID(f.Municipality)}
	if sc.owners != nil {
		preds = append(preds, product.OwnerIDIn(sc.owners...))
	}
	if f.Theme != nil {
		preds = append(preds, product.Theme(*f.Theme))
	}
	if f.Audience != nil {
		aud := string(*f.Audience)
		preds = append(preds, func(s *sql.Selector) {
			s.Where(sqljson.ValueContains(product.FieldAudiences, aud))
		})
	}
	ids, err := s.Client.Product.Query().Where(preds...).IDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		r.products[id] = true
	}
	for _, ch := range sc.channels {
		r.channels[ch.ID] = true
	}

	// The municipality's latest snapshot at or before the first point, then
	// its events since and every channel event (few): the replay's cost is
	// the products and the events from a month before the first point on,
	// not the whole log. A record's events after the snapshot come after
	// its state in it, and records do not depend on each other's order.
	s.ensureSnapshots(ctx)
	snap, err := tally.Latest(ctx, s.Client, f.Municipality, points[0].UTC().Truncate(time.Microsecond))
	if err != nil {
		return nil, err
	}
	for id, p := range snap.Products {
		if p.Published {
			r.apply(event{entity: "PRODUCT", entityID: id, state: &published})
		}
		for _, c := range p.Cells {
			r.apply(event{entity: "AVAILABILITY", productID: &id, channelID: &c.Channel, state: &c.Status})
		}
	}
	last := points[len(points)-1].UTC().Truncate(time.Microsecond)
	// Without a snapshot, the one statement over the whole log as before
	// (a bitmap scan on PostgreSQL); with one, the events since it.
	query, args := `
SELECT entity, entity_id, product_id, channel_id, state, recorded_at, id FROM change_events
WHERE recorded_at <= $2 AND (entity = 'CHANNEL' OR (municipality_id = $1 AND entity IN ('PRODUCT', 'AVAILABILITY')))
ORDER BY recorded_at, id`, []any{f.Municipality, last}
	if !snap.At.IsZero() {
		query, args = `
SELECT entity, entity_id, product_id, channel_id, state, recorded_at, id FROM change_events
WHERE entity = 'CHANNEL' AND recorded_at <= $2
UNION ALL
SELECT entity, entity_id, product_id, channel_id, state, recorded_at, id FROM change_events
WHERE municipality_id = $1 AND entity IN ('PRODUCT', 'AVAILABILITY') AND recorded_at > $3 AND recorded_at <= $2
ORDER BY 6, 7`, append(args, snap.At)
	}
	rows, err := s.Client.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("coverage: reading the change log: %w", err)
	}
	defer rows.Close()
	out := make([]Point, 0, len(points))
	next := 0
	for rows.Next() {
		var (
			e  event
			id int
		)
		if err := rows.Scan(&e.entity, &e.entityID, &e.productID, &e.channelID, &e.state, &e.at, &id); err != nil {
			return nil, err
		}
		for next < len(points) && e.at.After(points[next]) {
			out = append(out, r.point(points[next]))
			next++
		}
		r.apply(e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for ; next < len(points); next++ {
		out = append(out, r.point(points[next]))
	}
	return out, nil
}

// event is one row of the change log, as the replay reads it.
type event struct {
	entity               string
	entityID             int
	productID, channelID *int
	state                *string
	at                   time.Time
}

type cellKey struct{ product, channel int }

// replay keeps the running counts of a history.
type replay struct {
	// products and channels in scope (classification as now).
	products map[int]bool
	channels map[int]bool

	published map[int]bool
	active    map[int]bool
	status    map[cellKey]string // absent: not assessed

	// Per product, over the active channels: not applicable and available cells.
	na, av  map[int]int
	nActive int
	// Over the published products.
	nPub, sumNA, sumAV, fully int
}

func newReplay() *replay {
	return &replay{
		products: map[int]bool{}, channels: map[int]bool{},
		published: map[int]bool{}, active: map[int]bool{}, status: map[cellKey]string{},
		na: map[int]int{}, av: map[int]int{},
	}
}

func (r *replay) isFully(p int) bool {
	app := r.nActive - r.na[p]
	return app > 0 && r.av[p] == app
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (r *replay) point(at time.Time) Point {
	return Point{
		At:                   at,
		ApplicableCells:      r.nPub*r.nActive - r.sumNA,
		AvailableCells:       r.sumAV,
		NotApplicableCells:   r.sumNA,
		FullyCoveredProducts: r.fully,
	}
}

func (r *replay) apply(e event) {
	switch e.entity {
	case "AVAILABILITY":
		if e.productID == nil || e.channelID == nil || !r.products[*e.productID] || !r.channels[*e.channelID] {
			return
		}
		p, c := *e.productID, *e.channelID
		k := cellKey{p, c}
		s0, ok := r.status[k]
		if !ok {
			s0 = NotAssessed
		}
		s1 := NotAssessed
		if e.state != nil {
			s1 = *e.state
		}
		if s0 == s1 {
			return
		}
		if s1 == NotAssessed {
			delete(r.status, k)
		} else {
			r.status[k] = s1
		}
		if !r.active[c] {
			return
		}
		was := r.published[p] && r.isFully(p)
		dNA := b2i(s1 == NotApplicable) - b2i(s0 == NotApplicable)
		dAV := b2i(s1 == Available) - b2i(s0 == Available)
		r.na[p] += dNA
		r.av[p] += dAV
		if r.published[p] {
			r.sumNA += dNA
			r.sumAV += dAV
			r.fully += b2i(r.isFully(p)) - b2i(was)
		}
	case "PRODUCT":
		p := e.entityID
		if !r.products[p] {
			return
		}
		now := e.state != nil && *e.state == "PUBLISHED"
		if now == r.published[p] {
			return
		}
		r.published[p] = now
		sign := 1
		if !now {
			sign = -1
		}
		r.nPub += sign
		r.sumNA += sign * r.na[p]
		r.sumAV += sign * r.av[p]
		r.fully += sign * b2i(r.isFully(p))
	case "CHANNEL":
		c := e.entityID
		if !r.channels[c] {
			return
		}
		now := e.state != nil && *e.state == "ACTIVE"
		if now == r.active[c] {
			return
		}
		r.active[c] = now
		sign := 1
		if !now {
			sign = -1
		}
		r.nActive += sign
		// Every product gains or loses a cell: recount the sums.
		r.sumNA, r.sumAV, r.fully = 0, 0, 0
		for p := range r.products {
			s := r.status[cellKey{p, c}]
			r.na[p] += sign * b2i(s == NotApplicable)
			r.av[p] += sign * b2i(s == Available)
			if r.published[p] {
				r.sumNA += r.na[p]
				r.sumAV += r.av[p]
				r.fully += b2i(r.isFully(p))
			}
		}
	}
}
