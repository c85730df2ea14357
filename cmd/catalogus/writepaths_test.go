package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// catalogueVersion reads the version ETags and the response cache key on;
// 0 for a database without a catalogue yet.
func catalogueVersion(t *testing.T, u string) int64 {
	t.Helper()
	if path, ok := strings.CutPrefix(u, "sqlite:"); ok {
		if _, err := os.Stat(path); err != nil {
			return 0
		}
	}
	db, err := store.Open(context.Background(), u, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.CheckSchema(context.Background()) != nil {
		return 0
	}
	v, err := db.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEveryWritePathMovesTheVersion runs every command that changes the
// catalogue, each changing something, and checks that each moves the
// catalogue's version, so that no server keeps answering anonymous callers
// (or 304 to their If-None-Match) from before the change. `upl import` did
// not. The API's mutations are held to it in internal/server (TestETags,
// TestUPLImportRenewsTheETag), and every table in internal/store
// (TestEveryTableMovesTheVersion).
func TestEveryWritePathMovesTheVersion(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel() // the two databases share nothing
			u := storetest.URL(t, d)
			dir := t.TempDir()
			file := func(name, content string) string {
				f := filepath.Join(dir, name)
				if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				return f
			}
			moves := func(what string, at string, args ...string) {
				t.Helper()
				v0 := catalogueVersion(t, at)
				code, out, stderr := runCLI(t, withDatabase(args, at)...)
				if code != 0 {
					t.Fatalf("%s: exit %d\n%s\n%s", what, code, out, stderr)
				}
				if v := catalogueVersion(t, at); v <= v0 {
					t.Errorf("%s left the catalogue's version at %d", what, v)
				}
			}
			moves("seed", u, "seed")
			uplList := "UniformeProductnaam,URI,Rijk,Provincie,Waterschap,Gemeente,Burger,Bedrijf,Dienstenwet,SDG,Autonomie,Medebewind,Aanvraag,Subsidie,Melding,Verplichting,DigiDMacht\n" +
				"nieuwe naam,http://standaarden.overheid.nl/owms/terms/nieuwe-naam,,,,X,X,,,,,,,,,,\n"
			moves("upl import", u, "upl", "import", file("upl.csv", uplList))
			moves("import of a sheet", u, "import", file("sheet.csv", "slug;website\npaspoort-aanvragen;PLANNED 1-9-2099\n"))
			moves("measurements import", u, "measurements", "import", file("volumes.csv", "period;channel;contacts\n2026-10;website;123457\n"))

			// A colleague's change, pseudonymised by the retention period.
			db, err := store.Open(context.Background(), u, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
				ctx = changelog.WithActor(ctx, changelog.Actor{Name: "jan.jansen@rotterdam.nl"})
				p, err := tx.Product.Query().Where(product.Slug("paspoort-aanvragen")).Only(ctx)
				if err != nil {
					return err
				}
				return tx.Product.UpdateOne(p).SetName("Paspoort aanvragen of verlengen").Exec(ctx)
			})
			db.Close()
			moves("retention apply", u, "retention", "apply", "--older-than", "1ns")

			backup := filepath.Join(dir, "backup.json")
			if code, _, stderr := runCLI(t, "export", "--database", u, "--output", backup); code != 0 {
				t.Fatal(stderr)
			}
			moves("import of a backup", storetest.URL(t, d), "import", backup)
			moves("generate", storetest.URL(t, d), "generate", "--municipalities", "1")

			// Tokens are not part of any anonymous answer: they leave it.
			v0 := catalogueVersion(t, u)
			if code, _, stderr := runCLI(t, "token", "create", "--database", u, "--name", "website", "--role", "admin"); code != 0 {
				t.Fatal(stderr)
			}
			if v := catalogueVersion(t, u); v != v0 {
				t.Errorf("token create moved the version from %d to %d", v0, v)
			}
		})
	}
}
