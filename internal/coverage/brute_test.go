package coverage_test

import (
	"cmp"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
)

// brute computes coverage the slow, obvious way, written apart from the
// package: load every event, replay all of them up to the moment, then look
// at every cell. It shares no code with the package under test beyond the
// Filter and result types it fills in.
type brute struct {
	events   []*ent.ChangeEvent
	products []*ent.Product
	channels []*ent.Channel
	orgs     map[int]*ent.Organization
	targets  []*ent.Target
	avs      []*ent.Availability
}

func loadBrute(t *testing.T, c *ent.Client) *brute {
	t.Helper()
	ctx := fixture.Ctx() // past figures count products and channels whatever their status now
	b := &brute{orgs: map[int]*ent.Organization{}}
	var err error
	if b.events, err = c.ChangeEvent.Query().All(ctx); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(b.events, func(x, y *ent.ChangeEvent) int {
		if c := x.RecordedAt.Compare(y.RecordedAt); c != 0 {
			return c
		}
		return x.ID - y.ID
	})
	b.products = c.Product.Query().AllX(ctx)
	b.channels = c.Channel.Query().AllX(ctx)
	b.targets = c.Target.Query().AllX(ctx)
	b.avs = c.Availability.Query().AllX(ctx)
	for _, o := range c.Organization.Query().AllX(ctx) {
		b.orgs[o.ID] = o
	}
	return b
}

// under reports whether org lies in the tree below (or is) top.
func (b *brute) under(org, top int) bool {
	for id := org; ; {
		if id == top {
			return true
		}
		o := b.orgs[id]
		if o == nil || o.ParentID == nil {
			return false
		}
		id = *o.ParentID
	}
}

type bruteCell struct {
	status        string
	otherLanguage bool
}

// stateAt replays every event recorded at or before at.
func (b *brute) stateAt(at time.Time) (prodStatus map[int]string, chanActive map[int]bool, cells map[[2]int]bruteCell) {
	prodStatus, chanActive, cells = map[int]string{}, map[int]bool{}, map[[2]int]bruteCell{}
	for _, e := range b.events {
		if e.RecordedAt.After(at) {
			break
		}
		switch e.Entity {
		case changeevent.EntityPRODUCT:
			prodStatus[e.EntityID] = *e.State
		case changeevent.EntityCHANNEL:
			chanActive[e.EntityID] = *e.State == "ACTIVE"
		case changeevent.EntityAVAILABILITY:
			k := [2]int{*e.ProductID, *e.ChannelID}
			if e.State == nil {
				delete(cells, k)
			} else {
				cells[k] = bruteCell{status: *e.State, otherLanguage: e.OtherLanguage != nil && *e.OtherLanguage}
			}
		}
	}
	return
}

type bruteCellInScope struct {
	product *ent.Product
	channel *ent.Channel
	cell    bruteCell
}

// cellsAt lists every cell in scope at at under the filter.
func (b *brute) cellsAt(f coverage.Filter, at time.Time) ([]*ent.Product, []bruteCellInScope) {
	prodStatus, chanActive, cells := b.stateAt(at)
	var prods []*ent.Product
	var out []bruteCellInScope
	for _, p := range b.products {
		if p.MunicipalityID != f.Municipality || prodStatus[p.ID] != "PUBLISHED" {
			continue
		}
		if f.Organization != nil && !b.under(p.OwnerID, *f.Organization) {
			continue
		}
		if f.Theme != nil && p.Theme != *f.Theme {
			continue
		}
		if f.Audience != nil && !slices.Contains(p.Audiences, *f.Audience) {
			continue
		}
		prods = append(prods, p)
		for _, ch := range b.channels {
			if !chanActive[ch.ID] || (f.Channels != nil && !slices.Contains(f.Channels, ch.ID)) {
				continue
			}
			c, ok := cells[[2]int{p.ID, ch.ID}]
			if !ok {
				c = bruteCell{status: coverage.NotAssessed}
			}
			out = append(out, bruteCellInScope{p, ch, c})
		}
	}
	return prods, out
}

func bruteCount(c *coverage.Counts, status string) {
	c.Cells++
	if status != coverage.NotApplicable {
		c.ApplicableCells++
	}
	switch status {
	case coverage.Available:
		c.AvailableCells++
	case coverage.Partial:
		c.PartialCells++
	case coverage.Planned:
		c.PlannedCells++
	case coverage.Unavailable:
		c.UnavailableCells++
	case coverage.NotApplicable:
		c.NotApplicableCells++
	case coverage.NotAssessed:
		c.NotAssessedCells++
	}
}

