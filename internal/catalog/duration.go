package catalog

import (
	"regexp"
	"strconv"
)

// Duration is an ISO 8601 duration as product pages use it for processing
// times: P5D (five days), P8W (eight weeks), PT10M (ten minutes).
type Duration struct {
	Years, Months, Weeks, Days, Hours, Minutes, Seconds int
}

var durationRE = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// ParseDuration reads an ISO 8601 duration with whole-number parts.
func ParseDuration(s string) (Duration, error) {
	m := durationRE.FindStringSubmatch(s)
	if m == nil || s == "P" || s[len(s)-1] == 'T' {
		return Duration{}, fieldErr("availability", "processingTime", "format",
			"%q is not an ISO 8601 duration; write e.g. P5D for five days, P8W for eight weeks or PT10M for ten minutes", clip(s))
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
	return Duration{parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6]}, nil
}
