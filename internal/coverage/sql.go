package coverage

import (
	"context"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
)

// stateAt is the SQL that reconstructs the catalogue at a moment from the
// change log, narrowed to a scope. It defines:
//
//	prod    products of the municipality PUBLISHED at $2 (last product event ≤ $2)
//	chan    channels ACTIVE at $2 (last channel event ≤ $2), narrowed by the channel filter
//	av      each (product, channel)'s last availability event ≤ $2, unless a delete
//	scoped  prod narrowed by the current classification (owner, theme, audience)
//
// Window functions pick each record's last event; both PostgreSQL and SQLite
// (3.25 and later) have them. The parts are materialized, and joined only
// through IN lists and primary keys, so that neither database joins two
// unindexed intermediate results row by row. $1 is the municipality, $2 the
// moment.
func (s *Service) stateAt(sc *scope, at time.Time) (string, []any) {
	args := []any{sc.Municipality, at}
	var productWhere []string
	if sc.owners != nil {
		productWhere = append(productWhere, "pr.owner_id IN ("+intList(sc.owners)+")")
	}
	if sc.Theme != nil {
		args = append(args, *sc.Theme)
		productWhere = append(productWhere, "pr.theme = $"+strconv.Itoa(len(args)))
	}
	if sc.Audience != nil {
		if s.Dialect == dialect.Postgres {
			args = append(args, `["`+string(*sc.Audience)+`"]`)
			productWhere = append(productWhere, "pr.audiences @> $"+strconv.Itoa(len(args))+"::jsonb")
		} else {
			args = append(args, string(*sc.Audience))
			productWhere = append(productWhere, "EXISTS (SELECT 1 FROM json_each(pr.audiences) j WHERE j.value = $"+strconv.Itoa(len(args))+")")
		}
	}
	channelWhere := ""
	if sc.Channels != nil {
		channelWhere = " AND x.entity_id IN (" + intList(sc.Channels) + ")"
	}
	where := ""
	if len(productWhere) > 0 {
		where = " AND " + strings.Join(productWhere, " AND ")
	}
	q := `WITH
prod AS MATERIALIZED (
	SELECT x.entity_id AS id FROM (
		SELECT entity_id, state,
			ROW_NUMBER() OVER (PARTITION BY entity_id ORDER BY recorded_at DESC, id DESC) AS rn
		FROM change_events
		WHERE entity = 'PRODUCT' AND municipality_id = $1 AND recorded_at <= $2
	) x WHERE x.rn = 1 AND x.state = 'PUBLISHED'
),
chan AS MATERIALIZED (
	SELECT x.entity_id AS id FROM (
		SELECT entity_id, state,
			ROW_NUMBER() OVER (PARTITION BY entity_id ORDER BY recorded_at DESC, id DESC) AS rn
		FROM change_events
		WHERE entity = 'CHANNEL' AND recorded_at <= $2
	) x WHERE x.rn = 1 AND x.state = 'ACTIVE'` + channelWhere + `
),
scoped AS MATERIALIZED (
	SELECT pr.id, pr.owner_id, pr.theme FROM products pr
	WHERE pr.id IN (SELECT id FROM prod)` + where + `
),
av AS MATERIALIZED (
	SELECT x.product_id, x.channel_id, x.state, x.other_language FROM (
		SELECT product_id, channel_id, state, other_language,
			ROW_NUMBER() OVER (PARTITION BY product_id, channel_id ORDER BY recorded_at DESC, id DESC) AS rn
		FROM change_events
		WHERE entity = 'AVAILABILITY' AND municipality_id = $1 AND recorded_at <= $2
	) x
	WHERE x.rn = 1 AND x.state IS NOT NULL
		AND x.product_id IN (SELECT id FROM scoped) AND x.channel_id IN (SELECT id FROM chan)
)
`
	return q, args
}

func intList(ids []int) string {
	if len(ids) == 0 {
		return "NULL" // IN (NULL) matches nothing
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(id)
	}
	return strings.Join(parts, ",")
}

