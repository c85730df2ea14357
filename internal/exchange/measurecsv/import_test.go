package measurecsv_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/exchange/measurecsv"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// file is a survey tool's export in Dutch with ; and a byte order mark: a
// monthly survey of the website, a quarter's volume of the counter for one
// product, and a row for one unit with both.
const file = "\uFEFFperiode;kanaal;product;organisatie;respondenten;ontevreden_algemeen;ontevreden_duidelijkheid;" +
	"ontevreden_vriendelijkheid;ontevreden_tijdigheid;promotors;passief;criticasters;contacten;aanvragen\n" +
	"2026-10;website;;;400;50;40;10;80;150;150;100;25000;6000\n" +
	"2026-Q3;balie;p1;;;;;;;;;;1200;\n" +
	"2026-K3;balie;;afdeling-a1;30;3;3;0;5;;;;800;200\n"

func TestImportChecksEveryRowThenRecordsAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := db.Client
		k := fixture.New(t, c)
		k.Product(t, c, "p1", k.ClusterA)
		ctx := auth.System(context.Background(), "test-import")
		events := func() int {
			return c.ChangeEvent.Query().Where(changeevent.EntityIn(changeevent.EntitySURVEY_RESULT, changeevent.EntityCONTACT_VOLUME)).
				CountX(auth.Allow(context.Background()))
		}

		bad := file + "2026-13;fax;p9;x;10;20;1;1;;;;;;\n" + "2026-10;website;;;1;0;0;0;0;;;;;\n"
		res, err := measurecsv.Import(ctx, c, strings.NewReader(bad), measurecsv.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range res.Problems {
			got = append(got, p.Cell+" "+p.Code)
			if p.Column == "" {
				got[len(got)-1] = p.Code
			}
		}
		want := []string{"A5 format", "B5 unknown", "C5 unknown", "D5 unknown", "F5 range", "I5 required", "duplicate"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("problems %v; want %v (%v)", got, want, res.Problems)
		}
		if res.Applied || events() != 0 {
			t.Fatalf("a file with problems changed something: applied %v, %d events", res.Applied, events())
		}

		res, err = measurecsv.Import(ctx, c, strings.NewReader(file), measurecsv.Options{DryRun: true})
		if err != nil || len(res.Problems) > 0 || res.Applied || res.Created != 5 || events() != 0 {
			t.Fatalf("dry run: %+v, %v, %d events; want 5 to create, none written", res, err, events())
		}
		res, err = measurecsv.Import(ctx, c, strings.NewReader(file), measurecsv.Options{})
		if err != nil || !res.Applied || res.Rows != 3 || res.Created != 5 || events() != 5 {
			t.Fatalf("import: %+v, %v, %d events; want 3 rows, 5 measurements and events", res, err, events())
		}
		ev := c.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntityCONTACT_VOLUME)).FirstX(auth.Allow(context.Background()))
		if ev.Actor != "system:test-import" || ev.MunicipalityID == nil || *ev.MunicipalityID != k.Municipality.ID || ev.ProductID != nil {
			t.Errorf("event by %q for municipality %v, product %v", ev.Actor, ev.MunicipalityID, ev.ProductID)
		}
		// The same file again changes nothing; a corrected figure changes one.
		res, _ = measurecsv.Import(ctx, c, strings.NewReader(file), measurecsv.Options{})
		if res.Unchanged != 5 || res.Created+res.Changed != 0 || events() != 5 {
			t.Errorf("re-import: %+v, %d events", res, events())
		}
		corrected := strings.Replace(file, ";25000;", ";25100;", 1)
		res, _ = measurecsv.Import(ctx, c, strings.NewReader(corrected), measurecsv.Options{})
		if res.Changed != 1 || res.Unchanged != 4 || events() != 6 {
			t.Errorf("correction: %+v, %d events", res, events())
		}

		// An editor records nothing: measurements are for the municipality's admins.
		editor := auth.NewContext(context.Background(), &auth.Viewer{Name: "editor-a", Role: auth.Editor,
			OrganizationID: &k.ClusterA.ID, Scope: []int{k.ClusterA.ID, k.DepartmentA1.ID}})
		if _, err := measurecsv.Import(editor, c, strings.NewReader(strings.Replace(file, ";25000;", ";1;", 1)), measurecsv.Options{}); err == nil {
			t.Error("an editor recorded measurements")
		}
		if events() != 6 {
			t.Errorf("the editor's attempt left %d events", events())
		}
	})
}
