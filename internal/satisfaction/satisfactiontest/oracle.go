// Package satisfactiontest computes what satisfaction and channelShift must
// answer, straight from the stored rows and written independently of the
// package it checks: periods by month arithmetic, Wilson bounds as the roots
// of the score equation, every figure a plain loop over all rows.
package satisfactiontest

import (
	"context"
	"math"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// Query is what a test asks; Level rules as in satisfaction.Filter.
type Query struct {
	Municipality int
	Channel      *int
	Organization []int
	Product      *int
	// From and To are dates; Months is the interval's length (1, 3 or 12).
	From, To time.Time
	Months   int
}

// Point is the expected satisfaction over one period.
type Point struct {
	Start, End                      time.Time // End: the last day
	Respondents                     int
	Dissatisfied                    [4]int
	Share, Low, High                [4]float64 // NaN without respondents
	Promoters, Passives, Detractors int
	NPS                             float64 // NaN without answers
	Contacts, DigitalContacts       int
	Requests, DigitalRequests       int
	TakeUp                          float64 // NaN without requests
	ByChannelContacts               map[int]int
}

// Rows are every measurement stored.
type Rows struct {
	Surveys []*ent.SurveyResult
	Volumes []*ent.ContactVolume
	Digital map[int]bool
}

// Load reads every measurement and which channels are digital.
func Load(ctx context.Context, c *ent.Client) (Rows, error) {
	ctx = auth.Allow(ctx)
	var r Rows
	var err error
	if r.Surveys, err = c.SurveyResult.Query().All(ctx); err != nil {
		return r, err
	}
	if r.Volumes, err = c.ContactVolume.Query().All(ctx); err != nil {
		return r, err
	}
	chs, err := c.Channel.Query().All(ctx)
	r.Digital = map[int]bool{}
	for _, ch := range chs {
		r.Digital[ch.ID] = ch.Digital
	}
	return r, err
}

func monthIndex(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }

func fromIndex(i int) time.Time { return time.Date(i/12, time.Month(i%12+1), 1, 0, 0, 0, 0, time.UTC) }

func (q Query) matches(municipality, channel int, prod, org *int) bool {
	if municipality != q.Municipality || (q.Channel != nil && channel != *q.Channel) {
		return false
	}
	switch {
	case q.Product != nil:
		return prod != nil && *prod == *q.Product
	case q.Organization != nil:
		if prod != nil || org == nil {
			return false
		}
		for _, o := range q.Organization {
			if o == *org {
				return true
			}
		}
		return false
	}
	return prod == nil && org == nil
}

// Expect returns the points q must give.
func Expect(rows Rows, q Query) []Point {
	first := monthIndex(q.From) - monthIndex(q.From)%q.Months
	last := monthIndex(q.To)
	var out []Point
	for s := first; s <= last; s += q.Months {
		p := Point{Start: fromIndex(s), End: fromIndex(s+q.Months).AddDate(0, 0, -1), ByChannelContacts: map[int]int{}}
		inside := func(kind string, start time.Time) bool {
			n := 1
			if kind == "QUARTER" {
				n = 3
			}
			i := monthIndex(start)
			return i >= s && i+n <= s+q.Months
		}
		requestsSeen := false
		for _, r := range rows.Surveys {
			if !q.matches(r.MunicipalityID, r.ChannelID, r.ProductID, r.OrganizationID) || !inside(r.Period.String(), r.PeriodStart) {
				continue
			}
			p.Respondents += r.Respondents
			for i, d := range []int{r.DissatisfiedGeneral, r.DissatisfiedClarity, r.DissatisfiedFriendliness, r.DissatisfiedTimeliness} {
				p.Dissatisfied[i] += d
			}
			p.Promoters += r.NpsPromoters
			p.Passives += r.NpsPassives
			p.Detractors += r.NpsDetractors
		}
		for _, r := range rows.Volumes {
			if !q.matches(r.MunicipalityID, r.ChannelID, r.ProductID, r.OrganizationID) || !inside(r.Period.String(), r.PeriodStart) {
				continue
			}
			p.Contacts += r.Contacts
			p.ByChannelContacts[r.ChannelID] += r.Contacts
			if rows.Digital[r.ChannelID] {
				p.DigitalContacts += r.Contacts
			}
			if r.Requests != nil {
				requestsSeen = true
				p.Requests += *r.Requests
				if rows.Digital[r.ChannelID] {
					p.DigitalRequests += *r.Requests
				}
			}
		}
		for i := range p.Dissatisfied {
			p.Share[i], p.Low[i], p.High[i] = math.NaN(), math.NaN(), math.NaN()
			if p.Respondents > 0 {
				p.Share[i] = float64(p.Dissatisfied[i]) / float64(p.Respondents)
				p.Low[i], p.High[i] = scoreRoots(p.Dissatisfied[i], p.Respondents)
			}
		}
		p.NPS = math.NaN()
		if n := p.Promoters + p.Passives + p.Detractors; n > 0 {
			p.NPS = float64(p.Promoters)/float64(n)*100 - float64(p.Detractors)/float64(n)*100
		}
		p.TakeUp = math.NaN()
		if requestsSeen && p.Requests > 0 {
			p.TakeUp = float64(p.DigitalRequests) / float64(p.Requests)
		}
		out = append(out, p)
	}
	return out
}

// scoreRoots solves (p̂ − p)² = z² p(1 − p) / n for p: the Wilson bounds.
func scoreRoots(x, n int) (float64, float64) {
	const z = 1.96
	ph, nf := float64(x)/float64(n), float64(n)
	a := 1 + z*z/nf
	b := -(2*ph + z*z/nf)
	c := ph * ph
	d := math.Sqrt(b*b - 4*a*c)
	return (-b - d) / (2 * a), (-b + d) / (2 * a)
}

// Close reports whether got equals want, both possibly "none" (nil / NaN).
func Close(got *float64, want float64) bool {
	if math.IsNaN(want) {
		return got == nil
	}
	return got != nil && math.Abs(*got-want) < 1e-4
}
