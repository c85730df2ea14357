package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the municipality's calendar must not depend on the host's zoneinfo
)

// Amsterdam is the time zone in which the municipality's calendar dates
// (planned dates, since dates, deadlines) are meant.
var Amsterdam = mustLoad("Europe/Amsterdam")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// DateOf returns the calendar date of the instant t in Amsterdam, as midnight
// UTC: the form in which the catalogue stores dates.
func DateOf(t time.Time) time.Time {
	y, m, d := t.In(Amsterdam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Date builds a calendar date.
func Date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDate reads a calendar date written as YYYY-MM-DD.
func ParseDate(s string) (time.Time, error) {
	return time.Parse(time.DateOnly, s)
}

// IsDate reports whether t is a calendar date in stored form (midnight UTC).
func IsDate(t time.Time) bool {
	return t.Equal(Date(t.UTC().Date()))
}

// ParseDutchDate reads a calendar date as people write it in the Netherlands
// and as Excel shows it there: day-month-year (1-9-2026, 01-09-2026, also with
// slashes or dots), or the ISO form 2026-09-01 that the catalogue writes.
// Spreadsheets round-trip through Excel, which rewrites dates in the user's
// locale, so both forms must come back in.
func ParseDutchDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	if len(parts) == 3 && len(parts[0]) <= 2 && len(parts[1]) <= 2 && len(parts[2]) == 4 {
		d, errD := strconv.Atoi(parts[0])
		m, errM := strconv.Atoi(parts[1])
		y, errY := strconv.Atoi(parts[2])
		if errD == nil && errM == nil && errY == nil && m >= 1 && m <= 12 && d >= 1 {
			t := Date(y, time.Month(m), d)
			if t.Day() == d { // 31-2-2026 would roll over into March
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date; write day-month-year, e.g. 1-9-2026, or 2026-09-01", clip(s))
}

// DaysLeft is the one definition of "days left" to a deadline, shared by the
// API, `catalogus report` and the dashboard: the calendar days in Amsterdam
// from the date of the moment at to the deadline's date. The day of the
// moment itself is not counted, the deadline's day is: on 30 December one
// day is left to a deadline of 31 December, on 31 December none (the
// deadline is today), and after it the number is negative.
func DaysLeft(at, deadline time.Time) int {
	y, m, d := deadline.Date()
	return int(Date(y, m, d).Sub(DateOf(at)).Hours() / 24)
}
