package knowledge_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/knowledge"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// now is the tests' moment: 10:00 in Amsterdam on 2026-11-20.
var now = time.Date(2026, time.November, 20, 9, 0, 0, 0, time.UTC)

// world is the small catalogue the tests share: products of department A1
// and cluster B, the channels telefoon, chat and webcare beside the fixture's.
type world struct {
	db                 *store.DB
	k                  *fixture.Catalogue
	svc                *knowledge.Service
	clk                *clock.Manual
	paspoort, grofvuil *ent.Product
	telefoon, chat     *ent.Channel
}

func each(t *testing.T, fn func(t *testing.T, w *world)) {
	clk := clock.NewManual(now)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk.Set(now)
		w := &world{db: db, clk: clk, k: fixture.New(t, db.Client)}
		w.svc = &knowledge.Service{Client: db.Client, Dialect: db.Target.Dialect, Municipality: "testgemeente"}
		w.paspoort = w.k.Product(t, db.Client, "paspoort-aanvragen", w.k.DepartmentA1)
		w.grofvuil = w.k.Product(t, db.Client, "grofvuil-laten-ophalen", w.k.ClusterB)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			var err error
			if w.telefoon, err = tx.Channel.Create().SetCode("telefoon").SetName("Telefoon (14 010)").SetNameEn("Phone").SetAssisted(true).SetSortOrder(2).Save(ctx); err != nil {
				return err
			}
			if w.chat, err = tx.Channel.Create().SetCode("chat").SetName("Chat").SetNameEn("Chat").SetDigital(true).SetSortOrder(3).Save(ctx); err != nil {
				return err
			}
			_, err = tx.Channel.Create().SetCode("webcare").SetName("Webcare").SetNameEn("Webcare").SetDigital(true).SetSortOrder(4).Save(ctx)
			return err
		})
		fn(t, w)
	}, storetest.WithStoreOptions(store.Options{Clock: clk}))
}

// viewer returns a context for a viewer acting for org (and the units below it).
func (w *world) viewer(t *testing.T, name string, role auth.Role, org *ent.Organization) context.Context {
	t.Helper()
	scope := []int{org.ID}
	for _, o := range []*ent.Organization{w.k.ClusterA, w.k.DepartmentA1, w.k.ClusterB} {
		if p := o.ParentID; p != nil && *p == org.ID && o.ID != org.ID {
			scope = append(scope, o.ID)
		}
	}
	if org.ID == w.k.Municipality.ID {
		scope = []int{w.k.Municipality.ID, w.k.ClusterA.ID, w.k.DepartmentA1.ID, w.k.ClusterB.ID}
	}
	return auth.NewContext(context.Background(), &auth.Viewer{Name: name, Role: role, OrganizationID: &org.ID, Scope: scope})
}

func ptr[T any](v T) *T { return &v }

const lostPassport = "Meld het verlies of de diefstal bij de gemeente. Daarna vraagt u een nieuw paspoort aan; " +
	"dat kost € 84,70 en is na 5 werkdagen klaar. Maak een afspraak via 14 010."

