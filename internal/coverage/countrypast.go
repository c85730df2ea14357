package coverage

import (
	"context"
	"slices"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// CountryPoint is the country's coverage at one moment of a history, with
// each municipality's figures so that a national dashboard can rank them.
type CountryPoint struct {
	Point
	// Municipalities with products in scope at the moment, best ratio first
	// (then by name): the ranking a dashboard shows.
	Municipalities []MunicipalityPoint
	// Target is the deployment-wide primary target; nil when there is none.
	Target *Target
	// Projection is the country's pace toward Target over the twelve weeks
	// ending at the point; nil without a target.
	Projection *Projection
}

// MunicipalityPoint is one municipality's coverage at one moment.
type MunicipalityPoint struct {
	Municipality *ent.Organization
	Point
}

// CountryHistory computes the country's coverage at from, from plus one
// interval, … and to, each point with its municipalities and, when there is
// a deployment-wide target, its projection. Each municipality is replayed
// once over all the moments (History's one pass), the moments twelve weeks
// before each point included for the pace.
func (s *Service) CountryHistory(ctx context.Context, from, to time.Time, iv Interval) ([]CountryPoint, error) {
	ctx = lookups(ctx)
	points, err := Points(from.UTC(), to.UTC(), iv)
	if err != nil {
		return nil, err
	}
	for i := range points {
		points[i] = points[i].Truncate(time.Microsecond)
	}
	return s.countryAt(ctx, points)
}

// CountryPointAt is the country's figures at one moment, with its
// projection: what CountryHistory gives for a history of one point.
func (s *Service) CountryPointAt(ctx context.Context, at time.Time) (*CountryPoint, error) {
	out, err := s.countryAt(lookups(ctx), []time.Time{at.UTC().Truncate(time.Microsecond)})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

func (s *Service) countryAt(ctx context.Context, points []time.Time) ([]CountryPoint, error) {
	target, err := s.target(ctx, 0)
	if err != nil {
		return nil, err
	}
	// The moments to replay: the points and, with a target, the start of
	// each point's pace window.
	moments := slices.Clone(points)
	if target != nil {
		for _, p := range points {
			moments = append(moments, p.Add(-PaceWindow))
		}
	}
	slices.SortFunc(moments, func(a, b time.Time) int { return a.Compare(b) })
	moments = slices.CompactFunc(moments, func(a, b time.Time) bool { return a.Equal(b) })

	municipalities, err := s.Client.Organization.Query().
		Where(organization.KindEQ(organization.KindMUNICIPALITY)).
		Order(ent.Asc(organization.FieldName), ent.Asc(organization.FieldCode)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	total := make(map[time.Time]Point, len(moments))
	out := make([]CountryPoint, len(points))
	index := make(map[time.Time]int, len(points))
	for i, p := range points {
		out[i].At = p
		index[p] = i
	}
	for _, m := range municipalities {
		got, err := s.historyAt(ctx, Filter{Municipality: m.ID}, moments)
		if err != nil {
			return nil, err
		}
		for _, p := range got {
			t := total[p.At]
			t.ApplicableCells += p.ApplicableCells
			t.AvailableCells += p.AvailableCells
			t.NotApplicableCells += p.NotApplicableCells
			t.FullyCoveredProducts += p.FullyCoveredProducts
			total[p.At] = t
			if i, ok := index[p.At]; ok && p.ApplicableCells+p.NotApplicableCells > 0 {
				out[i].Municipalities = append(out[i].Municipalities, MunicipalityPoint{Municipality: m, Point: p})
			}
		}
	}
	for i := range out {
		cp := &out[i]
		at := cp.At
		cp.Point = total[at]
		cp.At = at
		slices.SortStableFunc(cp.Municipalities, func(a, b MunicipalityPoint) int {
			ra, rb := a.Ratio(), b.Ratio()
			switch {
			case ra > rb:
				return -1
			case ra < rb:
				return 1
			}
			return 0 // already by name
		})
		if target != nil {
			t := *target
			t.DaysLeft = catalog.DaysLeft(cp.At, t.Deadline)
			cp.Target = &t
			then := total[cp.At.Add(-PaceWindow)]
			cp.Projection = project(cp.At,
				Counts{ApplicableCells: cp.ApplicableCells, AvailableCells: cp.AvailableCells},
				Counts{ApplicableCells: then.ApplicableCells, AvailableCells: then.AvailableCells}, t)
		}
	}
	return out, nil
}

// CountryAt computes the coverage of every municipality together at a past
// moment, with the definitions of Country: ByOrganization lists the
// municipalities (each equal to Report for that municipality at at), the
// rest adds them up. The target is the deployment-wide one.
func (s *Service) CountryAt(ctx context.Context, at time.Time) (*Report, error) {
	ctx = lookups(ctx)
	at = at.UTC().Truncate(time.Microsecond)
	municipalities, err := s.Client.Organization.Query().
		Where(organization.KindEQ(organization.KindMUNICIPALITY)).
		Order(ent.Asc(organization.FieldName), ent.Asc(organization.FieldCode)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	r := &Report{AsOf: at}
	byChannel := map[int]*ChannelCoverage{}
	var channelOrder []int
	byTheme := map[string]*PartCoverage{}
	for _, m := range municipalities {
		mr, err := s.Report(ctx, Filter{Municipality: m.ID}, at)
		if err != nil {
			return nil, err
		}
		if mr.Products == 0 {
			continue
		}
		r.ByOrganization = append(r.ByOrganization, OrganizationCoverage{Organization: m, PartCoverage: PartCoverage{
			Products: mr.Products, FullyCoveredProducts: mr.FullyCoveredProducts, Counts: mr.Counts,
		}})
		r.Products += mr.Products
		r.FullyCoveredProducts += mr.FullyCoveredProducts
		r.Counts.Plus(mr.Counts)
		r.Groups.PersonalHelp += mr.Groups.PersonalHelp
		r.Groups.OtherLanguage += mr.Groups.OtherLanguage
		r.Groups.Youth += mr.Groups.Youth
		r.Groups.Digital += mr.Groups.Digital
		for _, ch := range mr.ByChannel {
			c := byChannel[ch.Channel.ID]
			if c == nil {
				c = &ChannelCoverage{Channel: ch.Channel}
				byChannel[ch.Channel.ID] = c
				channelOrder = append(channelOrder, ch.Channel.ID)
			}
			c.Counts.Plus(ch.Counts)
		}
		for _, t := range mr.ByTheme {
			p := byTheme[t.Theme]
			if p == nil {
				p = &PartCoverage{}
				byTheme[t.Theme] = p
			}
			p.Products += t.Products
			p.FullyCoveredProducts += t.FullyCoveredProducts
			p.Counts.Plus(t.Counts)
		}
	}
	for _, id := range channelOrder {
		r.ByChannel = append(r.ByChannel, *byChannel[id])
	}
	slices.SortStableFunc(r.ByChannel, func(a, b ChannelCoverage) int {
		if a.Channel.SortOrder != b.Channel.SortOrder {
			return a.Channel.SortOrder - b.Channel.SortOrder
		}
		return compareStrings(a.Channel.Code, b.Channel.Code)
	})
	for theme, p := range byTheme {
		r.ByTheme = append(r.ByTheme, ThemeCoverage{Theme: theme, PartCoverage: *p})
	}
	slices.SortFunc(r.ByTheme, func(a, b ThemeCoverage) int { return compareStrings(a.Theme, b.Theme) })
	if r.Target, err = s.target(ctx, 0); err != nil {
		return nil, err
	}
	if r.Target != nil {
		r.Target.DaysLeft = catalog.DaysLeft(at, r.Target.Deadline)
		if r.Projection, err = s.CountryProjection(ctx, at, r.Counts); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// CountryProjection is the country's projection at at, whose counts are
// now: the pace is measured from the country's available cells twelve weeks
// earlier. Nil without a deployment-wide target.
func (s *Service) CountryProjection(ctx context.Context, at time.Time, now Counts) (*Projection, error) {
	ctx = lookups(ctx)
	target, err := s.target(ctx, 0)
	if err != nil || target == nil {
		return nil, err
	}
	then, err := s.countryAt(ctx, []time.Time{at.UTC().Truncate(time.Microsecond).Add(-PaceWindow)})
	if err != nil {
		return nil, err
	}
	return project(at, now, Counts{ApplicableCells: then[0].ApplicableCells, AvailableCells: then[0].AvailableCells}, *target), nil
}
