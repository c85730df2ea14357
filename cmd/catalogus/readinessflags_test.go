package main

import (
	"strings"
	"testing"
)

// TestMonthsFlag: the readiness intervals take 1 to 120 months; anything else
// stops serve with a message naming the flag.
func TestMonthsFlag(t *testing.T) {
	for in, want := range map[string]int{"12": 12, " 6 ": 6, "1": 1, "120": 120} {
		if n, err := monthsFlag("readiness-test-months", in); err != nil || n != want {
			t.Errorf("%q: %d, %v; want %d", in, n, err, want)
		}
	}
	for _, in := range []string{"0", "-3", "121", "12m", ""} {
		if _, err := monthsFlag("readiness-review-months", in); err == nil || !strings.Contains(err.Error(), "--readiness-review-months") {
			t.Errorf("%q: %v, want an error naming the flag", in, err)
		}
	}
}
