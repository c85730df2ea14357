// Package coverage measures how far a municipality is from its promise: every
// product through every fitting contact channel. It computes, for any moment,
// exactly this (see docs/coverage.md):
//
//   - the state at a moment at is the result of every change-log event recorded
//     at or before at, in (recorded time, id) order;
//   - in scope are the municipality's products that were PUBLISHED at at, and
//     the channels that were active at at;
//   - a cell is (product in scope, active channel); its status is the
//     availability's status at at, or NOT_ASSESSED when it had none;
//   - applicable cells are those not NOT_APPLICABLE; available ones are
//     AVAILABLE; the ratio is available / applicable (0 when none apply);
//   - a product is fully covered when it has an applicable cell and all its
//     applicable cells are AVAILABLE;
//   - classification (owner, the organization tree, theme, audience) and the
//     channels' flags are taken as they are now: history is restated in
//     today's organization, as management reports do.
//
// Report computes now from the rows the change log keeps per product
// (now.go, internal/coverage/tally) and an earlier moment with SQL aggregates
// over the log; History computes a series in one pass over the change log.
// Property tests hold them to a brute-force computation, the rows also under
// concurrent writers.
package coverage

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/ent/target"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// The statuses of a cell. NotAssessed is a cell without availability.
const (
	Available     = "AVAILABLE"
	Partial       = "PARTIAL"
	Planned       = "PLANNED"
	Unavailable   = "UNAVAILABLE"
	NotApplicable = "NOT_APPLICABLE"
	NotAssessed   = "NOT_ASSESSED"
)

// Filter narrows the cells that are counted.
type Filter struct {
	// Municipality is the root organization's id; required.
	Municipality int
	// Organization, when set, keeps the products owned by it or a unit below it.
	Organization *int
	// Theme, when set, keeps the products of that theme.
	Theme *string
	// Audience, when set, keeps the products meant for it.
	Audience *catalog.Audience
	// Channels, when set, keeps only these channels.
	Channels []int
}

// Counts are the cells of a part of the catalogue by status.
type Counts struct {
	Cells, ApplicableCells, AvailableCells, PartialCells, PlannedCells,
	UnavailableCells, NotApplicableCells, NotAssessedCells int
}

// Ratio is available / applicable, 0 when no cell applies.
func (c Counts) Ratio() float64 {
	if c.ApplicableCells == 0 {
		return 0
	}
	return float64(c.AvailableCells) / float64(c.ApplicableCells)
}

// The counts under the names the API gives them in breakdowns.
func (c Counts) Applicable() int    { return c.ApplicableCells }
func (c Counts) Available() int     { return c.AvailableCells }
func (c Counts) Partial() int       { return c.PartialCells }
func (c Counts) Planned() int       { return c.PlannedCells }
func (c Counts) Unavailable() int   { return c.UnavailableCells }
func (c Counts) NotApplicable() int { return c.NotApplicableCells }
func (c Counts) NotAssessed() int   { return c.NotAssessedCells }

func (c *Counts) add(status string, n int) {
	c.Cells += n
	if status != NotApplicable {
		c.ApplicableCells += n
	}
	switch status {
	case Available:
		c.AvailableCells += n
	case Partial:
		c.PartialCells += n
	case Planned:
		c.PlannedCells += n
	case Unavailable:
		c.UnavailableCells += n
	case NotApplicable:
		c.NotApplicableCells += n
	case NotAssessed:
		c.NotAssessedCells += n
	}
}

// Plus adds o's cells to c's.
func (c *Counts) Plus(o Counts) {
	c.Cells += o.Cells
	c.ApplicableCells += o.ApplicableCells
	c.AvailableCells += o.AvailableCells
	c.PartialCells += o.PartialCells
	c.PlannedCells += o.PlannedCells
	c.UnavailableCells += o.UnavailableCells
	c.NotApplicableCells += o.NotApplicableCells
	c.NotAssessedCells += o.NotAssessedCells
}

// ChannelCoverage is the coverage of one channel.
type ChannelCoverage struct {
	Channel *ent.Channel
	Counts
}

// PartCoverage is the coverage of a group of products: an organization unit
// with everything below it, or a theme.
type PartCoverage struct {
	Products, FullyCoveredProducts int
	Counts
}

