package scalar

import (
	"bytes"
	"strconv"
	"testing"
	"time"
)

func FuzzUnmarshalDate(f *testing.F) {
	for _, s := range []string{"2026-12-31", "2026-02-29", "2024-02-29", "31-12-2026", "", "2026-12-31T00:00:00Z", "\u0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := UnmarshalDate(s)
		if err != nil {
			if err.Error() == "" {
				t.Error("an error without words")
			}
			return
		}
		var b bytes.Buffer
		MarshalDate(d).MarshalGQL(&b)
		if b.String() != strconv.Quote(s) || d.Location() != time.UTC {
			t.Errorf("UnmarshalDate(%q) round-trips to %s", s, b.String())
		}
	})
}
