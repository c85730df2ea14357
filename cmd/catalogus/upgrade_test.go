package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/backup"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// The files in testdata/upgrade were written once by binaries built from
// earlier commits (testdata/upgrade/README.md says which and how); they are
// never written again. Each format of backup restores on this binary, and
// each old database upgrades, on both databases, with the records, the
// change log and the coverage at past moments the old binary gave.

// gunzip writes testdata/upgrade/name (gzipped) to a temporary file.
func gunzip(t *testing.T, name, as string) string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "upgrade", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), as)
	w, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, zr); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// compareReports holds the reports the old binary gave at past moments
// (testdata/upgrade/NAME.reports.json) against this binary's on target.
// Fields this binary added are not compared; every field the old one had is.
func compareReports(t *testing.T, name, target string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "upgrade", name+".reports.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("no reports to compare")
	}
	for at, old := range want {
		code, out, stderr := runCLI(t, "report", "--database", target, "--format", "json", "--at", at)
		if code != 0 {
			t.Fatalf("report --at %s: %s", at, stderr)
		}
		var now any
		if err := json.Unmarshal([]byte(out), &now); err != nil {
			t.Fatal(err)
		}
		if diff := within(old, now, "coverage"); diff != "" {
			t.Errorf("coverage at %s differs from the old binary's: %s", at, diff)
		}
	}
}

