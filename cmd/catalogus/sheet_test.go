package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestSheetExportImport runs the CSV sheet through the command line: export,
// a dry run that reports a problem by row and column, and an import; the JSON
// backup keeps its own path. internal/exchange/csvsheet tests the sheet in
// depth, on both databases.
func TestSheetExportImport(t *testing.T) {
	url := storetest.URL(t, "sqlite")
	db, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	k := fixture.New(t, db.Client)
	k.Product(t, db.Client, "paspoort", k.DepartmentA1)
	db.Close()

	code, sheet, stderr := runCLI(t, "export", "--database", url, "--format", "csv")
	if code != 0 || !strings.HasPrefix(sheet, "\uFEFFslug;name;") || !strings.Contains(sheet, "\r\npaspoort;") {
		t.Fatalf("export --format csv: %d %q %s", code, sheet, stderr)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	same := write("same.csv", sheet)
	if code, out, stderr := runCLI(t, "import", "--database", url, same); code != 0 || !strings.Contains(out, "1 unchanged; 0 channel cells changed") {
		t.Errorf("importing the export: %d %s %s", code, out, stderr)
	}
	// Without an extension the content decides: this is a sheet.
	bad := write("bewerkt", "slug;website\npaspoort;MORGEN\n")
	code, out, stderr := runCLI(t, "import", "--database", url, "--dry-run", bad)
	if code != 1 || !strings.Contains(out, "row 2, column website (B2): \"MORGEN\" is not a channel status") || !strings.Contains(stderr, "1 problems; nothing was changed") {
		t.Errorf("dry run of a bad sheet: %d %q %q", code, out, stderr)
	}
	good := write("bewerkt.csv", "slug;website\npaspoort;PLANNED 1-9-2099\n")
	if code, out, _ := runCLI(t, "import", "--database", url, "--dry-run", good); code != 0 || !strings.Contains(out, "dry run, nothing was changed") {
		t.Errorf("dry run: %d %s", code, out)
	}
	code, out, stderr = runCLI(t, "import", "--database", url, good)
	if code != 0 || !strings.Contains(out, "1 changed, 0 unchanged; 1 channel cells changed") || !strings.Contains(stderr, "100%") {
		t.Errorf("import: %d %s %s", code, out, stderr)
	}
	if _, sheet, _ := runCLI(t, "export", "--database", url, "--format", "csv"); !strings.Contains(sheet, ";PLANNED 2099-09-01;") {
		t.Errorf("the import did not land: %s", sheet)
	}
	// A JSON backup is restored, not read as a sheet; --dry-run is refused for it.
	backup := write("backup.json", "{}")
	if code, _, stderr := runCLI(t, "import", "--database", url, "--dry-run", backup); code != 1 || !strings.Contains(stderr, "--dry-run is for CSV sheets") {
		t.Errorf("--dry-run of a backup: %d %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "export", "--database", url, "--format", "xlsx"); code == 0 {
		t.Error("an unknown format was accepted")
	}
}
