package catalog

import (
	"fmt"
	"time"
)

// Measurement periods: a survey tool or contact-centre system reports per
// calendar month or per quarter.
const (
	PeriodMonth   = "MONTH"
	PeriodQuarter = "QUARTER"
)

// MeasurementKey is what a measurement (a survey result, a contact volume)
// is about. A new measurement with the key of a stored one replaces its
// figures: importing a corrected export again corrects, it does not add.
type MeasurementKey struct {
	Municipality, Channel int
	Product, Organization *int
	// Period is PeriodMonth or PeriodQuarter.
	Period string
	Start  time.Time
}

// PeriodEnd returns the first day after the period that starts at start.
func PeriodEnd(period string, start time.Time) time.Time {
	if period == PeriodQuarter {
		return start.AddDate(0, 3, 0)
	}
	return start.AddDate(0, 1, 0)
}

// CheckPeriodStart refuses a period start that is not the first day of its
// month or quarter: two reports of March must never count as different periods.
func CheckPeriodStart(entity, period string, start time.Time) error {
	switch {
	case !IsDate(start):
		return &FieldError{Entity: entity, Field: "periodStart", Code: "format",
			Message: "the period start must be a calendar date without a time of day"}
	case start.Day() != 1:
		return &FieldError{Entity: entity, Field: "periodStart", Code: "period",
			Message: fmt.Sprintf("a period starts on the first day of a month, not on %s", start.Format(time.DateOnly))}
	case period == PeriodQuarter && (start.Month()-1)%3 != 0:
		return &FieldError{Entity: entity, Field: "periodStart", Code: "period",
			Message: fmt.Sprintf("a quarter starts in January, April, July or October, not in %s", start.Format("January 2006"))}
	}
	return nil
}

// SurveyCounts are the counts of one survey result.
type SurveyCounts struct {
	Respondents int
	// Dissatisfied per indicator, in the order of Indicators.
	Dissatisfied                    [4]int
	Promoters, Passives, Detractors int
}

// IndicatorFields are the count fields of the plan's four indicators in the
// API, in the order of SurveyCounts.Dissatisfied.
var IndicatorFields = [4]string{"dissatisfiedGeneral", "dissatisfiedClarity", "dissatisfiedFriendliness", "dissatisfiedTimeliness"}

// Check refuses counts that cannot come from one survey: more dissatisfied
// respondents than respondents, or negative counts.
func (s SurveyCounts) Check() error {
	if s.Respondents < 0 {
		return &FieldError{Entity: "survey result", Field: "respondents", Code: "range",
			Message: "the number of respondents cannot be negative"}
	}
	for i, d := range s.Dissatisfied {
		switch {
		case d < 0:
			return &FieldError{Entity: "survey result", Field: IndicatorFields[i], Code: "range",
				Message: "a count cannot be negative"}
		case d > s.Respondents:
			return &FieldError{Entity: "survey result", Field: IndicatorFields[i], Code: "range",
				Message: fmt.Sprintf("%d dissatisfied is more than the %d respondents", d, s.Respondents)}
		}
	}
	for i, n := range [3]int{s.Promoters, s.Passives, s.Detractors} {
		if n < 0 {
			return &FieldError{Entity: "survey result", Field: [3]string{"npsPromoters", "npsPassives", "npsDetractors"}[i],
				Code: "range", Message: "a count cannot be negative"}
		}
	}
	return nil
}