// aggregates are the SQL aggregates one moment's coverage is built from.
type aggregates struct {
	// channels active at the moment (within the filter).
	channels []int
	// products per owner and theme.
	products map[ownerTheme]int
	// assessed cells per owner, theme, channel and status; cells without an
	// availability are the rest: products × active channels.
	cells []cellCount
	// per owner and theme: fully covered products and the groups' counts.
	perProduct map[ownerTheme]productCount
}

type ownerTheme struct {
	owner int
	theme string
}

type cellCount struct {
	ownerTheme
	channel int
	status  string
	n       int
}

type productCount struct {
	fully, assisted, assistedOther, youth, digital int
}

// Statements returns the SQL statements that count f at at by replaying the
// whole log in the database, with their arguments: the aggregate at at and,
// when there is a target, the one twelve weeks earlier for the projection.
// Report no longer runs them (now is counted from the kept rows, the past
// from a snapshot and the events since: past.go); bench/ measures them on
// their own, as the floor the API is compared with.
func (s *Service) Statements(ctx context.Context, f Filter, at time.Time) ([]string, [][]any, error) {
	ctx = lookups(ctx)
	at = at.UTC().Truncate(time.Microsecond)
	sc, err := s.scope(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	q, args := s.aggregateSQL(sc, at)
	qs, argss := []string{q}, [][]any{args}
	if t, err := s.target(ctx, f.Municipality); err != nil {
		return nil, nil, err
	} else if t != nil {
		q, args := s.aggregateSQL(sc, at.Add(-PaceWindow))
		qs, argss = append(qs, q), append(argss, args)
	}
	return qs, argss, nil
}

// aggregateSQL is the statement aggregate runs.
func (s *Service) aggregateSQL(sc *scope, at time.Time) (string, []any) {
	with, args := s.stateAt(sc, at)
	return with + `
SELECT 'channel' AS kind, NULL AS owner_id, NULL AS theme, id AS channel_id, NULL AS status,
	0 AS n, 0 AS a, 0 AS b, 0 AS c, 0 AS d
FROM chan
UNION ALL
SELECT 'products', owner_id, theme, NULL, NULL, COUNT(*), 0, 0, 0, 0
FROM scoped GROUP BY owner_id, theme
UNION ALL
SELECT 'cells', pr.owner_id, pr.theme, av.channel_id, av.state, COUNT(*), 0, 0, 0, 0
FROM av JOIN products pr ON pr.id = av.product_id
GROUP BY pr.owner_id, pr.theme, av.channel_id, av.state
UNION ALL
SELECT 'per', pr.owner_id, pr.theme, NULL, NULL,
	SUM(CASE WHEN per.n_chan - per.na > 0 AND per.avl = per.n_chan - per.na THEN 1 ELSE 0 END),
	SUM(per.g_assisted), SUM(per.g_other), SUM(per.g_youth), SUM(per.g_digital)
FROM (
	SELECT av.product_id, (SELECT COUNT(*) FROM chan) AS n_chan,
		SUM(CASE WHEN av.state = 'NOT_APPLICABLE' THEN 1 ELSE 0 END) AS na,
		SUM(CASE WHEN av.state = 'AVAILABLE' THEN 1 ELSE 0 END) AS avl,
		MAX(CASE WHEN av.state = 'AVAILABLE' AND ch.assisted THEN 1 ELSE 0 END) AS g_assisted,
		MAX(CASE WHEN av.state = 'AVAILABLE' AND ch.assisted AND av.other_language THEN 1 ELSE 0 END) AS g_other,
		MAX(CASE WHEN av.state = 'AVAILABLE' AND ch.youth THEN 1 ELSE 0 END) AS g_youth,
		MAX(CASE WHEN av.state = 'AVAILABLE' AND ch.digital THEN 1 ELSE 0 END) AS g_digital
	FROM av JOIN channels ch ON ch.id = av.channel_id
	GROUP BY av.product_id
) per JOIN products pr ON pr.id = per.product_id
GROUP BY pr.owner_id, pr.theme`, args
}
