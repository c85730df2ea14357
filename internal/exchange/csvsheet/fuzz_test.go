package csvsheet_test

import (
	"bytes"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/exchange/csvsheet"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// FuzzImport: a sheet comes from outside. Whatever its bytes, a dry run
// answers with problems that say where and what, or with counts; it never
// fails inside, and it changes nothing.
func FuzzImport(f *testing.F) {
	for _, s := range []string{
		"slug;balie;balie reason;website\npaspoort;NOT_APPLICABLE;Niet hier;PLANNED 1-9-2027\nnieuw;AVAILABLE;;\n",
		"slug,name,theme,audiences,owner,status\nnieuw,Nieuw,Test,RESIDENT|BUSINESS,afdeling-a1,PUBLISHED\n",
		"\uFEFFslug;version;uplUri\nafvalpas;1;http://x\n\"paspoort\";\"2\n",
		"slug;name\npaspoort;caf\xe9\n", "slug\x00;x\n", "slug;balie\npaspoort;PLANNED 31-12-9999\n", "",
	} {
		f.Add([]byte(s))
	}
	db := storetest.Open(f, "sqlite", storetest.WithStoreOptions(store.Options{Clock: clock.NewManual(now)}))
	catalogue(f, db.Client)
	before := events(f, db.Client)
	f.Fuzz(func(t *testing.T, sheet []byte) {
		res, err := csvsheet.Import(importer(), db.Client, bytes.NewReader(sheet), csvsheet.Options{DryRun: true})
		if err != nil {
			t.Fatalf("Import(%q) failed inside: %v", sheet, err)
		}
		if res.Applied {
			t.Fatalf("a dry run applied %q", sheet)
		}
		for _, p := range res.Problems {
			if p.Message == "" || p.Code == "" || p.Row < 0 || (p.Column == "") != (p.Cell == "") {
				t.Errorf("Import(%q): unclear problem %+v", sheet, p)
			}
		}
		if n := events(t, db.Client); n != before {
			t.Fatalf("a dry run of %q wrote %d change events", sheet, n-before)
		}
	})
}
