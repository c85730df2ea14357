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

// TestUPLImportAndReport loads a small list through the command line and
// reads the report; internal/upl tests the list and the report in depth.
func TestUPLImportAndReport(t *testing.T) {
	url := storetest.URL(t, "sqlite")
	file := filepath.Join(t.TempDir(), "upl.csv")
	list := "UniformeProductnaam,URI,Rijk,Provincie,Waterschap,Gemeente,Burger,Bedrijf,Dienstenwet,SDG,Autonomie,Medebewind,Aanvraag,Subsidie,Melding,Verplichting,DigiDMacht,Grondslag,Grondslaglabel,Grondslaglink\n" +
		"aanleunwoning,http://standaarden.overheid.nl/owms/terms/aanleunwoning,,,,X,X,,,,,,,,,,,,,\n"
	if err := os.WriteFile(file, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "migrate", "--database", url); code != 0 {
		t.Fatal(stderr)
	}
	// The report needs a municipality: an empty catalogue has none.
	if code, _, stderr := runCLI(t, "upl", "report", "--database", url); code != 1 || !strings.Contains(stderr, "no municipality") {
		t.Errorf("report on an empty catalogue: %d %s", code, stderr)
	}
	code, out, stderr := runCLI(t, "upl", "import", "--database", url, file)
	if code != 0 || !strings.Contains(out, "1 names on the list: 1 added") || !strings.Contains(out, "no UPL report: the catalogue holds no municipality yet") {
		t.Errorf("import: %d %q %q", code, out, stderr)
	}
	// With a catalogue: its product has no UPL name, and aanleunwoning is not covered.
	db, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	k := fixture.New(t, db.Client)
	k.Product(t, db.Client, "paspoort", k.DepartmentA1)
	db.Close()
	code, out, stderr = runCLI(t, "upl", "report", "--database", url)
	if code != 0 || !strings.Contains(out, "Without a UPL name, so published as \"UPL-naam nog niet beschikbaar\" (1)\n  paspoort") || !strings.Contains(out, "Municipal names no product covers (1)\n  aanleunwoning") {
		t.Errorf("report: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "upl", "import", "--database", url, filepath.Join(t.TempDir(), "nope.csv")); code != 1 || stderr == "" {
		t.Errorf("a missing file: %d %s", code, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	_ = os.WriteFile(bad, []byte(strings.Replace(list, ",X,X,", ",ja,X,", 1)), 0o644)
	if code, _, stderr := runCLI(t, "upl", "import", "--database", url, bad); code != 1 || !strings.Contains(stderr, `line 2, column Gemeente: "ja" is not a flag`) ||
		!strings.Contains(stderr, "nothing was changed") {
		t.Errorf("a bad file: %d %s", code, stderr)
	}
}
