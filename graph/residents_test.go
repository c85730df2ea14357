package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// editorOf is an editor of cluster A (and afdeling A1 below it).
func editorOf(k *fixture.Catalogue) context.Context {
	return auth.NewContext(context.Background(), &auth.Viewer{Name: "editor-a", Role: auth.Editor,
		OrganizationID: &k.ClusterA.ID, Scope: []int{k.ClusterA.ID, k.DepartmentA1.ID}})
}

func day(offset int) string { return time.Now().AddDate(0, 0, offset).Format(time.DateOnly) }

// TestResidentTestsThroughTheAPI: an owner records, changes and deletes a
// test; every change is in the change log; bad input is refused naming the
// field and changes nothing; another cluster's editor cannot touch it; the
// public sees the tests of a published product.
func TestResidentTestsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		k.Product(t, db.Client, "paspoort", k.DepartmentA1)
		r := graph.NewResolver(db, "testgemeente")
		editor := editorOf(k)
		var created struct {
			CreateResidentTest struct {
				ID        string
				TestedOn  string
				Method    string
				Groups    []string
				FollowUps []struct{ Action, Owner, Due string }
				Channel   struct{ Code string }
			}
		}
		if errs := runAs(t, editor, r, `mutation($on: Date!, $due: Date!) { createResidentTest(input: {product: "paspoort", channel: "website",
			testedOn: $on, method: USABILITY_TEST, participants: 6, groups: [YOUNG_PEOPLE, LANGUAGE_DIFFICULTY],
			findings: "De knop was niet te vinden.", followUps: [{action: "Knop bovenaan zetten", owner: "Team web", due: $due}]}) {
			id testedOn method groups followUps { action owner due } channel { code } } }`,
			map[string]any{"on": day(-3), "due": day(30)}, &created); len(errs) > 0 {
			t.Fatal(errs)
		}
		c := created.CreateResidentTest
		if c.TestedOn != day(-3) || c.Method != "USABILITY_TEST" || strings.Join(c.Groups, ",") != "YOUNG_PEOPLE,LANGUAGE_DIFFICULTY" ||
			len(c.FollowUps) != 1 || c.FollowUps[0].Due != day(30) || c.Channel.Code != "website" {
			t.Errorf("created: %+v", c)
		}

		for _, bad := range []struct{ input, field string }{
			{`testedOn: "` + day(1) + `", method: SURVEY, participants: 10`, "testedOn"},
			{`testedOn: "` + day(-1) + `", method: SURVEY, participants: 0`, "participants"},
			{`testedOn: "` + day(-1) + `", method: SURVEY, participants: 10, channel: "fax"`, "channel"},
			{`testedOn: "` + day(-1) + `", method: SURVEY, participants: 10, groups: [YOUNG_PEOPLE, YOUNG_PEOPLE]`, "groups"},
			{`testedOn: "` + day(-1) + `", method: SURVEY, participants: 10, followUps: [{action: "Iets", owner: " ", due: "` + day(9) + `"}]`, "followUps[0].owner"},
		} {
			errs := runAs(t, editor, r, `mutation { createResidentTest(input: {product: "paspoort", `+bad.input+`}) { id } }`, nil, nil)
			if len(errs) != 1 || errs[0].Extensions["field"] != bad.field {
				t.Errorf("%s: %+v, want one error naming %s", bad.input, errs, bad.field)
			}
		}

		other := auth.NewContext(context.Background(), &auth.Viewer{Name: "editor-b", Role: auth.Editor,
			OrganizationID: &k.ClusterB.ID, Scope: []int{k.ClusterB.ID}})
		if errs := runAs(t, other, r, `mutation { updateResidentTest(id: `+c.ID+`, input: {participants: 60}) { id } }`, nil, nil); len(errs) != 1 ||
			errs[0].Extensions["code"] != "FORBIDDEN" {
			t.Errorf("another cluster's editor changing the test: %+v", errs)
		}
		if errs := runAs(t, editor, r, `mutation { updateResidentTest(id: `+c.ID+`, input: {participants: 7, channel: ""}) { participants } }`, nil, nil); len(errs) > 0 {
			t.Fatal(errs)
		}

		var read struct {
			Product struct {
				ResidentTests []struct {
					Participants int
					Channel      *struct{ Code string }
				}
			}
		}
		if errs := runAs(t, context.Background(), r, `{ product(slug: "paspoort") { residentTests { participants channel { code } } } }`, nil, &read); len(errs) > 0 {
			t.Fatal(errs)
		}
		if got := read.Product.ResidentTests; len(got) != 1 || got[0].Participants != 7 || got[0].Channel != nil {
			t.Errorf("the public reads %+v, want the one test of 7 participants, of the product as a whole", got)
		}

		if errs := runAs(t, editor, r, `mutation { deleteResidentTest(id: `+c.ID+`) { id participants } }`, nil, nil); len(errs) > 0 {
			t.Fatal(errs)
		}
		events, err := db.Client.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntityRESIDENT_TEST)).
			Order(ent.Asc(changeevent.FieldID)).All(auth.Allow(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action.String()+" by "+e.Actor)
		}
		if got := strings.Join(actions, ", "); got != "CREATE by editor-a, UPDATE by editor-a, DELETE by editor-a" {
			t.Errorf("the change log holds: %s", got)
		}
	})
}