// report is the brute-force Report, without the projection.
func (b *brute) report(f coverage.Filter, at time.Time) *coverage.Report {
	prods, cells := b.cellsAt(f, at)
	r := &coverage.Report{AsOf: at, Products: len(prods)}
	type perProduct struct{ app, av int }
	per := map[int]*perProduct{}
	groups := map[int]*[4]bool{}
	byChannel := map[int]*coverage.Counts{}
	for _, p := range prods {
		per[p.ID] = &perProduct{}
		groups[p.ID] = &[4]bool{}
	}
	for _, c := range cells {
		bruteCount(&r.Counts, c.cell.status)
		if byChannel[c.channel.ID] == nil {
			byChannel[c.channel.ID] = &coverage.Counts{}
		}
		bruteCount(byChannel[c.channel.ID], c.cell.status)
		pp := per[c.product.ID]
		if c.cell.status != coverage.NotApplicable {
			pp.app++
		}
		if c.cell.status == coverage.Available {
			pp.av++
			g := groups[c.product.ID]
			g[0] = g[0] || c.channel.Assisted
			g[1] = g[1] || (c.channel.Assisted && c.cell.otherLanguage)
			g[2] = g[2] || c.channel.Youth
			g[3] = g[3] || c.channel.Digital
		}
	}
	fully := func(id int) bool { return per[id].app > 0 && per[id].app == per[id].av }
	for _, p := range prods {
		if fully(p.ID) {
			r.FullyCoveredProducts++
		}
		g := groups[p.ID]
		r.Groups.PersonalHelp += btoi(g[0])
		r.Groups.OtherLanguage += btoi(g[1])
		r.Groups.Youth += btoi(g[2])
		r.Groups.Digital += btoi(g[3])
	}
	for _, ch := range b.channels {
		if c, ok := byChannel[ch.ID]; ok {
			r.ByChannel = append(r.ByChannel, coverage.ChannelCoverage{Channel: ch, Counts: *c})
		}
	}
	// By organization: the units directly below the filter's organization (or
	// the municipality), and that organization itself for what it owns directly.
	top := f.Municipality
	if f.Organization != nil {
		top = *f.Organization
	}
	unitOf := func(owner int) int {
		for id := owner; ; {
			o := b.orgs[id]
			if id == top || o.ParentID == nil {
				return id
			}
			if *o.ParentID == top {
				return id
			}
			id = *o.ParentID
		}
	}
	units := map[int]*coverage.PartCoverage{}
	themes := map[string]*coverage.PartCoverage{}
	part := func(m map[int]*coverage.PartCoverage, k int) *coverage.PartCoverage {
		if m[k] == nil {
			m[k] = &coverage.PartCoverage{}
		}
		return m[k]
	}
	for _, p := range prods {
		u := part(units, unitOf(p.OwnerID))
		if themes[p.Theme] == nil {
			themes[p.Theme] = &coverage.PartCoverage{}
		}
		th := themes[p.Theme]
		u.Products++
		th.Products++
		if fully(p.ID) {
			u.FullyCoveredProducts++
			th.FullyCoveredProducts++
		}
	}
	for _, c := range cells {
		bruteCount(&part(units, unitOf(c.product.OwnerID)).Counts, c.cell.status)
		bruteCount(&themes[c.product.Theme].Counts, c.cell.status)
	}
	for id, u := range units {
		r.ByOrganization = append(r.ByOrganization, coverage.OrganizationCoverage{Organization: b.orgs[id], PartCoverage: *u})
	}
	for th, p := range themes {
		r.ByTheme = append(r.ByTheme, coverage.ThemeCoverage{Theme: th, PartCoverage: *p})
	}
	return r
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}