// OrganizationCoverage is the coverage of one organization unit, rolled up.
type OrganizationCoverage struct {
	Organization *ent.Organization
	PartCoverage
}

// ThemeCoverage is the coverage of one theme.
type ThemeCoverage struct {
	Theme string
	PartCoverage
}

// Groups are the plan's three groups of residents, and digital reach: how
// many products each can use through at least one AVAILABLE channel for them.
type Groups struct {
	// PersonalHelp: an assisted channel, where a person helps (residents with
	// limited digital skills).
	PersonalHelp int
	// OtherLanguage: an assisted channel that offers a language other than
	// Dutch (residents who have difficulty with Dutch).
	OtherLanguage int
	// Youth: a channel young people use.
	Youth int
	// Digital: online, on one's own device.
	Digital int
}

// Target is the goal the report measures against.
type Target struct {
	Name     string
	Deadline time.Time
	Share    float64
	// DaysLeft is catalog.DaysLeft from the report's moment to the deadline.
	DaysLeft int
}

// Projection says whether the pace of the last twelve weeks meets the target.
type Projection struct {
	// PacePerWeek is the net change in available cells per week over the
	// twelve weeks ending at the report's moment.
	PacePerWeek float64
	// RequiredPacePerWeek is the cells still to make available per week until
	// the deadline; nil after the deadline.
	RequiredPacePerWeek *float64
	// ProjectedCompletion is when the target is reached at PacePerWeek; nil
	// when the pace is not positive and the target is not met.
	ProjectedCompletion *time.Time
	OnTrack             bool
	// CellsToGo is how many more cells must become available to meet the target.
	CellsToGo int
}

// Report is the coverage at one moment.
type Report struct {
	AsOf                 time.Time
	Products             int
	FullyCoveredProducts int
	Counts
	ByChannel      []ChannelCoverage
	ByOrganization []OrganizationCoverage
	ByTheme        []ThemeCoverage
	Groups         Groups
	Target         *Target
	Projection     *Projection
}

// PaceWindow is the period over which the projection measures the pace.
const PaceWindow = 12 * 7 * 24 * time.Hour

// Service computes coverage on one database.
type Service struct {
	Client  *ent.Client
	Dialect string

	// The counts Country keeps per municipality, and the version of the
	// changes to all municipalities they were counted under.
	countryMu         sync.Mutex
	country           map[int]*municipalityCounts
	countryEverything int64

	// The aggregates Report keeps between calls (kept.go).
	kept keptAggregates

	// tallyBuilt: the coverage rows were built once (now.go).
	tallyBuilt atomic.Bool
	// tallied counts the aggregates counted from those rows; tests read it.
	tallied atomic.Int64
	// snapshotsUpTo is the month (its start, Unix microseconds) up to which
	// this service derived the snapshots of the past (past.go).
	snapshotsUpTo atomic.Int64
}

// Report computes the coverage at at.
func (s *Service) Report(ctx context.Context, f Filter, at time.Time) (*Report, error) {
	return s.report(ctx, f, at, false)
}

// ReportNow computes the coverage now: at the moment its counts are read.
// Report(time.Now()) would be the coverage at the moment of the call, which
// an edit recorded between the call and the read makes the replay's to
// answer; ReportNow counts that edit in and names the later moment.
func (s *Service) ReportNow(ctx context.Context, f Filter) (*Report, error) {
	return s.report(ctx, f, time.Now(), true)
}

