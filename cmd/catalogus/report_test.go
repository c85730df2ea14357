package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

func TestReport(t *testing.T) {
	u := seededSQLite(t)

	code, out, stderr := runCLI(t, "report", "--database", u)
	if code != 0 {
		t.Fatalf("report: exit %d, %s", code, stderr)
	}
	for _, want := range []string{"of applicable cells available", "Target: Alle producten via alle passende kanalen",
		"Website", "Cluster Dienstverlening", "At the pace of the last 12 weeks", "with personal help"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}

	// JSON has the GraphQL report's shape and figures.
	code, out, stderr = runCLI(t, "report", "--database", u, "--format", "json", "--at", "2025-06-30", "--organization", "stadsbeheer")
	if code != 0 {
		t.Fatalf("report json: exit %d, %s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("report json is not JSON: %v\n%s", err, out)
	}
	db, err := store.Open(context.Background(), u, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	resp := graph.Execute(context.Background(), graph.NewResolver(db, ""),
		`{ coverage(at: "2025-06-30T23:59:59.999999+02:00", organization: "stadsbeheer") { applicableCells availableCells products byOrganization { organization { code } } } }`, nil)
	var api struct {
		Coverage struct {
			ApplicableCells, AvailableCells, Products float64
			ByOrganization                            []any
		}
	}
	if err := json.Unmarshal(resp.Data, &api); err != nil || len(resp.Errors) > 0 {
		t.Fatal(err, resp.Errors)
	}
	if got["applicableCells"] != api.Coverage.ApplicableCells || got["availableCells"] != api.Coverage.AvailableCells ||
		got["products"] != api.Coverage.Products || len(got["byOrganization"].([]any)) != len(api.Coverage.ByOrganization) {
		t.Errorf("report json %v %v %v differs from the API's %+v", got["applicableCells"], got["availableCells"], got["products"], api.Coverage)
	}

	daysLeftAgree(t, u, db)

	code, out, _ = runCLI(t, "report", "--database", u, "--format", "csv")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || !strings.HasPrefix(lines[0], "part,code,name,products") || !strings.HasPrefix(lines[1], "total,,,423,") || len(lines) < 1+1+9+6 {
		t.Errorf("csv: exit %d, %d lines, starting %q", code, len(lines), lines[:min(2, len(lines))])
	}

	for _, args := range [][]string{
		{"--at", "gisteren"}, {"--format", "xml"}, {"--organization", "nergens"}, {"--municipality", "atlantis"},
	} {
		code, _, stderr := runCLI(t, append([]string{"report", "--database", u}, args...)...)
		if code != 1 || stderr == "" {
			t.Errorf("report %v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// daysLeftAgree pins `catalogus report`, the API's daysLeft and
// catalog.DaysLeft to the same count at the same moment, also where the day
// in Amsterdam is not the day in UTC. (The dashboard shows the API's count;
// its browser test holds it to the API.) TestReport calls it on its seeded
// database: seeding another costs minutes under the race detector.
func daysLeftAgree(t *testing.T, u string, db *store.DB) {
	t.Helper()
	for moment, want := range map[string]string{
		"2026-11-20T22:59:00Z": "(41 days left)",
		"2026-12-30T12:00:00Z": "(1 day left)",
		"2026-12-30T23:30:00Z": "(the deadline is today)", // 31 December in Amsterdam
		"2027-01-01T12:00:00Z": "(passed)",
	} {
		code, out, stderr := runCLI(t, "report", "--database", u, "--at", moment)
		if code != 0 {
			t.Fatalf("report --at %s: exit %d, %s", moment, code, stderr)
		}
		resp := graph.Execute(context.Background(), graph.NewResolver(db, ""),
			`{ coverage(at: "`+moment+`") { target { deadline daysLeft } } }`, nil)
		var api struct {
			Coverage struct {
				Target struct {
					Deadline string
					DaysLeft int
				}
			}
		}
		if err := json.Unmarshal(resp.Data, &api); err != nil || len(resp.Errors) > 0 {
			t.Fatal(err, resp.Errors)
		}
		at, _ := time.Parse(time.RFC3339, moment)
		deadline, _ := time.Parse(time.DateOnly, api.Coverage.Target.Deadline)
		if d := catalog.DaysLeft(at, deadline); d != api.Coverage.Target.DaysLeft {
			t.Errorf("at %s the API says %d days left, catalog.DaysLeft %d", moment, api.Coverage.Target.DaysLeft, d)
		}
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "Target:") {
				line = l
			}
		}
		if !strings.HasSuffix(line, want) {
			t.Errorf("at %s (API: %d days left) the report says %q, want it to end in %q", moment, api.Coverage.Target.DaysLeft, line, want)
		}
	}
}