// TestSearchRelevance: a small hand-made base, and for each question the
// answer that must come first.
func TestSearchRelevance(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		editor := w.viewer(t, "editor-a", auth.Editor, w.k.ClusterA)
		editorB := w.viewer(t, "editor-b", auth.Editor, w.k.ClusterB)
		published := ptr(answer.StatusPUBLISHED)
		add := func(ctx context.Context, owner, product, question, text string, keywords ...string) *ent.Answer {
			t.Helper()
			a, err := w.svc.CreateAnswer(ctx, knowledge.CreateAnswer{Owner: owner, Products: []string{product},
				Question: question, Text: text, Keywords: keywords, Status: published})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		lost := add(editor, "afdeling-a1", "paspoort-aanvragen", "Ik ben mijn paspoort kwijt. Wat moet ik doen?", lostPassport,
			"kwijtgeraakt", "verloren", "gestolen", "vermissing")
		cost := add(editor, "afdeling-a1", "paspoort-aanvragen", "Wat kost een paspoort?",
			"Een paspoort voor volwassenen kost € 84,70. U betaalt bij de aanvraag in de stadswinkel.", "prijs", "tarief")
		duration := add(editor, "afdeling-a1", "paspoort-aanvragen", "Hoe lang duurt het voor mijn paspoort klaar is?",
			"Uw paspoort is na 5 werkdagen klaar. U haalt het op in dezelfde stadswinkel.", "levertijd", "ophalen")
		bulky := add(editorB, "cluster-b", "grofvuil-laten-ophalen", "Hoe laat ik grofvuil ophalen?",
			"Maak online een afspraak. Zet het grofvuil de avond ervoor buiten, niet voor 21.00 uur.", "bank", "kast", "matras")
		appointment := add(editor, "afdeling-a1", "paspoort-aanvragen", "Moet ik een afspraak maken voor een nieuw paspoort?",
			"Ja. Zonder plan kunt u niet terecht; kies een dag en tijd die u past.")
		lostCard := add(editorB, "cluster-b", "grofvuil-laten-ophalen", "Mijn afvalpas is kwijt, hoe krijg ik een nieuwe?",
			"Vraag een nieuwe afvalpas aan op de website. Uw oude pas werkt dan niet meer.", "verloren")

		for _, tc := range []struct {
			search string
			first  *ent.Answer
			hits   int // at least this many answers match (any word counts)
		}{
			{"kwijtgeraakt paspoort", lost, 1},
			{"paspoort kwijt", lost, 1},
			{"Paspoort verloren", lost, 1},
			{"gestolen", lost, 1},
			{"wat kost een paspoort", cost, 0},
			{"prijs paspoort", cost, 1},
			{"paspoort ophalen", duration, 0},
			{"hoe lang duurt paspoort", duration, 0},
			{"matras", bulky, 1},
			{"grofvuil", bulky, 1},
			{"afvalpas kwijt", lostCard, 1},
			// In the question of one answer, in the text of two others: the question wins.
			{"afspraak", appointment, 3},
			{"verloren", lost, 2}, // the question about the passport weighs like the card's; both keyword hits
		} {
			res, err := w.svc.Find(context.Background(), knowledge.Lookup{Search: &tc.search, First: 10})
			if err != nil {
				t.Fatalf("%q: %v", tc.search, err)
			}
			if len(res.Edges) == 0 {
				t.Errorf("%q: nothing found, want %q first", tc.search, tc.first.Question)
				continue
			}
			if res.TotalCount < tc.hits {
				t.Errorf("%q: %d hits, want at least %d", tc.search, res.TotalCount, tc.hits)
			}
			if tc.search == "verloren" {
				continue // the order of two equal keyword hits is not the point
			}
			if got := res.Edges[0].Node; got.ID != tc.first.ID {
				t.Errorf("%q: first is %q, want %q", tc.search, got.Question, tc.first.Question)
			}
		}
	})
}

