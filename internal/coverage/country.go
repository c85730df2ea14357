package coverage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// Country computes today's coverage of every municipality in the catalogue
// together: what one deployment serving the whole country reports. Its
// ByOrganization lists the municipalities; the target is the deployment-wide
// one (a primary target without municipality), and there is no projection.
//
// Reconstructing the whole country's state from the change log takes minutes
// at national size (five million events), so Country reads today's state from
// the current tables, which the change-log hook keeps equal to the log's last
// events (a test holds the two to the same figures). Even that is a GROUP BY
// over every cell (about a second for 1.2 million), so the counts of each
// municipality are kept between calls, keyed on the municipality's version
// (raised by every commit that touches it, see internal/changelog): a call
// recounts only the municipalities that changed since the last one. now is
// the moment the report names; the counts are the database's current ones.
func (s *Service) Country(ctx context.Context, now time.Time) (*Report, error) {
	ctx = lookups(ctx)
	now = now.UTC().Truncate(time.Microsecond)
	// Versions first: counts read after them are at least as new, so a count
	// is never kept under a version newer than itself.
	versions, everything, err := s.municipalityVersions(ctx)
	if err != nil {
		return nil, err
	}
	municipalities, err := s.Client.Organization.Query().
		Where(organization.KindEQ(organization.KindMUNICIPALITY)).
		Order(ent.Asc(organization.FieldName), ent.Asc(organization.FieldCode)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	channels, err := s.Client.Channel.Query().
		Where(channel.Active(true)).
		Order(ent.Asc(channel.FieldSortOrder), ent.Asc(channel.FieldCode)).
		All(ctx)
	if err != nil {
		return nil, err
	}

	s.countryMu.Lock()
	defer s.countryMu.Unlock()
	if s.country == nil || s.countryEverything != everything {
		s.country, s.countryEverything = map[int]*municipalityCounts{}, everything
	}
	var stale []int
	for _, m := range municipalities {
		if c, ok := s.country[m.ID]; !ok || c.version != versions[m.ID] {
			stale = append(stale, m.ID)
		}
	}
	if len(stale) > 0 {
		fresh, err := s.countToday(ctx, stale, channels, len(stale) == len(municipalities))
		if err != nil {
			return nil, err
		}
		for _, id := range stale {
			c := fresh[id]
			if c == nil {
				c = &municipalityCounts{}
			}
			c.version = versions[id]
			s.country[id] = c
		}
	}

	r := &Report{AsOf: now}
	byChannel := map[int]*Counts{}
	byTheme := map[string]*PartCoverage{}
	for _, m := range municipalities {
		c := s.country[m.ID]
		if c.part.Products == 0 {
			continue
		}
		r.ByOrganization = append(r.ByOrganization, OrganizationCoverage{Organization: m, PartCoverage: c.part})
		r.Products += c.part.Products
		r.FullyCoveredProducts += c.part.FullyCoveredProducts
		r.Counts.Plus(c.part.Counts)
		r.Groups.PersonalHelp += c.groups.PersonalHelp
		r.Groups.OtherLanguage += c.groups.OtherLanguage
		r.Groups.Youth += c.groups.Youth
		r.Groups.Digital += c.groups.Digital
		for ch, n := range c.byChannel {
			if byChannel[ch] == nil {
				byChannel[ch] = &Counts{}
			}
			byChannel[ch].Plus(n)
		}
		for theme, p := range c.byTheme {
			if byTheme[theme] == nil {
				byTheme[theme] = &PartCoverage{}
			}
			byTheme[theme].Products += p.Products
			byTheme[theme].FullyCoveredProducts += p.FullyCoveredProducts
			byTheme[theme].Counts.Plus(p.Counts)
		}
	}
	for _, ch := range channels {
		if counts, ok := byChannel[ch.ID]; ok {
			r.ByChannel = append(r.ByChannel, ChannelCoverage{Channel: ch, Counts: *counts})
		}
	}
	for theme, p := range byTheme {
		r.ByTheme = append(r.ByTheme, ThemeCoverage{Theme: theme, PartCoverage: *p})
	}
	slices.SortFunc(r.ByTheme, func(a, b ThemeCoverage) int { return compareStrings(a.Theme, b.Theme) })
	if r.Target, err = s.target(ctx, 0); err != nil {
		return nil, err
	}
	if r.Target != nil {
		r.Target.DaysLeft = catalog.DaysLeft(r.AsOf, r.Target.Deadline)
	}
	return r, nil
}

// municipalityCounts are one municipality's figures today, summed up when
// counted, so that adding up the country is cheap.
type municipalityCounts struct {
	version   int64
	part      PartCoverage
	groups    Groups
	byChannel map[int]Counts
	byTheme   map[string]PartCoverage
}

// rawCounts are one municipality's counts as the database gives them.
type rawCounts struct {
	// cells in scope by theme, channel and status, NOT_ASSESSED included.
	cells []themeCell
	// products in scope by theme, with the per-product figures.
	perTheme map[string]themeProducts
}

type themeCell struct {
	theme   string
	channel int
	status  string
	n       int
}

type themeProducts struct {
	products, fully, assisted, assistedOther, youth, digital int
}

// municipalityVersions reads the version of every municipality that ever
// changed (or of the one given), and the version of changes that concern
// them all (channels).
func (s *Service) municipalityVersions(ctx context.Context, only ...int) (map[int]int64, int64, error) {
	q, args := "SELECT municipality_id, version FROM municipality_version", []any{}
	if len(only) == 1 {
		q, args = q+" WHERE municipality_id IN ($1, 0)", []any{only[0]}
	}
	rows, err := s.Client.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("coverage: reading the municipalities' versions: %w", err)
	}
	defer rows.Close()
	versions := map[int]int64{}
	var everything int64
	for rows.Next() {
		var id, v int64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, 0, err
		}
		if id == 0 {
			everything = v
		} else {
			versions[int(id)] = v
		}
	}
	return versions, everything, rows.Err()
}

