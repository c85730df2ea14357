// Package satisfaction answers whether residents are served well on each
// channel: the dissatisfied share on the plan's four indicators, NPS, and the
// progress toward the college target of 30% fewer dissatisfied residents
// (Report); and how contact moves between channels, with digital take-up
// (Shift). It reads survey results and contact volumes, which are counts, so
// that every share is a ratio of sums weighted by respondents and never an
// average of percentages.
package satisfaction

import (
	"fmt"
	"io"
	"math"
	"strconv"
)

// z is the standard normal quantile of a two-sided 95% interval.
const z = 1.959963984540054

// Share is how many of the respondents were dissatisfied, with a 95% Wilson
// score interval. The Wilson interval, unlike the textbook p ± 1.96·se, stays
// within 0..1 and does not collapse to a point for 0 of 12 respondents, so a
// channel with few answers is not read as perfect.
type Share struct {
	Dissatisfied, Respondents int
	// Share, Low and High are nil without respondents.
	Share, Low, High *float64
}

// NewShare computes the share and its interval.
func NewShare(dissatisfied, respondents int) Share {
	s := Share{Dissatisfied: dissatisfied, Respondents: respondents}
	if respondents <= 0 {
		return s
	}
	lo, hi := Wilson(dissatisfied, respondents)
	p := float64(dissatisfied) / float64(respondents)
	s.Share, s.Low, s.High = &p, &lo, &hi
	return s
}

// Wilson returns the 95% Wilson score interval of x successes in n trials.
func Wilson(x, n int) (low, high float64) {
	if n <= 0 {
		return 0, 1
	}
	p := float64(x) / float64(n)
	nf := float64(n)
	z2 := z * z
	centre := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z / (1 + z2/nf) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

// NPS is the net promoter score of a set of answers: the percentage of
// promoters minus the percentage of detractors, from −100 to 100.
type NPS struct {
	Promoters, Passives, Detractors int
}

// Respondents is how many answered the NPS question.
func (n NPS) Respondents() int { return n.Promoters + n.Passives + n.Detractors }

// Score is nil without answers.
func (n NPS) Score() *float64 {
	r := n.Respondents()
	if r == 0 {
		return nil
	}
	s := 100 * float64(n.Promoters-n.Detractors) / float64(r)
	return &s
}

// Indicator is one of the plan's four satisfaction indicators.
type Indicator string

// The indicators, in the order reports list them.
const (
	General      Indicator = "GENERAL"
	Clarity      Indicator = "CLARITY"
	Friendliness Indicator = "FRIENDLINESS"
	Timeliness   Indicator = "TIMELINESS"
)

// Indicators lists them in order; index i matches catalog.SurveyCounts.Dissatisfied[i].
var Indicators = [4]Indicator{General, Clarity, Friendliness, Timeliness}

// MarshalGQL writes the indicator as a GraphQL enum value.
func (i Indicator) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(i))) }

// UnmarshalGQL reads a GraphQL enum value.
func (i *Indicator) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("an indicator is a string, not %T", v)
	}
	for _, known := range Indicators {
		if s == string(known) {
			*i = known
			return nil
		}
	}
	return fmt.Errorf("%q is not a satisfaction indicator", s)
}
