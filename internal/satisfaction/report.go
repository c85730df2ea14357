package satisfaction

import (
	"context"
	"slices"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/ent/satisfactiontarget"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// Filter chooses what a report is about. Measurements come at three levels —
// a channel as a whole, an organization unit, a product — and a report reads
// one level only, so that no contact is counted twice:
//   - with a product: the measurements of that product;
//   - with an organization (and no product): those of the unit and the units
//     below it;
//   - with neither: those of the channels as a whole.
type Filter struct {
	Municipality int
	// Channel, when set, limits the report to one channel.
	Channel *int
	// Organization is the chosen unit and every unit below it.
	Organization []int
	Product      *int
}

// IndicatorShare is the dissatisfied share on one indicator.
type IndicatorShare struct {
	Indicator                 Indicator
	Dissatisfied, Respondents int
	// Share, Low and High (the 95% Wilson interval) are nil without respondents.
	Share, Low, High *float64
}

// Point is the satisfaction over one period.
type Point struct {
	Period
	Respondents int
	Indicators  []IndicatorShare
	NPS         NPS
}

// ChannelSatisfaction is the satisfaction with one channel over the whole span.
type ChannelSatisfaction struct {
	Channel     *ent.Channel
	Respondents int
	Indicators  []IndicatorShare
	NPS         NPS
}

// Progress is the way toward the target on one indicator.
//
// The target share is the baseline share × (1 − reduction). The current share
// is that of the report's last point with respondents. The expected share is
// where a straight line from the baseline (at the end of the baseline period)
// to the target share (at the deadline) stands at the end of that point; on
// track means the current share is at most the expected one.
type Progress struct {
	Indicator           Indicator
	BaselineShare       *float64
	BaselineRespondents int
	TargetShare         *float64
	Current             *Period
	CurrentShare        *float64
	CurrentRespondents  int
	ExpectedShare       *float64
	OnTrack             *bool
	// Reached: the current share is at or below the target share.
	Reached *bool
}

// CurrentStart is the first day of the point the current share is from.
func (p Progress) CurrentStart() *time.Time {
	if p.Current == nil {
		return nil
	}
	return &p.Current.Start
}

// CurrentEnd is the last day of that point.
func (p Progress) CurrentEnd() *time.Time {
	if p.Current == nil {
		return nil
	}
	e := p.Current.End()
	return &e
}

// Report is the answer to satisfaction(...).
type Report struct {
	From, To  time.Time
	Interval  Interval
	Points    []Point
	Total     Point
	ByChannel []ChannelSatisfaction
	Target    *ent.SatisfactionTarget
	Progress  []Progress
	// LeftOut counts measurements within the span that fit no point: quarterly
	// results in a monthly series.
	LeftOut int
}

// tally adds survey results up.
type tally struct {
	respondents  int
	dissatisfied [4]int
	nps          NPS
}

func (t *tally) add(r *ent.SurveyResult) {
	t.respondents += r.Respondents
	t.dissatisfied[0] += r.DissatisfiedGeneral
	t.dissatisfied[1] += r.DissatisfiedClarity
	t.dissatisfied[2] += r.DissatisfiedFriendliness
	t.dissatisfied[3] += r.DissatisfiedTimeliness
	t.nps.Promoters += r.NpsPromoters
	t.nps.Passives += r.NpsPassives
	t.nps.Detractors += r.NpsDetractors
}

func (t tally) indicators() []IndicatorShare {
	out := make([]IndicatorShare, len(Indicators))
	for i, ind := range Indicators {
		s := NewShare(t.dissatisfied[i], t.respondents)
		out[i] = IndicatorShare{Indicator: ind, Dissatisfied: s.Dissatisfied, Respondents: s.Respondents,
			Share: s.Share, Low: s.Low, High: s.High}
	}
	return out
}

func (t tally) point(p Period) Point {
	return Point{Period: p, Respondents: t.respondents, Indicators: t.indicators(), NPS: t.nps}
}

// Satisfaction reports from..to (dates, both included) per interval.
func Satisfaction(ctx context.Context, c *ent.Client, f Filter, from, to time.Time, iv Interval) (*Report, error) {
	ps, err := periods(from, to, iv)
	if err != nil {
		return nil, err
	}
	span := Period{Start: ps[0].Start, After: ps[len(ps)-1].After}
	target, err := Target(ctx, c, f.Municipality)
	if err != nil {
		return nil, err
	}
	// Read the span and, when there is a target, its baseline too.
	readFrom, readTo := span.Start, span.After
	if target != nil {
		if target.BaselineFrom.Before(readFrom) {
			readFrom = target.BaselineFrom
		}
		if bEnd := target.BaselineTo.AddDate(0, 0, 1); bEnd.After(readTo) {
			readTo = bEnd
		}
	}
	rows, err := c.SurveyResult.Query().
		Where(predicate.SurveyResult(f.where(readFrom, readTo))).
		All(ctx)
	if err != nil {
		return nil, err
	}

	points := make([]tally, len(ps))
	var total tally
	byChannel := map[int]*tally{}
	var baseline tally
	rep := &Report{From: from, To: to, Interval: iv, Target: target}
	for _, r := range rows {
		kind := r.Period.String()
		if target != nil && (Period{Start: target.BaselineFrom, After: target.BaselineTo.AddDate(0, 0, 1)}).holds(kind, r.PeriodStart) {
			baseline.add(r)
		}
		if !span.holds(kind, r.PeriodStart) {
			continue
		}
		i := find(ps, kind, r.PeriodStart)
		if i < 0 {
			rep.LeftOut++
			continue
		}
		points[i].add(r)
		total.add(r)
		if byChannel[r.ChannelID] == nil {
			byChannel[r.ChannelID] = &tally{}
		}
		byChannel[r.ChannelID].add(r)
	}
	for i, p := range ps {
		rep.Points = append(rep.Points, points[i].point(p))
	}
	rep.Total = total.point(span)
	channels, err := channelsByID(ctx, c, byChannel)
	if err != nil {
		return nil, err
	}
	for _, ch := range channels {
		t := byChannel[ch.ID]
		rep.ByChannel = append(rep.ByChannel, ChannelSatisfaction{Channel: ch, Respondents: t.respondents,
			Indicators: t.indicators(), NPS: t.nps})
	}
	if target != nil {
		rep.Progress = progress(target, baseline, rep.Points)
	}
	return rep, nil
}

// progress measures the last point with respondents against the target.
func progress(t *ent.SatisfactionTarget, baseline tally, points []Point) []Progress {
	var current *Point
	for i := len(points) - 1; i >= 0; i-- {
		if points[i].Respondents > 0 {
			current = &points[i]
			break
		}
	}
	startLine := t.BaselineTo.AddDate(0, 0, 1)
	endLine := t.Deadline.AddDate(0, 0, 1)
	out := make([]Progress, len(Indicators))
	base := baseline.indicators()
	for i, ind := range Indicators {
		p := Progress{Indicator: ind, BaselineShare: base[i].Share, BaselineRespondents: baseline.respondents}
		if p.BaselineShare != nil {
			ts := *p.BaselineShare * (1 - t.Reduction)
			p.TargetShare = &ts
		}
		if current != nil {
			cur := current.Indicators[i]
			p.Current = &current.Period
			p.CurrentShare, p.CurrentRespondents = cur.Share, cur.Respondents
		}
		if p.TargetShare != nil && p.CurrentShare != nil {
			frac := float64(current.After.Sub(startLine)) / float64(endLine.Sub(startLine))
			frac = max(0, min(1, frac))
			exp := *p.BaselineShare + (*p.TargetShare-*p.BaselineShare)*frac
			onTrack := *p.CurrentShare <= exp
			reached := *p.CurrentShare <= *p.TargetShare
			p.ExpectedShare, p.OnTrack, p.Reached = &exp, &onTrack, &reached
		}
		out[i] = p
	}
	return out
}

// Target returns the municipality's satisfaction target, or the one for
// every municipality, or nil.
func Target(ctx context.Context, c *ent.Client, municipality int) (*ent.SatisfactionTarget, error) {
	ts, err := c.SatisfactionTarget.Query().
		Where(satisfactiontarget.Or(satisfactiontarget.MunicipalityID(municipality), satisfactiontarget.MunicipalityIDIsNil())).
		All(ctx)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	slices.SortFunc(ts, func(a, b *ent.SatisfactionTarget) int {
		// The municipality's own first.
		if (a.MunicipalityID == nil) == (b.MunicipalityID == nil) {
			return 0
		}
		if a.MunicipalityID != nil {
			return -1
		}
		return 1
	})
	return ts[0], nil
}

// channelsByID reads the channels that appear in a report, in display order.
// Inactive channels are read too: their past figures stay in the report.
func channelsByID[T any](ctx context.Context, c *ent.Client, ids map[int]T) ([]*ent.Channel, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list := make([]int, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	return c.Channel.Query().Where(channel.IDIn(list...)).
		Order(ent.Asc(channel.FieldSortOrder), ent.Asc(channel.FieldID)).All(auth.Allow(ctx))
}
