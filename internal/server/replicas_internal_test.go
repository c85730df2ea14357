package server

import (
	"testing"
	"time"
)

func TestParseLSN(t *testing.T) {
	for in, want := range map[string]uint64{"0/0": 0, "16/B374D848": 0x16_B374D848, "0/3000148": 0x3000148, "FFFFFFFF/FFFFFFFF": 1<<64 - 1} {
		if got, ok := parseLSN(in); !ok || got != want {
			t.Errorf("parseLSN(%q) = %x, %v; want %x", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "16", "16/", "/1", "G/1", "1/1/1", "100000000/0"} {
		if got, ok := parseLSN(in); ok {
			t.Errorf("parseLSN(%q) = %x; want refused", in, got)
		}
	}
}

// TestLagOnWALPositions: a replica's lag is measured against the primary's
// sampled WAL positions. A replica that has replayed an idle primary's
// position is as far behind as the last sample is old — not as old as the
// primary's last commit (the pitfall of pg_last_xact_replay_timestamp()).
func TestLagOnWALPositions(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	c := &checker{history: []walSample{
		{t0, 100},
		{t0.Add(time.Second), 200},
		// Idle from here: the position stands still.
		{t0.Add(2 * time.Second), 300},
		{t0.Add(3 * time.Second), 300},
		{t0.Add(60 * time.Second), 300},
	}}
	now := t0.Add(60*time.Second + 100*time.Millisecond)
	for _, tc := range []struct {
		replayed uint64
		lag      time.Duration
		known    bool
	}{
		{300, 100 * time.Millisecond, true}, // caught up with an idle primary
		{400, 100 * time.Millisecond, true}, // ahead of the last sample: replayed a write since
		{250, 59*time.Second + 100*time.Millisecond, true},
		{100, 60*time.Second + 100*time.Millisecond, true},
		{99, 0, false}, // behind every sample kept
	} {
		lag, known := c.lag(tc.replayed, now)
		if lag != tc.lag || known != tc.known {
			t.Errorf("replayed %d: lag %s, known %v; want %s, %v", tc.replayed, lag, known, tc.lag, tc.known)
		}
	}
}

// TestReadOnlyDocument: only documents that parse and hold nothing but
// queries may go to a replica.
func TestReadOnlyDocument(t *testing.T) {
	for doc, want := range map[string]bool{
		`{ products { totalCount } }`:            true,
		`query A { a } query B { b }`:            true,
		`{ product(slug: "mutation") { name } }`: true,
		`# mutation { x }` + "\n" + `{ a }`:      true,
		`mutation { x }`:                         false,
		`,mutation { x }`:                        false, // commas are ignored tokens
		"\ufeffmutation { x }":                   false,
		`query A { a } mutation B { b }`:         false,
		`subscription { x }`:                     false,
		`{`:                                      false,
		``:                                       false,
		`fragment F on Query { a }`:              false,
		`query($m: String = "mutation { x }") { a(s: $m) }`: true,
	} {
		if got := readOnlyDocument(doc); got != want {
			t.Errorf("readOnlyDocument(%q) = %v; want %v", doc, got, want)
		}
	}
}