// TestPublishingANotReadyProduct: publishing a draft that is not ready is
// refused with what is missing and changes nothing; with force it is
// published and the change log records what was missing; published ready,
// the record is cleared.
func TestPublishingANotReadyProduct(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		var p *ent.Product
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) (err error) {
			p, err = fixture.ProductCreate(tx, "concept", k.DepartmentA1).SetStatus(product.StatusDRAFT).Save(ctx)
			return err
		})
		r := graph.NewResolver(db, "testgemeente")
		editor := editorOf(k)
		publish := func(force string) ([]gqlError, []string) {
			t.Helper()
			cur, err := db.Client.Product.Get(auth.Allow(context.Background()), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out struct {
				PublishProduct struct {
					Status            string
					PublishedNotReady []string
				}
			}
			errs := runAs(t, editor, r, fmt.Sprintf(`mutation { publishProduct(input: {product: "concept", expectedVersion: %d%s}) { status publishedNotReady } }`,
				cur.Version, force), nil, &out)
			return errs, out.PublishProduct.PublishedNotReady
		}
		errs, _ := publish("")
		if len(errs) != 1 || errs[0].Extensions["field"] != "force" || errs[0].Extensions["reason"] != "not_ready" ||
			!strings.Contains(errs[0].Message, "nog niet getest") || !strings.Contains(errs[0].Message, "force: true") {
			t.Fatalf("publishing a product that is not ready: %+v", errs)
		}
		if missing, ok := errs[0].Extensions["missing"].([]string); !ok || len(missing) != 4 {
			t.Errorf("extensions.missing: %#v, want the 4 open items", errs[0].Extensions["missing"])
		}
		if got, _ := db.Client.Product.Get(auth.Allow(context.Background()), p.ID); got.Status != product.StatusDRAFT {
			t.Errorf("refused, the product became %s", got.Status)
		}

		errs, recorded := publish(", force: true")
		if len(errs) > 0 || len(recorded) != 4 {
			t.Fatalf("forced: %+v, recorded %q", errs, recorded)
		}
		ev, err := db.Client.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntityPRODUCT), changeevent.EntityID(p.ID)).
			Order(ent.Desc(changeevent.FieldID)).First(auth.Allow(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]json.RawMessage{}
		for _, c := range ev.Changes {
			fields[c.Field] = c.New
		}
		if string(fields["status"]) != `"PUBLISHED"` || !strings.Contains(string(fields["published_not_ready"]), "met bewoners") || ev.Actor != "editor-a" {
			t.Errorf("the forced publication's event: %+v", ev.Changes)
		}

		// Made ready, retired and published again: no force needed, and the
		// record of the forced publication goes.
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			upl, err := tx.UPLEntry.Create().SetURI("http://standaarden.overheid.nl/owms/terms/concept").SetName("concept").Save(ctx)
			if err != nil {
				return err
			}
			if err := tx.Product.UpdateOneID(p.ID).SetUplEntry(upl).SetStatus(product.StatusRETIRED).Exec(ctx); err != nil {
				return err
			}
			for _, ch := range []*ent.Channel{k.Website, k.Balie} {
				if err := tx.Availability.Create().SetProductID(p.ID).SetChannel(ch).SetStatus(availability.StatusAVAILABLE).Exec(ctx); err != nil {
					return err
				}
			}
			if err := tx.Answer.Create().SetOwnerID(k.DepartmentA1.ID).SetQuestion("Hoe?").SetText("Zo.").AddProductIDs(p.ID).
				SetStatus("PUBLISHED").Exec(ctx); err != nil {
				return err
			}
			return tx.ResidentTest.Create().SetProductID(p.ID).SetTestedOn(time.Now()).SetMethod("SURVEY").SetParticipants(30).Exec(ctx)
		})
		if errs, recorded := publish(""); len(errs) > 0 || len(recorded) != 0 {
			t.Errorf("publishing a ready product: %+v, recorded %q", errs, recorded)
		}
	})
}

