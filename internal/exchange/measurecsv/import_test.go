package measurecsv_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/contactvolume"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
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

// TestCorrectionWithoutAColumnKeepsItsFigures: a corrected export that lacks
// a column says nothing about it, so the stored figures of that column stay;
// an empty cell in a column the file has does say something.
func TestCorrectionWithoutAColumnKeepsItsFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := db.Client
		k := fixture.New(t, c)
		ctx := auth.System(context.Background(), "test-import")
		read := auth.Allow(context.Background())
		imp := func(name, f string, dryRun bool) *measurecsv.Result {
			t.Helper()
			res, err := measurecsv.Import(ctx, c, strings.NewReader(f), measurecsv.Options{DryRun: dryRun})
			if err != nil || len(res.Problems) > 0 {
				t.Fatalf("%s: %v, %v", name, err, res.Problems)
			}
			return res
		}
		events := func() []*ent.ChangeEvent {
			return c.ChangeEvent.Query().Where(changeevent.EntityIn(changeevent.EntitySURVEY_RESULT, changeevent.EntityCONTACT_VOLUME)).
				Order(ent.Asc(changeevent.FieldID)).AllX(read)
		}
		volume := func(ch *ent.Channel) *ent.ContactVolume {
			return c.ContactVolume.Query().Where(contactvolume.ChannelID(ch.ID), contactvolume.PeriodStart(catalog.Date(2026, 9, 1))).OnlyX(read)
		}
		// changes gives the new events' changed fields as old→new.
		changes := func(since int) []string {
			var out []string
			for _, e := range events()[since:] {
				for _, ch := range e.Changes {
					out = append(out, fmt.Sprintf("%s %s %s→%s", e.Entity, ch.Field, ch.Old, ch.New))
				}
			}
			return out
		}

		imp("first", "period,channel,respondents,dissatisfied_general,dissatisfied_clarity,dissatisfied_friendliness,"+
			"dissatisfied_timeliness,promoters,passives,detractors,contacts,requests\n"+
			"2026-09,balie,200,20,10,5,30,60,80,60,5000,1200\n"+
			"2026-09,website,,,,,,,,,9000,3000\n", false)
		before := len(events())

		// The contact-centre system's corrected export has no requests and
		// no NPS: it corrects the counter's contacts and nothing else.
		corrected := "periode;kanaal;respondenten;ontevreden_algemeen;ontevreden_duidelijkheid;" +
			"ontevreden_vriendelijkheid;ontevreden_tijdigheid;contacten\n" +
			"2026-09;balie;200;20;10;5;30;5100\n" +
			"2026-09;website;;;;;;9000\n" +
			"2026-10;website;;;;;;7000\n"
		if res := imp("dry run", corrected, true); res.Created != 1 || res.Changed != 1 || res.Unchanged != 2 {
			t.Errorf("dry run of the correction: %+v; want 1 created, 1 changed (the contacts), 2 unchanged", res)
		}
		if res := imp("correction", corrected, false); res.Created != 1 || res.Changed != 1 || res.Unchanged != 2 {
			t.Errorf("correction: %+v; want 1 created, 1 changed, 2 unchanged", res)
		}
		// The rows come in file order: the counter's correction, then October's new volume.
		if evs := events()[before:]; len(evs) != 2 || evs[1].Action != changeevent.ActionCREATE {
			t.Errorf("the correction logged %d events; want the change and one created volume", len(evs))
		} else if got := changes(before)[:len(evs[0].Changes)]; strings.Join(got, ",") != "CONTACT_VOLUME contacts 5000→5100" {
			t.Errorf("the correction logged %v; want only the contacts 5000→5100", got)
		}
		if v := volume(k.Balie); v.Contacts != 5100 || v.Requests == nil || *v.Requests != 1200 {
			t.Errorf("counter: %d contacts, requests %v; want 5100 and the 1200 kept", v.Contacts, ptr(v.Requests))
		}
		if v := volume(k.Website); v.Requests == nil || *v.Requests != 3000 {
			t.Errorf("website: requests %v; want the 3000 kept", ptr(v.Requests))
		}
		october := c.ContactVolume.Query().Where(contactvolume.PeriodStart(catalog.Date(2026, 10, 1))).OnlyX(read)
		if october.Requests != nil {
			t.Errorf("a new volume from a file without requests has requests %d", *october.Requests)
		}
		s := c.SurveyResult.Query().OnlyX(read)
		if s.NpsPromoters != 60 || s.NpsPassives != 80 || s.NpsDetractors != 60 {
			t.Errorf("NPS %d/%d/%d; want the 60/80/60 kept", s.NpsPromoters, s.NpsPassives, s.NpsDetractors)
		}
		if res := imp("again", corrected, false); res.Unchanged != 4 || res.Created+res.Changed != 0 {
			t.Errorf("the correction again: %+v; want 4 unchanged", res)
		}

		// An empty cell is a figure: no requests counted, no promoters. The
		// columns still absent (passives, detractors) stay as they are.
		before = len(events())
		empty := "period,channel,respondents,dissatisfied_general,dissatisfied_clarity,dissatisfied_friendliness," +
			"dissatisfied_timeliness,promoters,contacts,requests\n" +
			"2026-09,balie,200,20,10,5,30,,5100,\n"
		if res := imp("empty cells", empty, false); res.Changed != 2 || res.Unchanged != 0 {
			t.Errorf("empty cells: %+v; want the survey and the volume changed", res)
		}
		got := changes(before)
		want := []string{"SURVEY_RESULT nps_promoters 60→0", "CONTACT_VOLUME requests 1200→null"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("empty cells logged %v; want %v", got, want)
		}
		if v := volume(k.Balie); v.Contacts != 5100 || v.Requests != nil {
			t.Errorf("counter after an empty requests cell: %d contacts, requests %v; want 5100, none", v.Contacts, ptr(v.Requests))
		}
		s = c.SurveyResult.Query().OnlyX(read)
		if s.NpsPromoters != 0 || s.NpsPassives != 80 || s.NpsDetractors != 60 {
			t.Errorf("NPS %d/%d/%d; want 0/80/60", s.NpsPromoters, s.NpsPassives, s.NpsDetractors)
		}
	})
}

func ptr(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
