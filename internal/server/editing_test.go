package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

type gqlError struct {
	Message    string
	Extensions map[string]any
}

type reply struct {
	Status int
	Data   map[string]json.RawMessage
	Errors []gqlError
}

func (r reply) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// call posts a GraphQL request with an optional token.
func call(t *testing.T, url, token, query string, vars map[string]any) reply {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := reply{Status: resp.StatusCode}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	return r
}

// editWorld is a small catalogue with tokens for its people.
type editWorld struct {
	url                              string
	db                               *store.DB
	k                                *fixture.Catalogue
	pA, pB, draftB                   *ent.Product
	editorA, editorB, adminMun, root string
	revoked                          string
}

func newEditWorld(t *testing.T, db *store.DB) *editWorld {
	t.Helper()
	w := &editWorld{db: db}
	w.k = fixture.New(t, db.Client)
	w.pA = w.k.Product(t, db.Client, "paspoort", w.k.DepartmentA1)
	w.pB = w.k.Product(t, db.Client, "grofvuil", w.k.ClusterB)
	fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
		var err error
		w.draftB, err = fixture.ProductCreate(tx, "geheim-concept", w.k.ClusterB).SetStatus(product.StatusDRAFT).Save(ctx)
		return err
	})
	tokens := auth.Tokens{Client: db.Client}
	ctx := context.Background()
	mk := func(name string, role auth.Role, org string) string {
		tok, err := tokens.Create(ctx, name, role, org)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	w.editorA = mk("editor-a", auth.Editor, "cluster-a")
	w.editorB = mk("editor-b", auth.Editor, "cluster-b")
	w.adminMun = mk("admin-gemeente", auth.Admin, "testgemeente")
	w.root = mk("admin-alles", auth.Admin, "")
	w.revoked = mk("oud", auth.Editor, "cluster-a")
	if err := tokens.Revoke(ctx, "oud"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	return w
}

// state is everything a refused write must leave alone.
func (w *editWorld) state(t *testing.T) string {
	t.Helper()
	ctx := fixture.Ctx()
	c := w.db.Client
	var b strings.Builder
	for _, p := range c.Product.Query().Order(ent.Asc(product.FieldID)).AllX(ctx) {
		fmt.Fprintf(&b, "%s v%d %s %s|", p.Slug, p.Version, p.Status, p.Name)
	}
	for _, a := range c.Availability.Query().AllX(ctx) {
		fmt.Fprintf(&b, "%d/%d %s|", a.ProductID, a.ChannelID, a.Status)
	}
	fmt.Fprintf(&b, "events %d channels %d orgs %d", c.ChangeEvent.Query().CountX(ctx), c.Channel.Query().CountX(ctx), c.Organization.Query().CountX(ctx))
	return b.String()
}

const setAvailability = `mutation($in: SetAvailabilityInput!) { setAvailability(input: $in) {
	slug version availabilities { status plannedDate reason channel { code } } } }`

func future(days int) string {
	return catalog.DateOf(time.Now()).AddDate(0, 0, days).Format(time.DateOnly)
}

func TestEditingIsAuthorisedValidatedAndChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newEditWorld(t, db)
		planned := func(slug string, version int) map[string]any {
			return map[string]any{"in": map[string]any{"product": slug, "channel": "website", "status": "PLANNED",
				"plannedDate": future(30), "expectedVersion": version}}
		}
		before := w.state(t)
		for _, tc := range []struct {
			name, token, query string
			vars               map[string]any
			code, field        string
			status             int
		}{
			{"anonymous", "", setAvailability, planned("paspoort", 1), "UNAUTHENTICATED", "", 200},
			{"wrong token", "cat_nietgoed", setAvailability, planned("paspoort", 1), "UNAUTHENTICATED", "", 401},
			{"revoked token", w.revoked, setAvailability, planned("paspoort", 1), "UNAUTHENTICATED", "", 401},
			{"other cluster's product", w.editorA, setAvailability, planned("grofvuil", 1), "FORBIDDEN", "", 200},
			{"other cluster's draft", w.editorA, setAvailability, planned("geheim-concept", 1), "NOT_FOUND", "product", 200},
			{"stale version", w.editorA, setAvailability, planned("paspoort", 0), "CONFLICT", "", 200},
			{"PLANNED without date", w.editorA, setAvailability, map[string]any{"in": map[string]any{
				"product": "paspoort", "channel": "website", "status": "PLANNED", "expectedVersion": 1}}, "BAD_USER_INPUT", "plannedDate", 200},
			{"planned in the past", w.editorA, setAvailability, map[string]any{"in": map[string]any{
				"product": "paspoort", "channel": "website", "status": "PLANNED", "plannedDate": "2020-01-01", "expectedVersion": 1}}, "BAD_USER_INPUT", "plannedDate", 200},
			{"NOT_APPLICABLE without reason", w.editorA, setAvailability, map[string]any{"in": map[string]any{
				"product": "paspoort", "channel": "balie", "status": "NOT_APPLICABLE", "expectedVersion": 1}}, "BAD_USER_INPUT", "reason", 200},
			{"bad URL", w.editorA, setAvailability, map[string]any{"in": map[string]any{
				"product": "paspoort", "channel": "website", "status": "AVAILABLE", "url": "rotterdam.nl", "expectedVersion": 1}}, "BAD_USER_INPUT", "url", 200},
			{"unknown channel", w.editorA, setAvailability, map[string]any{"in": map[string]any{
				"product": "paspoort", "channel": "fax", "status": "AVAILABLE", "expectedVersion": 1}}, "NOT_FOUND", "channel", 200},
			{"bad slug", w.editorA, `mutation { createProduct(input: {slug: "Nieuw Product", name: "N", audiences: [RESIDENT], theme: "T", owner: "cluster-a"}) { id } }`,
				nil, "BAD_USER_INPUT", "slug", 200},
			{"owner in another cluster", w.editorA, `mutation { createProduct(input: {slug: "nieuw", name: "N", audiences: [RESIDENT], theme: "T", owner: "cluster-b"}) { id } }`,
				nil, "FORBIDDEN", "", 200},
			{"one bad cell of several", w.editorA, `mutation { setAvailabilities(input: {product: "paspoort", expectedVersion: 1, cells: [
				{channel: "balie", status: AVAILABLE}, {channel: "website", status: UNAVAILABLE}]}) { version } }`,
				nil, "BAD_USER_INPUT", "reason", 200},
			{"a published product offered nowhere", w.editorA, `mutation { setAvailabilities(input: {product: "paspoort", expectedVersion: 1, cells: [
				{channel: "balie", status: NOT_APPLICABLE, reason: "x"}, {channel: "website", status: NOT_APPLICABLE, reason: "y"}]}) { version } }`,
				nil, "BAD_USER_INPUT", "status", 200},
			{"bulk with one foreign product", w.editorA, `mutation { setChannelForProducts(input: {products: [{product: "paspoort", expectedVersion: 1}, {product: "grofvuil", expectedVersion: 1}],
				cell: {channel: "website", status: AVAILABLE}}) { slug } }`, nil, "FORBIDDEN", "", 200},
			{"editor creates a channel", w.editorA, `mutation { createChannel(input: {code: "fax", name: "Fax", nameEn: "Fax"}) { id } }`, nil, "FORBIDDEN", "", 200},
			{"municipal admin creates a channel", w.adminMun, `mutation { createChannel(input: {code: "fax", name: "Fax", nameEn: "Fax"}) { id } }`, nil, "FORBIDDEN", "", 200},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := call(t, w.url, tc.token, tc.query, tc.vars)
				if r.code() != tc.code || r.Status != tc.status {
					t.Fatalf("status %d, errors %+v; want %d %s", r.Status, r.Errors, tc.status, tc.code)
				}
				if tc.field != "" && r.Errors[0].Extensions["field"] != tc.field {
					t.Errorf("field %v, want %s (%s)", r.Errors[0].Extensions["field"], tc.field, r.Errors[0].Message)
				}
				if r.Errors[0].Message == "" || strings.Contains(r.Errors[0].Message, "SQL") || strings.Contains(r.Errors[0].Message, "ent:") {
					t.Errorf("message %q", r.Errors[0].Message)
				}
				if got := w.state(t); got != before {
					t.Errorf("the database changed:\n%s\n%s", before, got)
				}
			})
		}

		// The editor's own product: it works, and the change log says who.
		r := call(t, w.url, w.editorA, setAvailability, planned("paspoort", 1))
		if len(r.Errors) > 0 {
			t.Fatalf("setAvailability: %+v", r.Errors)
		}
		var p struct {
			Version        int
			Availabilities []struct {
				Status      string
				PlannedDate string
				Channel     struct{ Code string }
			}
		}
		json.Unmarshal(r.Data["setAvailability"], &p)
		if p.Version != 2 || len(p.Availabilities) != 1 || p.Availabilities[0].Status != "PLANNED" || p.Availabilities[0].PlannedDate != future(30) {
			t.Errorf("after setAvailability: %+v", p)
		}
		ev := db.Client.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntityAVAILABILITY)).OnlyX(fixture.Ctx())
		if ev.Actor != "token:editor-a" || ev.ActorOrganizationID == nil || *ev.ActorOrganizationID != w.k.ClusterA.ID {
			t.Errorf("change event by %s for %v", ev.Actor, ev.ActorOrganizationID)
		}
		// The same again changes nothing and records nothing; a review does.
		n := db.Client.ChangeEvent.Query().CountX(fixture.Ctx())
		if r := call(t, w.url, w.editorA, setAvailability, planned("paspoort", 2)); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		if got := db.Client.ChangeEvent.Query().CountX(fixture.Ctx()); got != n {
			t.Errorf("a no-op setAvailability recorded %d events", got-n)
		}
	})
}

func TestEditingLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newEditWorld(t, db)
		ok := func(token, q string, vars map[string]any) reply {
			t.Helper()
			r := call(t, w.url, token, q, vars)
			if len(r.Errors) > 0 {
				t.Fatalf("%s: %+v", q, r.Errors)
			}
			return r
		}
		visible := func(token, slug string) bool {
			r := call(t, w.url, token, `query($s: String!) { product(slug: $s) { id } }`, map[string]any{"s": slug})
			return string(r.Data["product"]) != "null"
		}
		// A new product starts as a draft: its owner sees it, the public does not.
		ok(w.editorA, `mutation { createProduct(input: {slug: "nieuw", name: "Nieuw product", summary: "Kort.", audiences: [RESIDENT, BUSINESS], theme: "Test", owner: "afdeling-a1"}) { id status version } }`, nil)
		if !visible(w.editorA, "nieuw") || visible("", "nieuw") || visible(w.editorB, "nieuw") {
			t.Error("a draft should be visible to its owner only")
		}
		ok(w.editorA, `mutation { updateProduct(input: {product: "nieuw", expectedVersion: 1, name: "Nieuw product aanvragen"}) { version } }`, nil)
		ok(w.editorA, `mutation { setAvailabilities(input: {product: "nieuw", expectedVersion: 2, cells: [
			{channel: "website", status: AVAILABLE, url: "https://www.example.nl/nieuw", identification: DIGID, languages: ["nl", "en"]},
			{channel: "balie", status: UNAVAILABLE, reason: "Alleen online."}]}) { version } }`, nil)
		r := ok(w.editorA, `mutation { publishProduct(input: {product: "nieuw", expectedVersion: 3, force: true}) { status version } }`, nil)
		if !strings.Contains(string(r.Data["publishProduct"]), `"PUBLISHED"`) || !visible("", "nieuw") {
			t.Errorf("after publishing: %s", r.Data["publishProduct"])
		}
		ok(w.editorA, `mutation { clearAvailability(input: {product: "nieuw", expectedVersion: 4, channel: "balie"}) { version } }`, nil)
		r = ok(w.editorA, `mutation { setChannelForProducts(input: {products: [{product: "nieuw", expectedVersion: 5}, {product: "paspoort", expectedVersion: 1}],
			cell: {channel: "balie", status: PLANNED, plannedDate: "`+future(60)+`"}}) { slug version } }`, nil)
		if !strings.Contains(string(r.Data["setChannelForProducts"]), `"version":6`) {
			t.Errorf("setChannelForProducts: %s", r.Data["setChannelForProducts"])
		}
		ok(w.editorA, `mutation { retireProduct(input: {product: "nieuw", expectedVersion: 6}) { status } }`, nil)
		if visible("", "nieuw") || !visible(w.editorA, "nieuw") {
			t.Error("a retired product should be hidden from the public")
		}
		// The whole story is in the change log, by the editor.
		ctx := fixture.Ctx()
		nieuw := db.Client.Product.Query().Where(product.Slug("nieuw")).OnlyX(ctx)
		evs := db.Client.ChangeEvent.Query().Where(changeevent.ProductID(nieuw.ID)).AllX(ctx)
		if len(evs) != 8 {
			t.Errorf("%d events for the new product, want 8 (create, update, 2 cells, publish, clear, 1 cell, retire)", len(evs))
		}
		for _, e := range evs {
			if e.Actor != "token:editor-a" {
				t.Errorf("event by %s", e.Actor)
			}
		}

		// The same history over the API: with names for the owner, without for others.
		type changes struct {
			Changes struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Entity, Action string
						Actor          *string
						Organization   struct{ Code string }
						Channel        *struct{ Code string }
						Fields         []struct{ Field, Old, New string }
					}
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		history := func(token, slug string, first int, after any) (changes, []gqlError) {
			r := call(t, w.url, token, `query($p: String!, $n: Int, $a: Cursor) { changes(product: $p, first: $n, after: $a) { totalCount
				edges { node { entity action actor organization { code } channel { code } fields { field old new } } }
				pageInfo { hasNextPage endCursor } } }`, map[string]any{"p": slug, "n": first, "a": after})
			var c changes
			raw, _ := json.Marshal(r.Data)
			json.Unmarshal(raw, &c)
			return c, r.Errors
		}
		own, errs := history(w.editorA, "nieuw", 50, nil)
		if len(errs) > 0 || own.Changes.TotalCount != 8 || own.Changes.Edges[0].Node.Actor == nil ||
			*own.Changes.Edges[0].Node.Actor != "token:editor-a" || own.Changes.Edges[7].Node.Action != "CREATE" {
			t.Errorf("the owner's history of nieuw: %+v %v", own, errs)
		}
		if last := own.Changes.Edges[0].Node; last.Fields[0].Field != "status" || last.Fields[0].New != `"RETIRED"` {
			t.Errorf("newest change %+v, want the retirement", last)
		}
		if _, errs := history("", "nieuw", 50, nil); len(errs) == 0 || errs[0].Extensions["code"] != "NOT_FOUND" {
			t.Errorf("the public reads the history of a retired product: %v", errs)
		}
		public, errs := history("", "paspoort", 1, nil)
		if len(errs) > 0 || public.Changes.TotalCount != 2 || public.Changes.Edges[0].Node.Actor != nil ||
			public.Changes.Edges[0].Node.Organization.Code != "cluster-a" || public.Changes.Edges[0].Node.Channel.Code != "balie" {
			t.Errorf("the public history of paspoort: %+v %v", public, errs)
		}
		next, errs := history("", "paspoort", 1, public.Changes.PageInfo.EndCursor)
		if len(errs) > 0 || len(next.Changes.Edges) != 1 || next.Changes.Edges[0].Node.Action != "CREATE" || next.Changes.PageInfo.HasNextPage {
			t.Errorf("the second page: %+v %v", next, errs)
		}

		// Admins: the municipality's admin adds a unit; only the admin of
		// everything adds a channel.
		ok(w.adminMun, `mutation($p: ID!) { createOrganization(input: {code: "afdeling-b1", name: "Afdeling B1", kind: DEPARTMENT, parentID: $p}) { code } }`,
			map[string]any{"p": w.k.ClusterB.ID})
		ok(w.root, `mutation { createChannel(input: {code: "fax", name: "Fax", nameEn: "Fax", active: false}) { code } }`, nil)
		r = call(t, w.url, "", `{ channels { code } }`, nil)
		if strings.Contains(string(r.Data["channels"]), "fax") {
			t.Error("an inactive channel is listed for the public")
		}
	})
}

func TestDraftsStayHiddenOnEveryPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newEditWorld(t, db)
		id := fmt.Sprint(w.draftB.ID)
		for _, q := range []string{
			`{ node(id: "` + id + `") { id } }`,
			`{ nodes(ids: ["` + id + `"]) { id } }`,
			`{ product(slug: "geheim-concept") { id } }`,
			`{ products(where: {slug: "geheim-concept"}) { totalCount edges { node { id } } } }`,
		} {
			for name, token := range map[string]string{"anonymous": "", "editor of another cluster": w.editorA} {
				r := call(t, w.url, token, q, nil)
				raw, _ := json.Marshal(r.Data)
				if strings.Contains(string(raw), id) || strings.Contains(string(raw), `"totalCount":1`) {
					t.Errorf("%s sees the draft through %s: %s", name, q, raw)
				}
			}
			r := call(t, w.url, w.editorB, q, nil)
			if raw, _ := json.Marshal(r.Data); !strings.Contains(string(raw), id) {
				t.Errorf("the owner does not see its draft through %s: %s %+v", q, raw, r.Errors)
			}
		}
		r := call(t, w.url, "", `{ products { totalCount } }`, nil)
		if !strings.Contains(string(r.Data["products"]), `"totalCount":2`) {
			t.Errorf("public count %s, want the 2 published products", r.Data["products"])
		}
	})
}
