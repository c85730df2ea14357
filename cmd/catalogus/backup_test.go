package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestExportImport backs a seeded SQLite file up and restores it into another
// one; the report on both reads the same. internal/backup tests the restore
// in depth, on both databases.
func TestExportImport(t *testing.T) {
	src, dst := seededSQLite(t), storetest.URL(t, "sqlite")
	file := filepath.Join(t.TempDir(), "backup.json")
	if code, _, stderr := runCLI(t, "export", "--database", src, "--output", file); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	code, out, stderr := runCLI(t, "import", "--database", dst, file)
	if code != 0 || !strings.Contains(out, "restored") || !strings.Contains(stderr, "100%") {
		t.Fatalf("import: %d %s %s", code, out, stderr)
	}
	_, want, _ := runCLI(t, "report", "--database", src, "--format", "json", "--at", "2025-06-01")
	_, got, _ := runCLI(t, "report", "--database", dst, "--format", "json", "--at", "2025-06-01")
	if want == "" || want != got {
		t.Errorf("the reports differ:\nsource:   %.400s\nrestored: %.400s", want, got)
	}

	// A second import into the filled database is refused and changes nothing.
	code, _, stderr = runCLI(t, "import", "--database", dst, file)
	if code != 1 || !strings.Contains(stderr, "empty database") || !strings.Contains(stderr, "nothing was changed") {
		t.Errorf("a second import: %d %s", code, stderr)
	}
	// A failed export leaves no file behind.
	broken := filepath.Join(t.TempDir(), "broken.json")
	if code, _, _ := runCLI(t, "export", "--database", "sqlite:"+filepath.Join(t.TempDir(), "nope", "x.db"), "--output", broken); code == 0 {
		t.Error("an export of a database that cannot be opened succeeded")
	}
	if _, err := os.Stat(broken); !os.IsNotExist(err) {
		t.Errorf("the failed export left %s behind: %v", broken, err)
	}

	// The published catalogue in CPSV-AP, to standard output: every
	// published product a PublicService (internal/publish/cpsvap checks the
	// document against the shapes).
	code, out, stderr = runCLI(t, "export", "--database", src, "--format", "cpsv-ap", "--site-url", "https://example.org/")
	var doc struct {
		Context map[string]any   `json:"@context"`
		Graph   []map[string]any `json:"@graph"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("export --format cpsv-ap: %d %s %.300s", code, stderr, out)
	}
	services := 0
	for _, n := range doc.Graph {
		if n["@type"] == "PublicService" {
			services++
			if id, _ := n["@id"].(string); !strings.HasPrefix(id, "https://example.org/") {
				t.Errorf("a service at %q, not under --site-url", id)
			}
		}
	}
	if services < 400 || doc.Context["cpsv"] == nil {
		t.Errorf("the CPSV-AP export holds %d public services, context %v", services, doc.Context["cpsv"])
	}

	for _, args := range [][]string{{"export", "--format", "xml"}, {"export", "--format", "cpsv-ap", "--site-url", "rotterdam.nl"},
		{"import"}, {"import", "a.json", "b.json"}} {
		if code, _, stderr := runCLI(t, args...); code == 0 || stderr == "" {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}