// TestLookUpOnEveryChannel is the "done when": a colleague finds the
// answer for "kwijtgeraakt paspoort" on any channel, with every variant.
func TestLookUpOnEveryChannel(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		editor := w.viewer(t, "editor-a", auth.Editor, w.k.ClusterA)
		variants := []catalog.AnswerVariant{
			{Channel: "telefoon", Text: "Zeg: meld het verlies bij de gemeente en maak daarna een afspraak via 14 010. Het kost € 84,70."},
			{Channel: "chat", Text: "Vervelend! Meld het verlies bij ons en vraag een nieuw paspoort aan (€ 84,70, 5 werkdagen)."},
			{Channel: "webcare", Text: "Wat vervelend. Meld het verlies en maak een afspraak via 14 010."},
			{Channel: "balie", Text: "Neem de melding van verlies op en plan de aanvraag in; levertijd 5 werkdagen."},
		}
		a, err := w.svc.CreateAnswer(editor, knowledge.CreateAnswer{Owner: "afdeling-a1", Products: []string{"paspoort-aanvragen"},
			Question: "Ik ben mijn paspoort kwijt. Wat moet ik doen?", Text: lostPassport, Variants: variants,
			Keywords: []string{"kwijtgeraakt"}, Status: ptr(answer.StatusPUBLISHED)})
		if err != nil {
			t.Fatal(err)
		}
		colleague := w.viewer(t, "klantcontact", auth.Editor, w.k.ClusterB)
		for _, ch := range []string{"telefoon", "chat", "webcare", "balie", "website"} {
			res, err := w.svc.Find(colleague, knowledge.Lookup{Search: ptr("kwijtgeraakt paspoort"), Channel: &ch, First: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Edges) != 1 || res.Edges[0].Node.ID != a.ID {
				t.Fatalf("%s: want the one answer, got %d hits", ch, len(res.Edges))
			}
			h := res.Edges[0]
			want := lostPassport
			if v := knowledge.Variant(a, ch); v != nil {
				want = v.Text
			}
			if h.ChannelText != want {
				t.Errorf("%s: channel text %q, want %q", ch, h.ChannelText, want)
			}
			if len(h.Node.Variants) != len(variants) {
				t.Errorf("%s: %d variants beside the main answer, want %d", ch, len(h.Node.Variants), len(variants))
			}
		}
		if _, err := w.svc.Find(colleague, knowledge.Lookup{Channel: ptr("fax"), First: 5}); err == nil {
			t.Error("an unknown channel was accepted")
		}
	})
}

// TestVariantMustNotContradict: a variant with another amount is refused,
// naming the field; changing the main answer so that an old variant no
// longer agrees is refused too.
func TestVariantMustNotContradict(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		editor := w.viewer(t, "editor-a", auth.Editor, w.k.ClusterA)
		in := knowledge.CreateAnswer{Owner: "afdeling-a1", Products: []string{"paspoort-aanvragen"},
			Question: "Wat kost een paspoort?", Text: "Een paspoort kost € 84,70.",
			Variants: []catalog.AnswerVariant{{Channel: "chat", Text: "Het kost € 84,70."}, {Channel: "telefoon", Text: "Het kost € 80,00."}}}
		_, err := w.svc.CreateAnswer(editor, in)
		fe, ok := catalog.AsFieldError(err)
		if !ok || fe.Field != "variants[1].text" || fe.Code != "contradicts" {
			t.Fatalf("want a contradicts error on variants[1].text, got %v", err)
		}
		in.Variants = in.Variants[:1]
		a, err := w.svc.CreateAnswer(editor, in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.UpdateAnswer(editor, knowledge.UpdateAnswer{ID: a.ID, Text: ptr("Een paspoort kost € 90,00.")})
		if fe, ok := catalog.AsFieldError(err); !ok || fe.Field != "variants[0].text" {
			t.Fatalf("changing the main answer under a variant: want variants[0].text refused, got %v", err)
		}
		_, err = w.svc.CreateAnswer(editor, knowledge.CreateAnswer{Owner: "afdeling-a1", Products: nil, Question: "Zonder product?", Text: "Nee."})
		if fe, ok := catalog.AsFieldError(err); !ok || fe.Field != "products" {
			t.Fatalf("an answer without products: want products refused, got %v", err)
		}
	})
}

