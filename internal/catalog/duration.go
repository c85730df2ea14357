package catalog

import (
	"regexp"
	"strconv"
	"strings"
)

// Duration is an ISO 8601 duration as product pages use it for processing
// times: P5D (five days), P14D (two weeks), PT10M (ten minutes).
type Duration struct {
	Years, Months, Weeks, Days, Hours, Minutes, Seconds int
}

var durationRE = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// ParseDuration reads an ISO 8601 duration with whole-number parts. Weeks
// are accepted (P2W), as ISO 8601 allows them; String writes them as days.
func ParseDuration(s string) (Duration, error) {
	m := durationRE.FindStringSubmatch(s)
	if m == nil || s == "P" || s[len(s)-1] == 'T' {
		return Duration{}, fieldErr("availability", "processingTime", "format",
			"%q is not an ISO 8601 duration; write e.g. P5D for five days, P14D for two weeks or PT10M for ten minutes", clip(s))
	}
	var parts [7]int
	for i := range parts {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.Atoi(m[i+1])
		if err != nil || n > 100000 {
			return Duration{}, fieldErr("availability", "processingTime", "range", "%q is out of range", clip(s))
		}
		parts[i] = n
	}
	// Weeks are published as days, so the days they become must be in
	// range too, or a value accepted here could not be read back.
	if parts[2]*7+parts[3] > 100000 {
		return Duration{}, fieldErr("availability", "processingTime", "range", "%q is out of range", clip(s))
	}
	return Duration{parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6]}, nil
}

// String writes the duration as an xsd:duration, the form CPSV-AP, schema.org
// readers and XML Schema all accept: weeks become days (xsd:duration has no
// weeks, so "P2W" is not a valid value there), zero parts are left out, and
// a duration of nothing is P0D.
func (d Duration) String() string {
	var b strings.Builder
	b.WriteByte('P')
	part := func(n int, unit byte) {
		if n != 0 {
			b.WriteString(strconv.Itoa(n))
			b.WriteByte(unit)
		}
	}
	part(d.Years, 'Y')
	part(d.Months, 'M')
	part(d.Weeks*7+d.Days, 'D')
	if d.Hours != 0 || d.Minutes != 0 || d.Seconds != 0 {
		b.WriteByte('T')
		part(d.Hours, 'H')
		part(d.Minutes, 'M')
		part(d.Seconds, 'S')
	}
	if b.Len() == 1 {
		b.WriteString("0D")
	}
	return b.String()
}

// InDays returns a processing time as it is published: an xsd:duration with
// weeks written as days (P2W → P14D). Values that are not durations (which
// the rules refuse on write) come back unchanged, so a reader sees what is
// stored rather than nothing.
func InDays(s string) string {
	d, err := ParseDuration(s)
	if err != nil {
		return s
	}
	return d.String()
}
