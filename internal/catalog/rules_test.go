package catalog

import (
	"regexp"
	"testing"
	"time"
)

func TestIsDutchPhone(t *testing.T) {
	for s, want := range map[string]bool{
		"14010": true, "14 010": true, "010 267 1625": true, "010-2671625": true, "+31 10 267 1625": true,
		"0031102671625": true, "0800-1234": true, "0900 1234567": true, "06 12345678": true,
		"": false, "call me": false, "12345": false, "010 267 162": false, "+31 010 267 1625": false,
		"+44 20 7946 0958": false, "1401": false, "0800": false,
	} {
		if got := IsDutchPhone(s); got != want {
			t.Errorf("IsDutchPhone(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for s, want := range map[string]Duration{
		"P5D": {Days: 5}, "P8W": {Weeks: 8}, "PT10M": {Minutes: 10}, "P1Y2M3DT4H5M6S": {1, 2, 0, 3, 4, 5, 6},
	} {
		got, err := ParseDuration(s)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %+v, %v; want %+v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "P", "PT", "5D", "P5", "P-5D", "P5.5D", "PT5D", "P1DT", "five days", "P999999999D"} {
		if _, err := ParseDuration(s); err == nil {
			t.Errorf("ParseDuration(%q) accepted", s)
		}
	}
}

// xsdDuration is XML Schema's lexical form of xsd:duration (part 2, 3.3.6),
// without the sign, which processing times never have: no weeks.
var xsdDuration = regexp.MustCompile(`^P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)

func TestInDaysIsAnXSDDuration(t *testing.T) {
	for in, want := range map[string]string{
		"P2W": "P14D", "P8W": "P56D", "P1W2D": "P9D", "P5D": "P5D", "PT10M": "PT10M", "P1Y2M3W4DT5H": "P1Y2M25DT5H",
		"P0W": "P0D", "PT0S": "P0D", "not a duration": "not a duration",
	} {
		got := InDays(in)
		if got != want {
			t.Errorf("InDays(%q) = %q, want %q", in, got, want)
		}
		if in != "not a duration" && !xsdDuration.MatchString(got) {
			t.Errorf("InDays(%q) = %q is not an xsd:duration", in, got)
		}
	}
}

func TestCheckSlugAndURL(t *testing.T) {
	for _, s := range []string{"paspoort", "paspoort-aanvragen", "wmo-2026"} {
		if err := CheckSlug(s); err != nil {
			t.Errorf("CheckSlug(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "Paspoort", "paspoort--aanvragen", "-paspoort", "paspoort aanvragen", "paspoört"} {
		if err := CheckSlug(s); err == nil {
			t.Errorf("CheckSlug(%q) accepted", s)
		}
	}
	for s, ok := range map[string]bool{
		"https://www.rotterdam.nl/paspoort": true, "http://localhost:8080/x": true,
		"www.rotterdam.nl": false, "javascript:alert(1)": false, "ftp://x.nl": false, "https://": false,
	} {
		if err := CheckURL(s); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v", s, err)
		}
	}
}

func TestDates(t *testing.T) {
	// 23:30 UTC on 31 December is already 1 January in Amsterdam.
	got := DateOf(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC))
	if !got.Equal(Date(2027, 1, 1)) || !IsDate(got) {
		t.Errorf("DateOf = %v", got)
	}
	if IsDate(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)) {
		t.Error("noon counted as a calendar date")
	}
}

func TestParseDutchDate(t *testing.T) {
	want := Date(2026, time.September, 1)
	for _, s := range []string{"1-9-2026", "01-09-2026", "2026-09-01", " 1/9/2026 ", "01.09.2026"} {
		got, err := ParseDutchDate(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDutchDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "9/1/26", "31-2-2026", "0-1-2026", "1-13-2026", "2026-13-01", "morgen", "1-9-2026x", "001-9-2026"} {
		if got, err := ParseDutchDate(s); err == nil {
			t.Errorf("ParseDutchDate(%q) = %v, want an error", s, got)
		}
	}
}