// TestVisibility: anonymous callers see published public answers; staff also
// internal ones, and drafts of their own organization; only the owner's
// editors change an answer.
func TestVisibility(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		editorA := w.viewer(t, "editor-a", auth.Editor, w.k.ClusterA)
		editorB := w.viewer(t, "editor-b", auth.Editor, w.k.ClusterB)
		mk := func(q string, vis answer.Visibility, st answer.Status) *ent.Answer {
			a, err := w.svc.CreateAnswer(editorA, knowledge.CreateAnswer{Owner: "afdeling-a1", Products: []string{"paspoort-aanvragen"},
				Question: q + " paspoort", Text: "Antwoord.", Visibility: &vis, Status: &st})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		public := mk("Openbaar", answer.VisibilityPUBLIC, answer.StatusPUBLISHED)
		internal := mk("Intern", answer.VisibilityINTERNAL, answer.StatusPUBLISHED)
		draft := mk("Concept", answer.VisibilityPUBLIC, answer.StatusDRAFT)
		ids := func(ctx context.Context, search *string) map[int]bool {
			res, err := w.svc.Find(ctx, knowledge.Lookup{Search: search, First: 50})
			if err != nil {
				t.Fatal(err)
			}
			out := map[int]bool{}
			for _, e := range res.Edges {
				out[e.Node.ID] = true
			}
			return out
		}
		for _, search := range []*string{nil, ptr("paspoort")} {
			anon := ids(context.Background(), search)
			if !anon[public.ID] || anon[internal.ID] || anon[draft.ID] || len(anon) != 1 {
				t.Errorf("anonymous (search %v) sees %v; want only the public answer %d", search != nil, anon, public.ID)
			}
			b := ids(editorB, search)
			if !b[public.ID] || !b[internal.ID] || b[draft.ID] {
				t.Errorf("staff of another cluster sees %v; want public and internal, not the draft", b)
			}
			a := ids(editorA, search)
			if !a[public.ID] || !a[internal.ID] || !a[draft.ID] {
				t.Errorf("the owner's editor sees %v; want all three", a)
			}
		}
		if _, err := w.svc.UpdateAnswer(editorB, knowledge.UpdateAnswer{ID: internal.ID, Text: ptr("Anders.")}); err == nil {
			t.Error("an editor of another cluster changed the answer")
		}
		if _, err := w.svc.UpdateAnswer(context.Background(), knowledge.UpdateAnswer{ID: public.ID, Text: ptr("Anders.")}); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("anonymous change: %v", err)
		}
		if _, err := w.svc.UpdateAnswer(editorA, knowledge.UpdateAnswer{ID: internal.ID, Text: ptr("Anders.")}); err != nil {
			t.Errorf("the owner's editor: %v", err)
		}
		events, err := w.db.Client.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntityANSWER), changeevent.EntityID(internal.ID)).Count(context.Background())
		if err != nil || events != 2 {
			t.Errorf("change log holds %d events for the answer (err %v), want create and update", events, err)
		}
	})
}