func (s *Service) report(ctx context.Context, f Filter, at time.Time, latest bool) (*Report, error) {
	ctx = lookups(ctx)
	at = at.UTC().Truncate(time.Microsecond)
	sc, err := s.scope(ctx, f)
	if err != nil {
		return nil, err
	}
	// Now: counted from the rows kept per product; an earlier moment (or
	// one the log has moved past since): replayed. Either is kept for the
	// next call while nothing changes.
	agg, at, err := s.aggregateKept(ctx, sc, at, "now", func(at time.Time) (*aggregates, time.Time, error) {
		agg, at, err := s.aggregateNow(ctx, sc, at, latest)
		if err != nil || agg != nil {
			return agg, at, err
		}
		agg, err = s.aggregate(ctx, sc, at)
		return agg, at, err
	})
	if err != nil {
		return nil, err
	}
	r := &Report{AsOf: at}
	byChannel := map[int]*Counts{}
	byOwner := map[int]*PartCoverage{}
	byTheme := map[string]*PartCoverage{}
	part := func(ot ownerTheme) (*PartCoverage, *PartCoverage) {
		if byOwner[ot.owner] == nil {
			byOwner[ot.owner] = &PartCoverage{}
		}
		if byTheme[ot.theme] == nil {
			byTheme[ot.theme] = &PartCoverage{}
		}
		return byOwner[ot.owner], byTheme[ot.theme]
	}
	for _, c := range agg.cells {
		r.Counts.add(c.status, c.n)
		if byChannel[c.channel] == nil {
			byChannel[c.channel] = &Counts{}
		}
		byChannel[c.channel].add(c.status, c.n)
		o, t := part(c.ownerTheme)
		o.Counts.add(c.status, c.n)
		t.Counts.add(c.status, c.n)
	}
	for ot, n := range agg.products {
		pp := agg.perProduct[ot]
		r.Products += n
		r.FullyCoveredProducts += pp.fully
		r.Groups.PersonalHelp += pp.assisted
		r.Groups.OtherLanguage += pp.assistedOther
		r.Groups.Youth += pp.youth
		r.Groups.Digital += pp.digital
		o, t := part(ot)
		o.Products += n
		o.FullyCoveredProducts += pp.fully
		t.Products += n
		t.FullyCoveredProducts += pp.fully
	}
	for _, ch := range sc.channels {
		if counts, ok := byChannel[ch.ID]; ok {
			r.ByChannel = append(r.ByChannel, ChannelCoverage{Channel: ch, Counts: *counts})
		}
	}
	r.ByOrganization = sc.rollUp(byOwner)
	for theme, p := range byTheme {
		r.ByTheme = append(r.ByTheme, ThemeCoverage{Theme: theme, PartCoverage: *p})
	}
	slices.SortFunc(r.ByTheme, func(a, b ThemeCoverage) int { return compareStrings(a.Theme, b.Theme) })

	if r.Target, err = s.target(ctx, f.Municipality); err != nil {
		return nil, err
	}
	if r.Target != nil {
		r.Target.DaysLeft = catalog.DaysLeft(at, r.Target.Deadline)
		before, _, err := s.aggregateKept(ctx, sc, at.Add(-PaceWindow), "then", func(at time.Time) (*aggregates, time.Time, error) {
			agg, err := s.aggregate(ctx, sc, at)
			return agg, at, err
		})
		if err != nil {
			return nil, err
		}
		var then Counts
		for _, c := range before.cells {
			then.add(c.status, c.n)
		}
		r.Projection = project(at, r.Counts, then, *r.Target)
	}
	return r, nil
}