// projection is the brute-force projection, worked out from its definition.
func (b *brute) projection(f coverage.Filter, at time.Time) (target *coverage.Target, pace float64, toGo int, required *float64, completion *time.Time, onTrack bool) {
	var best *ent.Target
	for _, t := range b.targets {
		if !t.Primary {
			continue
		}
		if t.MunicipalityID != nil && *t.MunicipalityID == f.Municipality {
			best = t
		} else if t.MunicipalityID == nil && best == nil {
			best = t
		}
	}
	if best == nil {
		return nil, 0, 0, nil, nil, false
	}
	target = &coverage.Target{Name: best.Name, Deadline: best.Deadline, Share: best.Share, DaysLeft: daysLeftByCounting(at, best.Deadline)}
	now := b.report(f, at)
	then := b.report(f, at.Add(-84*24*time.Hour))
	pace = float64(now.AvailableCells-then.AvailableCells) / 12
	toGo = int(math.Ceil(best.Share*float64(now.ApplicableCells)-1e-9)) - now.AvailableCells
	if toGo < 0 {
		toGo = 0
	}
	y, m, d := best.Deadline.Date()
	end := time.Date(y, m, d+1, 0, 0, 0, 0, catalog.Amsterdam)
	weeks := end.Sub(at).Hours() / 168
	if weeks > 0 {
		v := float64(toGo) / weeks
		required = &v
	}
	switch {
	case toGo == 0:
		c := catalog.DateOf(at)
		completion, onTrack = &c, true
	case pace > 0:
		c := catalog.DateOf(at.Add(time.Duration(float64(toGo) / pace * float64(168*time.Hour))))
		completion = &c
		onTrack = weeks > 0 && pace >= *required
	}
	return
}

// gaps is the brute-force gap list (or not-applicable review) from the
// current tables, in the documented order.
func (b *brute) gaps(f coverage.GapFilter, today time.Time, notApplicable bool) []coverage.Gap {
	cell := map[[2]int]*ent.Availability{}
	for _, a := range b.avs {
		cell[[2]int{a.ProductID, a.ChannelID}] = a
	}
	type row struct {
		g                 coverage.Gap
		rank              int
		planned, reviewed time.Time
	}
	var rows []row
	for _, p := range b.products {
		if p.MunicipalityID != f.Municipality || p.Status.String() != "PUBLISHED" || (f.Organization != nil && !b.under(p.OwnerID, *f.Organization)) {
			continue
		}
		for _, ch := range b.channels {
			if !ch.Active || (f.Channel != nil && *f.Channel != ch.ID) {
				continue
			}
			a := cell[[2]int{p.ID, ch.ID}]
			r := row{g: coverage.Gap{Product: p, Channel: ch, Status: coverage.NotAssessed, DataGap: a == nil}, rank: 1}
			if a != nil {
				r.g.Status = coverage.CellStatus(a.Status.String())
				r.rank = map[string]int{"PLANNED": 0, "UNAVAILABLE": 2, "PARTIAL": 3}[a.Status.String()]
				r.g.PlannedDate, r.g.LastReviewed = a.PlannedDate, &a.LastReviewed
				if a.PlannedDate != nil {
					r.planned = *a.PlannedDate
					r.g.Overdue = a.Status.String() == "PLANNED" && a.PlannedDate.Before(catalog.DateOf(today))
				}
				r.reviewed = a.LastReviewed
			}
			keep := r.g.Status == coverage.NotApplicable
			if !notApplicable {
				keep = r.g.Status != coverage.Available && r.g.Status != coverage.NotApplicable
			}
			if keep {
				rows = append(rows, r)
			}
		}
	}
	slices.SortFunc(rows, func(x, y row) int {
		tie := cmp.Or(cmp.Compare(x.g.Product.Name, y.g.Product.Name), cmp.Compare(x.g.Product.ID, y.g.Product.ID),
			cmp.Compare(x.g.Channel.SortOrder, y.g.Channel.SortOrder), cmp.Compare(x.g.Channel.ID, y.g.Channel.ID))
		if notApplicable {
			return cmp.Or(x.reviewed.Compare(y.reviewed), tie)
		}
		return cmp.Or(cmp.Compare(x.rank, y.rank), x.planned.Compare(y.planned), tie)
	})
	out := make([]coverage.Gap, len(rows))
	for i, r := range rows {
		out[i] = r.g
	}
	return out
}

// daysLeftByCounting counts the calendar days from at's date in Amsterdam to
// the deadline's date one day at a time (negative after it): the brute
// force's own reading of catalog.DaysLeft's definition.
func daysLeftByCounting(at, deadline time.Time) int {
	y, m, d := at.In(catalog.Amsterdam).Date()
	day := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	end := time.Date(deadline.Year(), deadline.Month(), deadline.Day(), 12, 0, 0, 0, time.UTC)
	n := 0
	for ; day.Before(end); day = day.AddDate(0, 0, 1) {
		n++
	}
	for ; day.After(end); day = day.AddDate(0, 0, -1) {
		n--
	}
	return n
}