// countToday counts the cells and products of some municipalities as they
// stand now, from the current tables, with the definitions of Report: products
// PUBLISHED, channels active, a cell's status its availability's or
// NOT_ASSESSED.
func (s *Service) countToday(ctx context.Context, ids []int, channels []*ent.Channel, all bool) (map[int]*municipalityCounts, error) {
	out := map[int]*rawCounts{}
	if len(channels) == 0 {
		return map[int]*municipalityCounts{}, nil
	}
	chanIDs := make([]int, len(channels))
	for i, ch := range channels {
		chanIDs[i] = ch.ID
	}
	inMunicipalities := ""
	if !all {
		inMunicipalities = " AND p.municipality_id IN (" + intList(ids) + ")"
	}
	otherLanguage := "EXISTS (SELECT 1 FROM json_each(a.languages) l WHERE l.value <> 'nl')"
	if s.Dialect == dialect.Postgres {
		otherLanguage = "EXISTS (SELECT 1 FROM jsonb_array_elements_text(a.languages) l WHERE l <> 'nl')"
	}
	inChannels := " AND a.channel_id IN (" + intList(chanIDs) + ")"
	// PostgreSQL would compile this statement (its estimated cost is high at
	// national size) and spend longer compiling than it saves: JIT off, in a
	// transaction of this statement's own. (SQLite's transactions here take
	// the write lock at BEGIN, so there the statement runs on its own.)
	var q interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	} = s.Client
	if s.Dialect == dialect.Postgres {
		tx, err := s.Client.Tx(ctx)
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "SET LOCAL jit = off"); err != nil {
			return nil, err
		}
		q = tx
	}
	rows, err := q.QueryContext(ctx, `
SELECT 'cells' AS kind, p.municipality_id, p.theme, a.channel_id, a.status, COUNT(*) AS n, 0 AS a, 0 AS b, 0 AS c, 0 AS d, 0 AS e
FROM availabilities a JOIN products p ON p.id = a.product_id
WHERE p.status = 'PUBLISHED'`+inMunicipalities+inChannels+`
GROUP BY p.municipality_id, p.theme, a.channel_id, a.status
UNION ALL
SELECT 'products', p.municipality_id, p.theme, NULL, NULL, COUNT(*),
	SUM(CASE WHEN per.na IS NOT NULL AND `+fmt.Sprint(len(chanIDs))+` - per.na > 0 AND per.avl = `+fmt.Sprint(len(chanIDs))+` - per.na THEN 1 ELSE 0 END),
	COALESCE(SUM(per.g_assisted), 0), COALESCE(SUM(per.g_other), 0), COALESCE(SUM(per.g_youth), 0), COALESCE(SUM(per.g_digital), 0)
FROM products p LEFT JOIN (
	SELECT a.product_id,
		SUM(CASE WHEN a.status = 'NOT_APPLICABLE' THEN 1 ELSE 0 END) AS na,
		SUM(CASE WHEN a.status = 'AVAILABLE' THEN 1 ELSE 0 END) AS avl,
		MAX(CASE WHEN a.status = 'AVAILABLE' AND ch.assisted THEN 1 ELSE 0 END) AS g_assisted,
		MAX(CASE WHEN a.status = 'AVAILABLE' AND ch.assisted AND `+otherLanguage+` THEN 1 ELSE 0 END) AS g_other,
		MAX(CASE WHEN a.status = 'AVAILABLE' AND ch.youth THEN 1 ELSE 0 END) AS g_youth,
		MAX(CASE WHEN a.status = 'AVAILABLE' AND ch.digital THEN 1 ELSE 0 END) AS g_digital
	FROM availabilities a JOIN channels ch ON ch.id = a.channel_id JOIN products p ON p.id = a.product_id
	WHERE p.status = 'PUBLISHED'`+inMunicipalities+inChannels+`
	GROUP BY a.product_id
) per ON per.product_id = p.id
WHERE p.status = 'PUBLISHED'`+inMunicipalities+`
GROUP BY p.municipality_id, p.theme`)
	if err != nil {
		return nil, fmt.Errorf("coverage: counting today's cells: %w", err)
	}
	defer rows.Close()
	get := func(id int) *rawCounts {
		if out[id] == nil {
			out[id] = &rawCounts{perTheme: map[string]themeProducts{}}
		}
		return out[id]
	}
	for rows.Next() {
		var (
			kind             string
			mid              int64
			theme            string
			ch               sql.NullInt64
			status           sql.NullString
			n, a, b, c, d, e int
		)
		if err := rows.Scan(&kind, &mid, &theme, &ch, &status, &n, &a, &b, &c, &d, &e); err != nil {
			return nil, err
		}
		m := get(int(mid))
		switch kind {
		case "cells":
			m.cells = append(m.cells, themeCell{theme, int(ch.Int64), status.String, n})
		case "products":
			m.perTheme[theme] = themeProducts{products: n, fully: a, assisted: b, assistedOther: c, youth: d, digital: e}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Cells without an availability: every product on every active channel,
	// less the assessed ones.
	summed := map[int]*municipalityCounts{}
	for id, m := range out {
		assessed := map[string]map[int]int{}
		for _, c := range m.cells {
			if assessed[c.theme] == nil {
				assessed[c.theme] = map[int]int{}
			}
			assessed[c.theme][c.channel] += c.n
		}
		for theme, pc := range m.perTheme {
			for _, ch := range chanIDs {
				if rest := pc.products - assessed[theme][ch]; rest > 0 {
					m.cells = append(m.cells, themeCell{theme, ch, NotAssessed, rest})
				}
			}
		}
		summed[id] = m.sum()
	}
	return summed, nil
}

// sum adds one municipality's counts up.
func (m *rawCounts) sum() *municipalityCounts {
	c := &municipalityCounts{byChannel: map[int]Counts{}, byTheme: map[string]PartCoverage{}}
	for _, cell := range m.cells {
		c.part.Counts.add(cell.status, cell.n)
		n := c.byChannel[cell.channel]
		n.add(cell.status, cell.n)
		c.byChannel[cell.channel] = n
		t := c.byTheme[cell.theme]
		t.Counts.add(cell.status, cell.n)
		c.byTheme[cell.theme] = t
	}
	for theme, pc := range m.perTheme {
		c.part.Products += pc.products
		c.part.FullyCoveredProducts += pc.fully
		c.groups.PersonalHelp += pc.assisted
		c.groups.OtherLanguage += pc.assistedOther
		c.groups.Youth += pc.youth
		c.groups.Digital += pc.digital
		t := c.byTheme[theme]
		t.Products += pc.products
		t.FullyCoveredProducts += pc.fully
		c.byTheme[theme] = t
	}
	return c
}
