package seed

import (
	"context"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/satisfaction"
)

// The seed's satisfaction surveys and contact volumes are ILLUSTRATIVE: made
// up, shaped like what a municipality measures, never Rotterdam's real
// figures. Monthly per channel from January 2022 (the baseline year of the
// target) to the last full month of the history; the baseline year is
// recorded when the plan starts, each later month on the 10th of the month
// after. Two products also have volumes per channel, which start when the
// seed's journey makes the channel AVAILABLE (or PARTIAL) for them, so that a
// volume chart shows the channel opening.

// MeasurementActor records the seed's measurements.
var MeasurementActor = changelog.System("seed:metingen")

// baselineFrom is the first month of the target's baseline year.
var baselineFrom = catalog.Date(2022, time.January, 1)

// channelFigures are a channel's illustrative figures: monthly respondents
// and contacts, share of contacts that are requests, and per indicator the
// dissatisfied share in 2022 and how much of it is gone by the end of 2026.
type channelFigures struct {
	respondents, contacts, contactsEnd int
	requestShare                       float64
	dissatisfied                       [4]float64
	improvement                        [4]float64
	// from is when the channel is first measured (chat and the app start later).
	from time.Time
}

var figures = map[string]channelFigures{
	"balie":    {260, 12000, 9000, 0.55, [4]float64{0.12, 0.10, 0.05, 0.22}, [4]float64{0.30, 0.25, 0.20, 0.35}, time.Time{}},
	"wijkhub":  {70, 1400, 3200, 0.20, [4]float64{0.10, 0.12, 0.04, 0.14}, [4]float64{0.25, 0.30, 0.20, 0.30}, time.Time{}},
	"straat":   {40, 900, 1000, 0.05, [4]float64{0.18, 0.20, 0.08, 0.15}, [4]float64{0.20, 0.20, 0.15, 0.20}, time.Time{}},
	"telefoon": {420, 31000, 25000, 0.25, [4]float64{0.21, 0.18, 0.07, 0.30}, [4]float64{0.32, 0.28, 0.25, 0.38}, time.Time{}},
	"website":  {310, 62000, 84000, 0.35, [4]float64{0.26, 0.30, 0.06, 0.20}, [4]float64{0.28, 0.33, 0.20, 0.25}, time.Time{}},
	"app":      {110, 4000, 16000, 0.45, [4]float64{0.20, 0.22, 0.05, 0.15}, [4]float64{0.10, 0.10, 0.10, 0.10}, catalog.Date(2025, time.October, 1)},
	"chat":     {150, 3500, 9000, 0.10, [4]float64{0.19, 0.20, 0.06, 0.18}, [4]float64{0.30, 0.30, 0.20, 0.35}, catalog.Date(2024, time.April, 1)},
	"webcare":  {55, 1500, 2600, 0.02, [4]float64{0.24, 0.26, 0.10, 0.28}, [4]float64{0.25, 0.25, 0.20, 0.30}, time.Time{}},
	"email":    {120, 6500, 4200, 0.15, [4]float64{0.30, 0.28, 0.08, 0.40}, [4]float64{0.20, 0.20, 0.15, 0.30}, time.Time{}},
}

// productShare is the part of a channel's contacts that two products take
// when their channel is AVAILABLE.
var productShare = map[string]float64{
	"parkeervergunning-aanvragen": 0.020,
	"verhuizing-doorgeven":        0.025,
}

// measurementSteps returns the history steps that record the measurements.
func (l *loader) measurementSteps(add func(at time.Time, order int, actor changelog.Actor, fn func(context.Context, *ent.Client) error)) {
	statuses := l.productStatuses()
	lastMonth := catalog.Date(last.Year(), last.Month(), 1).AddDate(0, -1, 0)
	// The plan starts with the baseline year and the target.
	add(start, 3, MeasurementActor, func(ctx context.Context, c *ent.Client) error {
		if _, err := satisfaction.SetTarget(ctx, c, satisfaction.TargetInput{
			Municipality: ptr(l.orgs[Municipality]), Name: "30% minder ontevreden Rotterdammers",
			BaselineFrom: baselineFrom, BaselineTo: catalog.Date(2022, time.December, 31),
			Reduction: 0.30, Deadline: deadline,
		}); err != nil {
			return err
		}
		for m := baselineFrom; m.Before(catalog.Date(2023, time.January, 1)); m = m.AddDate(0, 1, 0) {
			if err := l.recordMonth(ctx, c, m, statuses); err != nil {
				return err
			}
		}
		return nil
	})
	for m := catalog.Date(2023, time.January, 1); !m.After(lastMonth); m = m.AddDate(0, 1, 0) {
		next := m.AddDate(0, 1, 0)
		add(at(next.Year(), next.Month(), 10), 3, MeasurementActor, func(ctx context.Context, c *ent.Client) error {
			return l.recordMonth(ctx, c, m, statuses)
		})
	}
}

