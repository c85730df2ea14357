package coverage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage/tally"
)

// Country computes today's coverage of every municipality in the catalogue
// together: what one deployment serving the whole country reports. Its
// ByOrganization lists the municipalities; the target is the deployment-wide
// one (a primary target without municipality), and there is no projection.
//
// Reconstructing the whole country's state from the change log takes minutes
// at national size (five million events), so Country counts today's state
// from the rows the change log keeps per product (internal/coverage/tally;
// a test holds them to the replay's figures). Even that reads 140,000 rows at
// national size, so the counts of each municipality are kept between calls,
// keyed on the municipality's version (raised by every commit that touches
// it, see internal/changelog): a call recounts only the municipalities that
// changed since the last one. now is the moment the report names; the
// counts are the database's current ones.
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
// changed (or of the one given, with the version of its past under its
// negated id), and the version of changes that concern them all (channels).
func (s *Service) municipalityVersions(ctx context.Context, only ...int) (map[int]int64, int64, error) {
	q, args := "SELECT municipality_id, version FROM municipality_version", []any{}
	if len(only) == 1 {
		q, args = q+" WHERE municipality_id IN ($1, 0, $2)", []any{only[0], -only[0]}
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
// stand now, from the coverage rows kept per product (now.go), with the
// definitions of Report: products PUBLISHED, channels active, a cell's
// status its availability's or NOT_ASSESSED.
func (s *Service) countToday(ctx context.Context, ids []int, channels []*ent.Channel, all bool) (map[int]*municipalityCounts, error) {
	if ok, err := s.ensureTally(ctx); err != nil {
		return nil, err
	} else if !ok {
		return nil, errors.New("coverage: the coverage rows per product are not built and this database cannot build them; run catalogus coverage rebuild")
	}
	var (
		products []tally.Product
		err      error
	)
	if all {
		products, err = tally.All(ctx, s.Client)
	} else {
		products, err = tally.Municipalities(ctx, s.Client, ids)
	}
	if err != nil {
		return nil, err
	}
	type cellKey struct {
		theme   string
		channel int
		status  string
	}
	out := map[int]*rawCounts{}
	cells := map[int]map[cellKey]int{}
	for _, p := range products {
		m := out[p.Municipality]
		if m == nil {
			m = &rawCounts{perTheme: map[string]themeProducts{}}
			out[p.Municipality] = m
			cells[p.Municipality] = map[cellKey]int{}
		}
		mc := cells[p.Municipality]
		f := countProduct(p.Cells, channels, func(ch int, status string) {
			mc[cellKey{p.Theme, ch, status}]++
		})
		tp := m.perTheme[p.Theme]
		tp.products++
		tp.fully += f.fully
		tp.assisted += f.assisted
		tp.assistedOther += f.assistedOther
		tp.youth += f.youth
		tp.digital += f.digital
		m.perTheme[p.Theme] = tp
	}
	summed := map[int]*municipalityCounts{}
	for id, m := range out {
		for k, n := range cells[id] {
			m.cells = append(m.cells, themeCell{k.theme, k.channel, k.status, n})
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