// lookups lets the service read channels and products whatever the caller
// may see: figures about the past count products and channels that were
// public then, whatever their status now.
func lookups(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// project works out the projection from the counts now and twelve weeks ago.
func project(at time.Time, now, then Counts, t Target) *Projection {
	p := &Projection{PacePerWeek: float64(now.AvailableCells-then.AvailableCells) / (PaceWindow.Hours() / (24 * 7))}
	need := int(math.Ceil(t.Share*float64(now.ApplicableCells) - 1e-9))
	p.CellsToGo = max(need-now.AvailableCells, 0)
	// The deadline is the end of its day in the municipality.
	end := time.Date(t.Deadline.Year(), t.Deadline.Month(), t.Deadline.Day()+1, 0, 0, 0, 0, catalog.Amsterdam)
	weeksLeft := end.Sub(at).Hours() / (24 * 7)
	if weeksLeft > 0 {
		req := float64(p.CellsToGo) / weeksLeft
		p.RequiredPacePerWeek = &req
	}
	switch {
	case p.CellsToGo == 0:
		d := catalog.DateOf(at)
		p.ProjectedCompletion = &d
		p.OnTrack = true
	case p.PacePerWeek > 0:
		weeks := float64(p.CellsToGo) / p.PacePerWeek
		d := catalog.DateOf(at.Add(time.Duration(weeks * float64(7*24*time.Hour))))
		p.ProjectedCompletion = &d
		p.OnTrack = weeksLeft > 0 && p.PacePerWeek >= *p.RequiredPacePerWeek
	}
	return p
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// target returns the municipality's primary target, else the deployment's.
func (s *Service) target(ctx context.Context, municipality int) (*Target, error) {
	ts, err := s.Client.Target.Query().
		Where(target.Primary(true), target.Or(target.MunicipalityID(municipality), target.MunicipalityIDIsNil())).
		All(ctx)
	if err != nil {
		return nil, err
	}
	var best *ent.Target
	for _, t := range ts {
		if best == nil || (best.MunicipalityID == nil && t.MunicipalityID != nil) {
			best = t
		}
	}
	if best == nil {
		return nil, nil
	}
	return &Target{Name: best.Name, Deadline: best.Deadline, Share: best.Share}, nil
}

// scope is a Filter resolved against the current classification.
type scope struct {
	Filter
	// owners are the organizations whose products count (nil: all of the municipality).
	owners []int
	// top is the organization byOrganization splits: the filter's, else the municipality.
	top      *ent.Organization
	children []*ent.Organization
	// unitOf maps every owner in scope to the child of top it rolls up to
	// (top itself for products top owns directly).
	unitOf   map[int]int
	channels []*ent.Channel
}

func (s *Service) scope(ctx context.Context, f Filter) (*scope, error) {
	sc := &scope{Filter: f, unitOf: map[int]int{}}
	topID := f.Municipality
	if f.Organization != nil {
		topID = *f.Organization
	}
	top, err := s.Client.Organization.Get(ctx, topID)
	if err != nil {
		return nil, fmt.Errorf("coverage: organization %d: %w", topID, err)
	}
	sc.top = top
	if f.Organization != nil {
		root, err := orgtree.Root(ctx, s.Client, *f.Organization)
		if err != nil {
			return nil, err
		}
		if root != f.Municipality {
			return nil, fmt.Errorf("coverage: organization %s does not belong to the municipality", top.Code)
		}
		if sc.owners, err = orgtree.Subtree(ctx, s.Client, *f.Organization); err != nil {
			return nil, err
		}
	}
	if sc.children, err = s.Client.Organization.Query().
		Where(organization.ParentID(topID)).
		Order(ent.Asc(organization.FieldName)).
		All(ctx); err != nil {
		return nil, err
	}
	// One walk down the tree from top, instead of one per child: every unit
	// rolls up to the child of top it lies below.
	rows, err := s.Client.QueryContext(ctx, `WITH RECURSIVE sub(id, unit, depth) AS (
	SELECT id, id, 1 FROM organizations WHERE parent_id = $1
	UNION ALL
	SELECT o.id, sub.unit, sub.depth + 1 FROM organizations o JOIN sub ON o.parent_id = sub.id WHERE sub.depth <= $2
) SELECT id, unit FROM sub`, topID, orgtree.MaxDepth)
	if err != nil {
		return nil, fmt.Errorf("coverage: reading the organization tree below %d: %w", topID, err)
	}
	for rows.Next() {
		var id, unit int
		if err := rows.Scan(&id, &unit); err != nil {
			rows.Close()
			return nil, err
		}
		sc.unitOf[id] = unit
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sc.unitOf[topID] = topID
	q := s.Client.Channel.Query().Order(ent.Asc(channel.FieldSortOrder), ent.Asc(channel.FieldCode))
	if f.Channels != nil {
		q = q.Where(channel.IDIn(f.Channels...))
	}
	if sc.channels, err = q.All(ctx); err != nil {
		return nil, err
	}
	return sc, nil
}

// rollUp adds the owners' parts up to the units below top.
func (sc *scope) rollUp(byOwner map[int]*PartCoverage) []OrganizationCoverage {
	units := map[int]*PartCoverage{}
	for owner, p := range byOwner {
		u, ok := sc.unitOf[owner]
		if !ok {
			continue
		}
		if units[u] == nil {
			units[u] = &PartCoverage{}
		}
		units[u].Products += p.Products
		units[u].FullyCoveredProducts += p.FullyCoveredProducts
		units[u].Counts.Plus(p.Counts)
	}
	var out []OrganizationCoverage
	for _, c := range sc.children {
		if p, ok := units[c.ID]; ok {
			out = append(out, OrganizationCoverage{Organization: c, PartCoverage: *p})
		}
	}
	if p, ok := units[sc.top.ID]; ok {
		out = append(out, OrganizationCoverage{Organization: sc.top, PartCoverage: *p})
	}
	return out
}