// recordMonth records one month's surveys and volumes per channel, and the
// two products' volumes.
func (l *loader) recordMonth(ctx context.Context, c *ent.Client, month time.Time, statuses map[string]map[string][]cellChange) error {
	// The end of 2026 is 60 months after the baseline's start.
	progress := math.Min(1, float64(monthsBetween(baselineFrom, month))/59)
	for _, ch := range channels {
		f := figures[ch.code]
		if !f.from.IsZero() && month.Before(f.from) {
			continue
		}
		r := rand.New(rand.NewPCG(hashOf("metingen", ch.code), uint64(month.Unix())))
		key := satisfaction.Key{Municipality: l.orgs[Municipality], Channel: l.channels[ch.code],
			Period: catalog.PeriodMonth, Start: month}
		n := int(float64(f.respondents) * (0.8 + 0.4*r.Float64()))
		s := satisfaction.Survey{Key: key}
		s.Respondents = n
		for i := range s.Dissatisfied {
			share := f.dissatisfied[i] * (1 - f.improvement[i]*progress)
			s.Dissatisfied[i] = binomial(r, n, share)
		}
		promoters := 0.30 + 0.10*progress
		detractors := 0.32 - 0.10*progress
		s.Promoters = binomial(r, n, promoters)
		s.Detractors = binomial(r, n-s.Promoters, detractors/(1-promoters))
		s.Passives = n - s.Promoters - s.Detractors
		if _, _, err := satisfaction.RecordSurvey(ctx, c, s); err != nil {
			return err
		}
		contacts := int(float64(f.contacts) + float64(f.contactsEnd-f.contacts)*progress)
		contacts = int(float64(contacts) * (0.9 + 0.2*r.Float64()))
		requests := int(float64(contacts) * f.requestShare)
		if _, _, err := satisfaction.RecordVolume(ctx, c, satisfaction.Volume{Key: key, Contacts: contacts, Requests: &requests}); err != nil {
			return err
		}
		for _, slug := range slices.Sorted(maps.Keys(productShare)) {
			share := productShare[slug]
			factor := statusFactor(statuses[slug][ch.code], month.AddDate(0, 0, 14))
			if factor == 0 {
				continue
			}
			pk := key
			pk.Product = ptr(l.productIDs[slug])
			pc := int(float64(contacts) * share * factor)
			pr := int(float64(pc) * 0.8)
			if _, _, err := satisfaction.RecordVolume(ctx, c, satisfaction.Volume{Key: pk, Contacts: pc, Requests: &pr}); err != nil {
				return err
			}
		}
	}
	return nil
}

// productStatuses is, for the products with volumes, each channel's changes
// from the journey.
func (l *loader) productStatuses() map[string]map[string][]cellChange {
	out := map[string]map[string][]cellChange{}
	for _, p := range l.products {
		if _, ok := productShare[p.slug]; !ok {
			continue
		}
		out[p.slug] = map[string][]cellChange{}
		for _, ch := range journey(p, seedSalt) {
			out[p.slug][ch.channel] = append(out[p.slug][ch.channel], ch)
		}
	}
	return out
}

// statusFactor is how much of its share a product takes on a channel at a
// moment: all when AVAILABLE, some when PARTIAL, none otherwise. Before the
// first change the cell is as it was at the start.
func statusFactor(changes []cellChange, when time.Time) float64 {
	status := ""
	for _, ch := range changes {
		if ch.at.After(when) && status != "" {
			break
		}
		if ch.cell != nil {
			status = ch.cell.status
		} else {
			status = ""
		}
	}
	switch status {
	case "AVAILABLE":
		return 1
	case "PARTIAL":
		return 0.4
	}
	return 0
}

// binomial draws how many of n respond with probability p; a normal
// approximation is precise enough for illustrative counts.
func binomial(r *rand.Rand, n int, p float64) int {
	if n <= 0 || p <= 0 {
		return 0
	}
	mean, sd := float64(n)*p, math.Sqrt(float64(n)*p*(1-p))
	k := int(math.Round(mean + sd*r.NormFloat64()))
	return max(0, min(n, k))
}

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()-a.Month())
}
