package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// snapshot is what a refused import must leave as it was.
func snapshot(t *testing.T, u string) string {
	t.Helper()
	db, err := store.Open(context.Background(), u, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := fixture.Ctx()
	c := db.Client
	v, _ := db.Version(ctx)
	var b strings.Builder
	fmt.Fprintf(&b, "version %d; events %d; organizations %d; upl %d; volumes %d; products:", v, c.ChangeEvent.Query().CountX(ctx),
		c.Organization.Query().CountX(ctx), c.UPLEntry.Query().CountX(ctx), c.ContactVolume.Query().CountX(ctx))
	for _, p := range c.Product.Query().Order(ent.Asc("id")).AllX(ctx) {
		fmt.Fprintf(&b, " %s %q v%d", p.Slug, p.Name, p.Version)
	}
	return b.String()
}

// TestImportersReadUTF8Only feeds every importer a file saved as Windows-1252
// (Excel's plain "CSV"): each refuses it whole, says where and how to save it
// as UTF-8, and changes nothing. `upl import` stored such bytes, and the API
// sent them on raw inside its JSON; a backup's were turned into U+FFFD.
func TestImportersReadUTF8Only(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			u := storetest.URL(t, d)
			if code, _, stderr := runCLI(t, "migrate", "--database", u); code != 0 {
				t.Fatal(stderr)
			}
			db, err := store.Open(context.Background(), u, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			k := fixture.New(t, db.Client)
			k.Product(t, db.Client, "paspoort", k.DepartmentA1)
			db.Close()
			dir := t.TempDir()
			file := func(name, content string) string {
				f := filepath.Join(dir, name)
				if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				return f
			}
			backup := filepath.Join(dir, "backup.json")
			if code, _, stderr := runCLI(t, "export", "--database", u, "--output", backup); code != 0 {
				t.Fatal(stderr)
			}
			raw, err := os.ReadFile(backup)
			if err != nil {
				t.Fatal(err)
			}
			// A backup someone opened and saved in Windows-1252.
			latin1 := strings.Replace(string(raw), "Product paspoort", "Product caf\xe9", 1)
			if latin1 == string(raw) {
				t.Fatal("the backup does not hold the product's name")
			}

			for _, tc := range []struct {
				what string
				args []string
				at   string
			}{
				{"upl import", []string{"upl", "import", file("upl.csv",
					"UniformeProductnaam,URI,Rijk,Provincie,Waterschap,Gemeente,Burger,Bedrijf,Dienstenwet,SDG,Autonomie,Medebewind,Aanvraag,Subsidie,Melding,Verplichting,DigiDMacht\n"+
						"paspoort,http://standaarden.overheid.nl/owms/terms/paspoort,,,,X,X,,,,,,,,,,\n"+
						"caf\xe9vergunning,http://standaarden.overheid.nl/owms/terms/cafevergunning,,,,X,,X,,,,,,,,,\n")}, u},
				{"measurements import", []string{"measurements", "import", file("volumes.csv",
					"periode;kanaal;contacten\n2026-10;website;100\n2026-10;w\xe9bsite;12\n")}, u},
				{"import of a sheet", []string{"import", file("sheet.csv", "slug;name\npaspoort;Paspoort\nnog-een;Caf\xe9\n")}, u},
				{"import of a backup", []string{"import", file("backup-1252.json", latin1)}, storetest.URL(t, d)},
			} {
				before := ""
				if tc.what != "import of a backup" {
					before = snapshot(t, tc.at)
				}
				code, out, stderr := runCLI(t, withDatabase(tc.args, tc.at)...)
				said := out + stderr
				// Where: the line of a file, the row and column of a sheet.
				where := regexp.MustCompile(`(line|row) [0-9]+`)
				if code != 1 || !where.MatchString(said) || !strings.Contains(said, "not UTF-8 text") ||
					!strings.Contains(said, `"CSV UTF-8"`) || !strings.Contains(said, "nothing was changed") {
					t.Errorf("%s of a Windows-1252 file: exit %d, said %q", tc.what, code, said)
				}
				if tc.what == "import of a backup" {
					// The blank target stays blank: no file, no tables.
					if path, ok := strings.CutPrefix(tc.at, "sqlite:"); ok {
						if _, err := os.Stat(path); !os.IsNotExist(err) {
							t.Errorf("the refused backup left %s behind (%v)", path, err)
						}
					} else if db, err := store.Open(context.Background(), tc.at, store.Options{}); err != nil {
						t.Error(err)
					} else {
						if blank, err := db.Blank(context.Background()); err != nil || !blank {
							t.Errorf("the refused backup left tables behind (%v)", err)
						}
						db.Close()
					}
				} else if after := snapshot(t, tc.at); after != before {
					t.Errorf("%s changed the catalogue:\nbefore %s\nafter  %s", tc.what, before, after)
				}
			}
		})
	}
}