// within names the first value of old that new lacks or gives otherwise.
func within(old, new any, path string) string {
	switch o := old.(type) {
	case map[string]any:
		n, ok := new.(map[string]any)
		if !ok {
			return path + " is no longer an object"
		}
		for k, v := range o {
			if d := within(v, n[k], path+"."+k); d != "" {
				return d
			}
		}
	case []any:
		n, ok := new.([]any)
		if !ok || len(n) != len(o) {
			return fmt.Sprintf("%s: %d items, now %v", path, len(o), new)
		}
		for i := range o {
			if d := within(o[i], n[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
	case float64:
		if n, ok := new.(float64); !ok || math.Abs(n-o) > 1e-9 {
			return fmt.Sprintf("%s: %v, now %v", path, old, new)
		}
	default:
		if !reflect.DeepEqual(old, new) {
			return fmt.Sprintf("%s: %v, now %v", path, old, new)
		}
	}
	return ""
}

// TestEveryBackupFormatRestores restores a backup of each format so far,
// written by the commit that introduced it, and compares the result with the
// file (records and change log, exported again) and with the coverage the
// old binary reported at past moments. Values a format lacks (an answer's
// version, before format 5) come from the change log.
func TestEveryBackupFormatRestores(t *testing.T) {
	for v := 1; v <= 5; v++ {
		name := fmt.Sprintf("backup-v%d", v)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			file := gunzip(t, name+".json.gz", name+".json")
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			golden, err := backup.Read(bytes.NewReader(raw), nil)
			if err != nil {
				t.Fatal(err)
			}
			if golden.Version != v {
				t.Fatalf("%s holds format %d", name, golden.Version)
			}
			for _, d := range storetest.Dialects {
				t.Run(d, func(t *testing.T) {
					target := storetest.URL(t, d)
					if code, _, stderr := runCLI(t, "import", file, "--database", target); code != 0 {
						t.Fatalf("import: %s", stderr)
					}
					again := filepath.Join(t.TempDir(), "again.json")
					if code, _, stderr := runCLI(t, "export", "--database", target, "--output", again); code != 0 {
						t.Fatalf("export: %s", stderr)
					}
					f, err := os.Open(again)
					if err != nil {
						t.Fatal(err)
					}
					restored, err := backup.Read(f, nil)
					f.Close()
					if err != nil {
						t.Fatal(err)
					}
					sameBackup(t, golden, restored)
					compareReports(t, name, target)
				})
			}
		})
	}
}

// sameBackup compares a golden backup with the backup of its restore: the
// number of records of every kind, each product's details, and the change
// log event by event (ids differ: the restore gives new ones).
func sameBackup(t *testing.T, golden, restored *backup.File) {
	t.Helper()
	counts := func(f *backup.File) []int {
		return []int{len(f.Organizations), len(f.UPLEntries), len(f.Products), len(f.Channels), len(f.Locations),
			len(f.Availabilities), len(f.Targets), len(f.SurveyResults), len(f.ContactVolumes), len(f.SatisfactionTargets),
			len(f.Answers), len(f.CallbackRequests), len(f.Events)}
	}
	if g, r := counts(golden), counts(restored); !reflect.DeepEqual(g, r) {
		t.Fatalf("records by kind (organizations … events): backup %v, restored %v", g, r)
	}
	if len(golden.Products) == 0 || len(golden.Events) == 0 {
		t.Fatal("the golden backup holds no products or no changes: the comparison proves nothing")
	}
	for i, p := range golden.Products {
		r := restored.Products[i]
		if p.Slug != r.Slug || p.Name != r.Name || p.Status != r.Status || p.Version != r.Version || p.Theme != r.Theme {
			t.Errorf("product %s: backup %s/%s/v%d, restored %s/%s/%s/v%d", p.Slug, p.Name, p.Status, p.Version, r.Slug, r.Name, r.Status, r.Version)
		}
	}
	for _, a := range restored.Answers {
		if a.Version < 1 {
			t.Errorf("answer %d restored without a version", a.ID)
		}
	}
	for i, e := range golden.Events {
		r := restored.Events[i]
		if e.Entity != r.Entity || e.Action != r.Action || e.Actor != r.Actor || !e.RecordedAt.Equal(r.RecordedAt) || len(e.Changes) != len(r.Changes) {
			t.Fatalf("change %d: backup %s %s by %s at %s (%d fields), restored %s %s by %s at %s (%d fields)", i,
				e.Action, e.Entity, e.Actor, e.RecordedAt, len(e.Changes), r.Action, r.Entity, r.Actor, r.RecordedAt, len(r.Changes))
		}
		for j, c := range e.Changes {
			if c.Field != r.Changes[j].Field {
				t.Fatalf("change %d field %d: backup %s, restored %s", i, j, c.Field, r.Changes[j].Field)
			}
		}
	}
}

// TestUpgradeFromOldDatabases upgrades databases that earlier releases set
// up and seeded — the first API release (init migration under its old name)
// and the release before the search's migrations — on SQLite and PostgreSQL,
// and compares records and change log before and after, and the coverage at
// past moments with what the old binary reported where it could.
func TestUpgradeFromOldDatabases(t *testing.T) {
	for _, fixture := range []struct{ name, reports string }{
		{"first-release", ""},
		{"before-search", "before-search"},
	} {
		t.Run(fixture.name, func(t *testing.T) {
			byDialect := map[string]map[string]string{}
			for _, d := range storetest.Dialects {
				t.Run(d, func(t *testing.T) {
					target := oldDatabase(t, fixture.name, d)
					before := tables(t, target)
					code, out, stderr := runCLI(t, "migrate", "--database", target)
					if code != 0 || !strings.Contains(out, "applied") {
						t.Fatalf("migrate: %d %s %s", code, out, stderr)
					}
					after := tables(t, target)
					// The upkeep after migrating rewrites processing times
					// stored in weeks as days, as the system's change of today
					// (editing.DaysNotWeeks): the log grows by those changes
					// and nothing else.
					added, ok := strings.CutPrefix(after["events"], before["events"])
					if !ok {
						t.Errorf("the change log before the upgrade is not where it was after it:\n%.600s\nafter:\n%.600s", before["events"], after["events"])
					}
					for line := range strings.Lines(added) {
						if !strings.Contains(line, " AVAILABILITY ") || !strings.Contains(line, " UPDATE system:") {
							t.Errorf("the upgrade logged a change other than the upkeep's: %s", line)
						}
					}
					for _, k := range []string{"counts", "products", "availabilities", "upl"} {
						if before[k] != after[k] {
							t.Errorf("%s before the upgrade:\n%.600s\nafter:\n%.600s", k, before[k], after[k])
						}
					}
					if fixture.reports != "" {
						compareReports(t, fixture.reports, target)
					}
					reports := map[string]string{}
					for _, at := range []string{"2023-06-30", "2024-12-31", "2026-06-30", "2026-11-30"} {
						code, out, stderr := runCLI(t, "report", "--database", target, "--format", "json", "--at", at)
						if code != 0 {
							t.Fatalf("report --at %s: %s", at, stderr)
						}
						reports[at] = out
					}
					byDialect[d] = reports
					// A second run has nothing to do, and the reading commands accept it.
					if code, out, _ := runCLI(t, "migrate", "--database", target); code != 0 || !strings.Contains(out, "up to date") {
						t.Errorf("a second migrate: %d %s", code, out)
					}
				})
			}
			// The first release had no coverage report to compare with: its
			// two databases must at least agree with each other.
			if s, p := byDialect["sqlite"], byDialect["postgres"]; s != nil && p != nil && !reflect.DeepEqual(s, p) {
				t.Errorf("the upgraded SQLite and PostgreSQL databases report different coverage")
			}
		})
	}
}

// oldDatabase gives a database as the fixture's release left it.
func oldDatabase(t *testing.T, name, d string) string {
	t.Helper()
	if d == "sqlite" {
		return "sqlite:" + gunzip(t, name+".sqlite.gz", "catalogus.db")
	}
	target := storetest.URL(t, d)
	dump, err := os.ReadFile(gunzip(t, name+".pg.sql.gz", "dump.sql"))
	if err != nil {
		t.Fatal(err)
	}
	// pg_dump names the public schema and empties the search path; the test
	// loads it into its own schema instead. Its psql meta-commands (\restrict)
	// are psql's, not SQL.
	var script strings.Builder
	for line := range strings.Lines(string(dump)) {
		if strings.HasPrefix(line, `\`) || strings.Contains(line, "set_config('search_path'") {
			continue
		}
		script.WriteString(strings.ReplaceAll(line, "public.", ""))
	}
	db, err := sql.Open("postgres", pgDSN(t, target))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(script.String()); err != nil {
		t.Fatalf("loading %s.pg.sql: %v", name, err)
	}
	return target
}

// pgDSN is the lib/pq connection string of a test database URL.
func pgDSN(t *testing.T, u string) string {
	t.Helper()
	target, err := store.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	return target.DSN
}

// tables reads what an upgrade must keep, straight from the tables: the
// number of rows of each of the first release's tables, the products, the
// availabilities, the UPL names and the change log.
func tables(t *testing.T, target string) map[string]string {
	t.Helper()
	db, err := store.Open(context.Background(), target, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	for name, q := range map[string]string{
		"counts": `SELECT (SELECT COUNT(*) FROM organizations) || ' ' || (SELECT COUNT(*) FROM upl_entries) || ' ' ||
			(SELECT COUNT(*) FROM products) || ' ' || (SELECT COUNT(*) FROM channels) || ' ' || (SELECT COUNT(*) FROM locations) || ' ' ||
			(SELECT COUNT(*) FROM availabilities) || ' ' || (SELECT COUNT(*) FROM targets)`,
		// Not the version: the upkeep's changes raise it.
		"products":       `SELECT id || ' ' || slug || ' ' || name || ' ' || status || ' ' || owner_id FROM products ORDER BY id`,
		"availabilities": `SELECT id || ' ' || product_id || ' ' || channel_id || ' ' || status || ' ' || COALESCE(reason, '-') FROM availabilities ORDER BY id`,
		"events":         `SELECT id || ' ' || entity || ' ' || entity_id || ' ' || action || ' ' || actor || ' ' || COALESCE(state, '-') || ' ' || tx_id FROM change_events ORDER BY id`,
		"upl":            `SELECT uri || ' ' || name FROM upl_entries ORDER BY uri`,
	} {
		rows, err := db.SQL.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var b strings.Builder
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s + "\n")
		}
		rows.Close()
		out[name] = b.String()
	}
	return out
}
