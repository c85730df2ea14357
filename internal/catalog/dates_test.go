package catalog

import (
	"testing"
	"time"
)

func TestDaysLeft(t *testing.T) {
	deadline := Date(2026, time.December, 31)
	for at, want := range map[string]int{
		"2026-12-30T12:00:00+01:00": 1,
		"2026-12-31T00:00:00+01:00": 0,
		"2026-12-31T23:59:59+01:00": 0,
		"2027-01-01T00:00:00+01:00": -1,
		"2026-11-20T23:59:00+01:00": 41,
		// 23:30 UTC on 30 December is already 31 December in Amsterdam.
		"2026-12-30T23:30:00Z": 0,
		// Across the change to winter time: still whole calendar days.
		"2026-10-24T12:00:00+02:00": 68,
		"2026-10-25T12:00:00+01:00": 67,
	} {
		moment, err := time.Parse(time.RFC3339, at)
		if err != nil {
			t.Fatal(err)
		}
		if got := DaysLeft(moment, deadline); got != want {
			t.Errorf("DaysLeft(%s, 2026-12-31) = %d, want %d", at, got, want)
		}
	}
}
