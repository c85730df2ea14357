package catalog

import (
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
