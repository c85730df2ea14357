package satisfaction

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// Interval is the length of the points of a report.
type Interval string

// Intervals of a report. A measurement counts in the point whose period holds
// all of its own: monthly results add up to quarters and years, a quarterly
// result is left out of a monthly series (and counted in LeftOut) rather than
// spread over months it was not measured in.
const (
	Month   Interval = "MONTH"
	Quarter Interval = "QUARTER"
	Year    Interval = "YEAR"
)

// MaxPoints bounds a series: 50 years of months.
const MaxPoints = 600

// MarshalGQL writes the interval as a GraphQL enum value.
func (iv Interval) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(iv))) }

// UnmarshalGQL reads a GraphQL enum value.
func (iv *Interval) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("an interval is a string, not %T", v)
	}
	switch Interval(s) {
	case Month, Quarter, Year:
		*iv = Interval(s)
		return nil
	}
	return fmt.Errorf("%q is not an interval (MONTH, QUARTER or YEAR)", s)
}

// start returns the first day of the interval that holds date d.
func (iv Interval) start(d time.Time) time.Time {
	switch iv {
	case Year:
		return catalog.Date(d.Year(), time.January, 1)
	case Quarter:
		return catalog.Date(d.Year(), d.Month()-(d.Month()-1)%3, 1)
	}
	return catalog.Date(d.Year(), d.Month(), 1)
}

// next returns the first day of the interval after the one starting at s.
func (iv Interval) next(s time.Time) time.Time {
	switch iv {
	case Year:
		return s.AddDate(1, 0, 0)
	case Quarter:
		return s.AddDate(0, 3, 0)
	}
	return s.AddDate(0, 1, 0)
}

// Period is one point's span: from Start up to, not including, After.
type Period struct {
	Start, After time.Time
}

// End is the period's last day.
func (p Period) End() time.Time { return p.After.AddDate(0, 0, -1) }

// holds reports whether a measurement of period kind starting at start lies
// wholly within p.
func (p Period) holds(kind string, start time.Time) bool {
	return !start.Before(p.Start) && !catalog.PeriodEnd(kind, start).After(p.After)
}

// periods splits from..to (dates, both included) into whole intervals: the
// first holds from, the last holds to.
func periods(from, to time.Time, iv Interval) ([]Period, error) {
	if to.Before(from) {
		return nil, &catalog.FieldError{Entity: "query", Field: "to", Code: "order",
			Message: fmt.Sprintf("to (%s) lies before from (%s)", to.Format(time.DateOnly), from.Format(time.DateOnly))}
	}
	var out []Period
	for s := iv.start(from); !s.After(to); s = iv.next(s) {
		if len(out) == MaxPoints {
			return nil, &catalog.FieldError{Entity: "query", Field: "interval", Code: "range",
				Message: fmt.Sprintf("more than %d points; choose a longer interval or a shorter span", MaxPoints)}
		}
		out = append(out, Period{Start: s, After: iv.next(s)})
	}
	return out, nil
}

// find returns the index of the period that holds a measurement, or -1.
func find(ps []Period, kind string, start time.Time) int {
	for i, p := range ps {
		if p.holds(kind, start) {
			return i
		}
	}
	return -1
}