// TestReviewedNoCells: a NOT_APPLICABLE cell last reviewed more than the
// review interval ago is an open item; marking it reviewed closes it.
func TestReviewedNoCells(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.DepartmentA1)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Availability.Create().SetProductID(p.ID).SetChannel(k.Balie).SetStatus(availability.StatusNOT_APPLICABLE).
				SetReason("Alleen online.").SetLastReviewed(time.Now().AddDate(-1, -1, 0)).Exec(ctx)
		})
		r := graph.NewResolver(db, "testgemeente")
		missing := func() string {
			var out struct {
				Product struct{ Readiness struct{ Missing []string } }
			}
			if errs := runAs(t, context.Background(), r, `{ product(slug: "paspoort") { readiness { missing } } }`, nil, &out); len(errs) > 0 {
				t.Fatal(errs)
			}
			return strings.Join(out.Product.Readiness.Missing, "\n")
		}
		if m := missing(); !strings.Contains(m, "Kijk of de reden nog klopt waarom het niet kan via: Balie.") {
			t.Errorf("a no reviewed 13 months ago: %s", m)
		}
		r.ReadinessSettings.ReviewMonths = 24
		if m := missing(); strings.Contains(m, "nog klopt") {
			t.Errorf("with a review interval of 24 months: %s", m)
		}
		r.ReadinessSettings.ReviewMonths = 0
		cur, _ := db.Client.Product.Get(auth.Allow(context.Background()), p.ID)
		if errs := runAs(t, editorOf(k), r, fmt.Sprintf(`mutation { setAvailability(input: {product: "paspoort", expectedVersion: %d,
			channel: "balie", status: NOT_APPLICABLE, reason: "Alleen online.", reviewed: true}) { id } }`, cur.Version), nil, nil); len(errs) > 0 {
			t.Fatal(errs)
		}
		if m := missing(); strings.Contains(m, "nog klopt") {
			t.Errorf("after the review: %s", m)
		}
	})
}

// TestProductsDueAndReadinessByCluster: the products due for a test, by
// the months asked, and the share of ready published products per cluster.
func TestProductsDueAndReadinessByCluster(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		recent := k.Product(t, db.Client, "recent", k.DepartmentA1)
		old := k.Product(t, db.Client, "oud", k.DepartmentA1)
		k.Product(t, db.Client, "nooit", k.ClusterB)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			if err := tx.ResidentTest.Create().SetProductID(recent.ID).SetTestedOn(time.Now().AddDate(0, -2, 0)).SetMethod("SURVEY").SetParticipants(30).Exec(ctx); err != nil {
				return err
			}
			return tx.ResidentTest.Create().SetProductID(old.ID).SetTestedOn(time.Now().AddDate(0, -14, 0)).SetMethod("INTERVIEW").SetParticipants(4).Exec(ctx)
		})
		r := graph.NewResolver(db, "testgemeente")
		due := func(args string) string {
			var out struct {
				ProductsDueForResidentTest []struct {
					Product    struct{ Slug string }
					LastTested *string
				}
			}
			if errs := runAs(t, context.Background(), r, `{ productsDueForResidentTest`+args+` { product { slug } lastTested } }`, nil, &out); len(errs) > 0 {
				t.Fatal(errs)
			}
			var slugs []string
			for _, d := range out.ProductsDueForResidentTest {
				slugs = append(slugs, d.Product.Slug)
			}
			return strings.Join(slugs, " ")
		}
		for args, want := range map[string]string{
			"":                                 "nooit oud",
			"(months: 1)":                      "nooit oud recent",
			"(months: 24)":                     "nooit",
			`(owner: "cluster-a")`:             "oud",
			`(owner: "cluster-a", months: 24)`: "",
			"(first: 1)":                       "nooit",
		} {
			if got := due(args); got != want {
				t.Errorf("productsDueForResidentTest%s: %q, want %q", args, got, want)
			}
		}
		if errs := runAs(t, context.Background(), r, `{ productsDueForResidentTest(months: 0) { lastTested } }`, nil, nil); len(errs) != 1 ||
			errs[0].Extensions["field"] != "months" {
			t.Errorf("months: 0 gives %+v", errs)
		}

		// Make "recent" ready: cells, an answer and a UPL name.
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			upl, err := tx.UPLEntry.Create().SetURI("http://standaarden.overheid.nl/owms/terms/recent").SetName("recent").Save(ctx)
			if err != nil {
				return err
			}
			if err := tx.Product.UpdateOneID(recent.ID).SetUplEntry(upl).Exec(ctx); err != nil {
				return err
			}
			for _, ch := range []*ent.Channel{k.Website, k.Balie} {
				if err := tx.Availability.Create().SetProductID(recent.ID).SetChannel(ch).SetStatus(availability.StatusAVAILABLE).Exec(ctx); err != nil {
					return err
				}
			}
			return tx.Answer.Create().SetOwnerID(k.DepartmentA1.ID).SetQuestion("Hoe?").SetText("Zo.").AddProductIDs(recent.ID).
				SetStatus("PUBLISHED").SetVisibility("INTERNAL").Exec(ctx)
		})
		var out struct {
			ReadinessByCluster []struct {
				Organization     struct{ Code string }
				Published, Ready int
				Share            float64
			}
		}
		if errs := runAs(t, context.Background(), r, `{ readinessByCluster { organization { code } published ready share } }`, nil, &out); len(errs) > 0 {
			t.Fatal(errs)
		}
		got := fmt.Sprintf("%+v", out.ReadinessByCluster)
		if want := "[{Organization:{Code:cluster-a} Published:2 Ready:1 Share:0.5} {Organization:{Code:cluster-b} Published:1 Ready:0 Share:0}]"; got != want {
			t.Errorf("readinessByCluster:\n got %s\nwant %s", got, want)
		}
	})
}