// TestCallbacks: a request is routed to the product's owner, seen by that
// team and the colleague who filed it only; closing removes the contact
// details, which the change log never held; the counts remain.
func TestCallbacks(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		desk := w.viewer(t, "klantcontact-1", auth.Editor, w.k.ClusterB)
		owner := w.viewer(t, "paspoort-team", auth.Editor, w.k.DepartmentA1)
		other := w.viewer(t, "someone-else", auth.Editor, w.k.ClusterB)
		const name, contact = "J. de Vries", "06-12345678"
		r, err := w.svc.CreateCallback(desk, knowledge.CreateCallback{Product: "paspoort-aanvragen",
			Question: "Mag ik met een verlopen paspoort nog stemmen?", Channel: "chat", ReplyChannel: "telefoon",
			ContactName: ptr(name), Contact: ptr(contact)})
		if err != nil {
			t.Fatal(err)
		}
		if r.OrganizationID != w.k.DepartmentA1.ID || r.Status != callbackrequest.StatusOPEN || r.RequestedBy != "klantcontact-1" {
			t.Fatalf("routed to %d with status %s by %q; want afdeling-a1, OPEN, klantcontact-1", r.OrganizationID, r.Status, r.RequestedBy)
		}
		if _, err := w.svc.CreateCallback(context.Background(), knowledge.CreateCallback{Product: "paspoort-aanvragen", Question: "?", Channel: "chat", ReplyChannel: "chat"}); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("anonymous request: %v", err)
		}
		queue := func(ctx context.Context, org *string) []*ent.CallbackRequest {
			q, err := w.svc.Callbacks(ctx, nil, org, nil)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := q.All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return rs
		}
		if got := queue(owner, ptr("afdeling-a1")); len(got) != 1 || *got[0].Contact != contact {
			t.Fatalf("the owning team's queue: %v", got)
		}
		if got := queue(desk, nil); len(got) != 1 {
			t.Errorf("the colleague who filed it sees %d requests, want 1", len(got))
		}
		if n, err := w.db.Client.CallbackRequest.Query().Count(context.Background()); err != nil || n != 0 {
			t.Errorf("an anonymous query finds %d requests (%v), want none", n, err)
		}
		if got := queue(other, nil); len(got) != 0 {
			t.Errorf("another colleague sees %d requests, want 0", len(got))
		}
		if _, err := w.svc.AssignCallback(other, r.ID, "someone-else"); err == nil {
			t.Error("a colleague outside the owning team took the request")
		}
		w.clk.Advance(26 * time.Hour)
		r, err = w.svc.AssignCallback(owner, r.ID, "Petra")
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != callbackrequest.StatusASSIGNED || w.svc.AgeHours(owner, r) != 26 {
			t.Errorf("assigned: status %s, age %d h", r.Status, w.svc.AgeHours(owner, r))
		}
		rep, err := w.svc.Report(owner, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.OpenCallbacks != 1 || rep.AssignedCallbacks != 1 || *rep.OldestOpenCallbackHours != 26 {
			t.Errorf("figures while open: %+v", rep)
		}
		w.clk.Advance(2 * time.Hour)
		r, err = w.svc.CloseCallback(owner, r.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.ContactName != nil || r.Contact != nil || r.ClosedAt == nil || r.Status != callbackrequest.StatusCLOSED {
			t.Errorf("closed request keeps %v %v, closed at %v, status %s", r.ContactName, r.Contact, r.ClosedAt, r.Status)
		}
		// Read the stored row past the privacy rules: the details are gone.
		stored, err := w.db.Client.CallbackRequest.Get(fixture.Ctx(), r.ID)
		if err != nil || stored.ContactName != nil || stored.Contact != nil {
			t.Errorf("stored row after closing: %+v (%v)", stored, err)
		}
		if _, err := w.svc.AssignCallback(owner, r.ID, "Petra"); err == nil {
			t.Error("a closed request was reopened")
		}
		events, err := w.db.Client.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntityCALLBACK_REQUEST)).All(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 3 {
			t.Errorf("%d events, want create, assign, close", len(events))
		}
		for _, e := range events {
			raw, _ := json.Marshal(e.Changes)
			if strings.Contains(string(raw), name) || strings.Contains(string(raw), "12345678") || strings.Contains(string(raw), "Petra") ||
				strings.Contains(string(raw), "klantcontact-1") {
				t.Errorf("event %d keeps personal data: %s", e.ID, raw)
			}
			for _, c := range e.Changes {
				if (c.Field == "contact" || c.Field == "contact_name") && e.Action == changeevent.ActionCREATE && string(c.New) != string(changelog.Masked) {
					t.Errorf("event %d: %s recorded as %s, want the mask", e.ID, c.Field, c.New)
				}
			}
		}
		rep, err = w.svc.Report(owner, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.OpenCallbacks != 0 || rep.ClosedCallbacks != 1 || rep.OldestOpenCallbackHours != nil ||
			len(rep.TopUnansweredQuestions) != 1 || rep.TopUnansweredQuestions[0].Count != 1 {
			t.Errorf("figures after closing: %+v", rep)
		}
		anon, err := w.svc.Report(context.Background(), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if anon.ClosedCallbacks != 1 || len(anon.TopUnansweredQuestions) != 0 {
			t.Errorf("anonymous figures: closed %d, %d questions; want 1 and none", anon.ClosedCallbacks, len(anon.TopUnansweredQuestions))
		}
	})
}
