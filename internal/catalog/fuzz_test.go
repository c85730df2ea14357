package catalog

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for the parsers of outside input. `go test` runs their seeds;
// .ci/run fuzzes each for a few seconds; failures found are kept in
// testdata/fuzz and become seeds.

func FuzzCheckSlug(f *testing.F) {
	for _, s := range []string{"paspoort-aanvragen", "", "Paspoort", "a--b", "-a", "ä", strings.Repeat("a", 101), "a\x00b"} {
		f.Add(s)
	}
	re := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	f.Fuzz(func(t *testing.T, s string) {
		err := CheckSlug(s)
		if err == nil && (!re.MatchString(s) || len(s) > 100) {
			t.Errorf("CheckSlug accepted %q", s)
		}
		if fe, ok := AsFieldError(err); err != nil && (!ok || fe.Field != "slug" || fe.Message == "" || !utf8.ValidString(fe.Message)) {
			t.Errorf("CheckSlug(%q) error %v is not a clear field error", s, err)
		}
	})
}

func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://www.rotterdam.nl/x", "javascript:alert(1)", "http://", "//x", "https://a b", "\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckURL(s) != nil {
			return
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Errorf("CheckURL accepted %q", s)
		}
	})
}

func FuzzIsDutchPhone(f *testing.F) {
	for _, s := range []string{"14010", "010 267 1625", "+31 10 267 1625", "0800-1234", "+", "0", "１４０１０"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !IsDutchPhone(s) {
			return
		}
		for _, r := range s {
			if !strings.ContainsRune("0123456789+ -.()", r) {
				t.Errorf("IsDutchPhone accepted %q with %q", s, r)
			}
		}
	})
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"P5D", "PT10M", "P1Y2M3W4DT5H6M7S", "P", "PT", "P-1D", "P99999999999D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			if _, ok := AsFieldError(err); !ok {
				t.Errorf("ParseDuration(%q): %v is not a field error", s, err)
			}
			return
		}
		for _, n := range []int{d.Years, d.Months, d.Weeks, d.Days, d.Hours, d.Minutes, d.Seconds} {
			if n < 0 || n > 100000 {
				t.Errorf("ParseDuration(%q) = %+v", s, d)
			}
		}
		if !strings.HasPrefix(s, "P") || s == "P" {
			t.Errorf("ParseDuration accepted %q", s)
		}
		// What is published is an xsd:duration and means the same time.
		out := d.String()
		if !xsdDuration.MatchString(out) {
			t.Errorf("ParseDuration(%q).String() = %q, not an xsd:duration", s, out)
		}
		back, err := ParseDuration(out)
		if err != nil || back.Weeks != 0 || back.Days != d.Days+7*d.Weeks || back.Years != d.Years || back.Months != d.Months ||
			back.Hours != d.Hours || back.Minutes != d.Minutes || back.Seconds != d.Seconds {
			t.Errorf("%q → %q → %+v (%v)", s, out, back, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-12-31", "2026-02-30", "26-12-31", "2026-12-31T00:00:00Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if !IsDate(d) || d.Format(time.DateOnly) != s {
			t.Errorf("ParseDate(%q) = %v", s, d)
		}
	})
}

func FuzzParseDutchDate(f *testing.F) {
	for _, s := range []string{"1-9-2026", "01-09-2026", "2026-09-01", "31-2-2026", "1/9/2026", "1.9.2026", "-1-9-2026", "1--9-2026", "+1-9-2026", "１-9-2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDutchDate(s)
		if err != nil {
			if !strings.Contains(err.Error(), "is not a date") || !utf8.ValidString(err.Error()) && utf8.ValidString(s) {
				t.Errorf("ParseDutchDate(%q): unclear error %v", s, err)
			}
			return
		}
		if !IsDate(d) {
			t.Errorf("ParseDutchDate(%q) = %v, not a calendar date", s, d)
		}
		// What it accepts reads back the same, written either way.
		for _, form := range []string{d.Format(time.DateOnly), d.Format("2-1-2006"), d.Format("02-01-2006")} {
			if again, err := ParseDutchDate(form); err != nil || !again.Equal(d) {
				t.Errorf("ParseDutchDate(%q) = %v, but %q gives %v, %v", s, d, form, again, err)
			}
		}
	})
}
