package measurecsv_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/exchange/measurecsv"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// FuzzImport: whatever the file, a dry run ends without an error inside,
// explains each problem with a code, a message and a cell when it names a
// column, and writes nothing.
func FuzzImport(f *testing.F) {
	f.Add([]byte(file))
	for _, s := range []string{
		"periode;kanaal;respondenten;ontevreden_algemeen\n2026-13;website;1;2\n",
		"period,channel,contacts,requests\n2026-Q5,balie,-1,x\n2026-K2,balie,10,\n",
		"periode;kanaal;contacten\n\"2026-01\";\"website\n", "\uFEFF", "period;period\n", "",
	} {
		f.Add([]byte(s))
	}
	db := storetest.Open(f, "sqlite")
	k := fixture.New(f, db.Client)
	k.Product(f, db.Client, "p1", k.ClusterA)
	count := func() int {
		return db.Client.ChangeEvent.Query().Where(changeevent.EntityIn(changeevent.EntitySURVEY_RESULT, changeevent.EntityCONTACT_VOLUME)).
			CountX(auth.Allow(context.Background()))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := measurecsv.Import(auth.System(context.Background(), "fuzz"), db.Client, bytes.NewReader(data), measurecsv.Options{DryRun: true})
		if err != nil {
			t.Fatalf("Import(%q) failed inside: %v", data, err)
		}
		if res.Applied {
			t.Fatalf("a dry run applied %q", data)
		}
		for _, p := range res.Problems {
			if p.Message == "" || p.Code == "" || p.Row < 0 || (p.Column == "") != (p.Cell == "") {
				t.Errorf("Import(%q): unclear problem %+v", data, p)
			}
		}
		if n := count(); n != 0 {
			t.Fatalf("a dry run of %q wrote %d change events", data, n)
		}
	})
}
