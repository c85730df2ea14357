package beheer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/browsertest"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/server/servertest"
	"github.com/gemeente-rotterdam/catalogus/internal/signin/signintest"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// apiData posts a query to /graphql with a token and decodes its data into out.
func apiData(t *testing.T, base, token, query string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) > 0 {
		t.Fatalf("the API refused %s: %s", query, r.Errors[0].Message)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatal(err)
	}
}

type apiAnswer struct {
	ID                 string
	Visibility, Status string
	Question           string
	Text               string
	Variants           []struct{ Channel, Text string }
}

// shownVariant is what the page shows of one channel beside the main answer.
type shownVariant struct {
	Code, Own, Label, Text string
	Chosen                 bool
}

// TestAnswerBaseInABrowser is a colleague's round through the answer base:
// look up "grofvuil laten ophalen" and "verhuizing doorgeven" and find their
// answers first; look up "kwijtgeraakt paspoort" and find the seed's answer first, with every
// channel's wording beside the main answer; write an answer whose phone
// variant contradicts the main answer and see why beside that field; correct
// and publish it; see it on the product page; file a call-back request for a
// question nothing answers, and assign and close it from the queue; and a
// colleague of another cluster, who may look the answer up but not change it.
func TestAnswerBaseInABrowser(t *testing.T) {
	browsertest.Chromium(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bg := context.Background()
		if err := fixture.Seed(bg, db); err != nil {
			t.Fatal(err)
		}
		allow := auth.Allow(bg)
		const slug = "paspoort-aanvragen"
		seeded, err := db.Client.Answer.Query().
			Where(answer.HasProductsWith(product.Slug(slug)), answer.QuestionContains("kwijt")).WithOwner().Only(allow)
		if err != nil {
			t.Fatalf("the seed's answer about a lost passport: %v", err)
		}
		owner := seeded.Edges.Owner.Code
		channels, err := db.Client.Channel.Query().All(allow)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for _, c := range channels {
			names[c.Code] = c.Name
		}

		idp := signintest.Start(t)
		base := servertest.WithSignIn(t, idp, db, nil, server.Config{})
		token, err := auth.Tokens{Client: db.Client}.Create(bg, "collega", auth.Editor, owner)
		if err != nil {
			t.Fatal(err)
		}
		const search, asked = "kwijtgeraakt paspoort", "telefoon"
		var look struct {
			Answers struct{ Edges []struct{ Node apiAnswer } }
		}
		apiData(t, base, token, `query($s: String, $c: String) { answers(search: $s, channel: $c, first: 20) {
			edges { node { id question text variants { channel text } } } } }`, map[string]any{"s": search, "c": asked}, &look)
		hits := look.Answers.Edges
		if len(hits) == 0 || hits[0].Node.ID != itoa(seeded.ID) {
			t.Fatalf("the API does not put the seed's answer first for %q: %+v", search, hits)
		}
		first := hits[0].Node
		if len(first.Variants) < 2 {
			t.Fatalf("the seed's answer has %d variants; the test needs several", len(first.Variants))
		}

		b := newTab(t)
		ctx, run, eval, poll := b.ctx, b.run, b.eval, b.poll
		choose := func(sel string, values ...string) {
			t.Helper()
			b, _ := json.Marshal(values)
			eval(`(() => { const s = document.querySelector('` + sel + `'); const want = ` + string(b) + `;
				for (const o of s.options) o.selected = want.includes(o.value);
				s.dispatchEvent(new Event('change')); return s.value; })()`)
		}

		// Any signed-in colleague looks an answer up; the provider sends them back to the answers.
		idp.Editor("an.de.vries@rotterdam.nl", owner)
		run("signing in", chromedp.Navigate(base+"/beheer/#antwoorden"), chromedp.WaitVisible(`#sign-in`), chromedp.Click(`#sign-in`),
			chromedp.WaitVisible(`#answer-search`))
		poll("the first list", `document.getElementById('answer-count').dataset.count !== undefined && document.getElementById('q-channel').options.length > 1`)
		// The other look-ups find their answer first in the editor too.
		for other, question := range map[string]string{
			"grofvuil laten ophalen": "Hoe laat ik grofvuil ophalen?",
			"verhuizing doorgeven":   "Wanneer en hoe geef ik mijn verhuizing door?",
		} {
			run("searching "+other, chromedp.SetValue(`#q-search`, other), chromedp.Click(`#q-go`))
			poll("the hits for "+other, `document.getElementById('answer-results').dataset.search === '`+other+`'`)
			if got := eval(`(document.querySelector('#answer-results > li > .answer-card h3') || {}).textContent`); got != question {
				t.Errorf("%q: the editor shows %q first, want %q", other, got, question)
			}
		}
		run("searching", chromedp.SetValue(`#q-search`, search))
		choose(`#q-channel`, asked)
		run("asking", chromedp.Click(`#q-go`))
		poll("the hits", `document.getElementById('answer-results').dataset.search === '`+search+`'`)

		// The page shows the API's hits in the API's order.
		var want []string
		for _, h := range hits {
			want = append(want, h.Node.ID)
		}
		if got := eval(`[...document.querySelectorAll('#answer-results > li > .answer-card')].map((a) => a.dataset.id).join(',')`); got != strings.Join(want, ",") {
			t.Errorf("the page lists answers %s, the API %s", got, strings.Join(want, ","))
		}
		card := `document.querySelector('#answer-results .answer-card[data-id="` + first.ID + `"]')`
		if q := eval(card + `.querySelector('h3').textContent`); q != first.Question {
			t.Errorf("the first answer's question reads %q, want %q", q, first.Question)
		}
		if txt := eval(card + `.querySelector('.answer-text').textContent`); txt != first.Text {
			t.Errorf("the main answer reads %q, want %q", txt, first.Text)
		}
		// Each channel shows as a block (dt and dd) or, when it uses the main
		// answer, by name on the line under the blocks.
		var shown []shownVariant
		if err := json.Unmarshal([]byte(eval(`JSON.stringify([...`+card+`.querySelectorAll('[data-variant]')].map((v) => ({
			code: v.dataset.variant, own: v.dataset.own, label: v.querySelector('dt') ? v.querySelector('dt').textContent : v.textContent,
			text: v.querySelector('dd') ? v.querySelector('dd').textContent : v.closest('.uses-main').textContent,
			chosen: v.classList.contains('chosen') })))`)), &shown); err != nil {
			t.Fatal(err)
		}
		// Every active channel is there once.
		active, err := db.Client.Channel.Query().Where(channel.Active(true)).Count(allow)
		if err != nil {
			t.Fatal(err)
		}
		if len(shown) != active {
			t.Errorf("the answer shows %d channels, %d are active: %+v", len(shown), active, shown)
		}
		// Every variant the API gives is beside the main answer, under its channel's name.
		for _, v := range first.Variants {
			i := slices.IndexFunc(shown, func(s shownVariant) bool { return s.Code == v.Channel })
			if i < 0 {
				t.Errorf("the %s variant is not shown; the page shows %+v", v.Channel, shown)
				continue
			}
			s := shown[i]
			if s.Own != "true" || s.Text != v.Text || s.Label != names[v.Channel] {
				t.Errorf("the %s variant shows as %+v, want label %q and text %q", v.Channel, s, names[v.Channel], v.Text)
			}
			if s.Chosen != (v.Channel == asked) {
				t.Errorf("the %s variant is marked chosen=%v with channel %s asked", v.Channel, s.Chosen, asked)
			}
		}
		// The other channels say they use the main answer, under their own names.
		for _, s := range shown {
			if !slices.ContainsFunc(first.Variants, func(v struct{ Channel, Text string }) bool { return v.Channel == s.Code }) &&
				(s.Own != "false" || !strings.Contains(s.Text, "hoofdantwoord") || s.Label != names[s.Code]) {
				t.Errorf("channel %s has no variant but shows %+v", s.Code, s)
			}
		}

		// CATALOGUS_ANSWERS_SCREENSHOT=$PWD/docs/answers.png go test -run TestAnswerBaseInABrowser/sqlite ./internal/beheer/
		// takes a picture of the look-up.
		if path := os.Getenv("CATALOGUS_ANSWERS_SCREENSHOT"); path != "" && strings.HasPrefix(db.Target.Dialect, "sqlite") {
			eval(`(() => { window.scrollTo(0, 0); return ''; })()`)
			shot, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, shot.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}

		// Writing an answer whose phone script names a duration the main answer does not.
		question := "Mag ik met een verlopen paspoort nog reizen?"
		run("opening a new answer", chromedp.Click(`#answer-new`), chromedp.WaitVisible(`#answer-form`),
			chromedp.SetValue(`#ae-question`, question),
			chromedp.SetValue(`#ae-text`, "Nee. Vraag op tijd een nieuw paspoort aan; het is meestal na 5 werkdagen klaar."),
			chromedp.SetValue(`#ae-v-telefoon`, "Nee, nieuw paspoort aanvragen. Klaar na 3 werkdagen."),
			chromedp.SetValue(`#ae-keywords`, "verlopen, reizen"))
		choose(`#ae-products`, slug)
		run("saving it", chromedp.Click(`#answer-save`))
		poll("the message beside the phone variant", `document.getElementById('err-variant-telefoon') !== null || document.getElementById('answer-error').textContent !== ''`)
		if msg := eval(`(document.querySelector('[data-field="variant-telefoon"] #err-variant-telefoon') || {}).textContent || ''`); !strings.Contains(msg, `"3 werkdagen"`) || !strings.Contains(msg, "hoofdantwoord") {
			t.Errorf("beside the phone variant: %q (at the form's foot: %q)", msg, eval(`document.getElementById('answer-error').textContent`))
		}
		if n, err := db.Client.Answer.Query().Where(answer.Question(question)).Count(allow); err != nil || n != 0 {
			t.Fatalf("a contradicting answer was stored (%d, %v)", n, err)
		}
		run("correcting it", chromedp.SetValue(`#ae-v-telefoon`, "Nee, nieuw paspoort aanvragen. Klaar na 5 werkdagen."), chromedp.Click(`#answer-save`))
		poll("the saved answer", `document.getElementById('answer-form').dataset.saved === 'true'`)
		written, err := db.Client.Answer.Query().Where(answer.Question(question)).WithOwner().WithProducts().Only(allow)
		if err != nil {
			t.Fatal(err)
		}
		if written.Edges.Owner.Code != owner || written.Status != answer.StatusDRAFT || len(written.Edges.Products) != 1 ||
			written.Edges.Products[0].Slug != slug || len(written.Variants) != 1 || written.Variants[0].Channel != "telefoon" {
			t.Errorf("the answer written: %+v", written)
		}
		run("publishing it", chromedp.Click(`#answer-publish`))
		poll("the published answer", `document.getElementById('answer-publish') === null && document.getElementById('answer-form').dataset.saved === 'true'`)
		if a, err := db.Client.Answer.Get(allow, written.ID); err != nil || a.Status != answer.StatusPUBLISHED {
			t.Errorf("after publishing: %+v (%v)", a, err)
		}
		// Archived, and back in use.
		run("archiving it", chromedp.Click(`#answer-archive`))
		poll("the archived answer", `document.getElementById('answer-archive') === null && document.getElementById('answer-publish') !== null`)
		if a, err := db.Client.Answer.Get(allow, written.ID); err != nil || a.Status != answer.StatusARCHIVED {
			t.Errorf("after archiving: %+v (%v)", a, err)
		}
		run("publishing it again", chromedp.Click(`#answer-publish`))
		poll("the published answer", `document.getElementById('answer-publish') === null && document.getElementById('answer-archive') !== null`)
		if a, err := db.Client.Answer.Get(allow, written.ID); err != nil || a.Status != answer.StatusPUBLISHED {
			t.Errorf("after publishing again: %+v (%v)", a, err)
		}

		// The product page shows the product's answers, as the API lists them, beside its channels.
		var prod struct {
			Product struct{ Answers []apiAnswer }
		}
		apiData(t, base, token, `query($s: String!) { product(slug: $s) { answers { id visibility status } } }`, map[string]any{"s": slug}, &prod)
		// Each answer as id/visibility/status; staff see the internal ones too.
		var ids []string
		for _, a := range prod.Product.Answers {
			ids = append(ids, a.ID+"/"+a.Visibility+"/"+a.Status)
		}
		slices.Sort(ids)
		run("opening the product", chromedp.Navigate(base+"/beheer/#product/"+slug), chromedp.WaitVisible(`#product[data-slug="`+slug+`"]`))
		got := strings.Split(eval(`[...document.querySelectorAll('#product-answer-list .answer-card')].map((a) =>
			a.dataset.id + '/' + a.querySelector('[data-visibility]').dataset.visibility + '/' + a.querySelector('.answer-meta [data-status]').dataset.status).join(',')`), ",")
		slices.Sort(got)
		if !slices.Equal(got, ids) || !slices.Contains(ids, itoa(written.ID)+"/PUBLIC/PUBLISHED") {
			t.Errorf("the product page shows answers %v, the API %v (the new one is %d)", got, ids, written.ID)
		}
		if !slices.ContainsFunc(ids, func(s string) bool { return strings.Contains(s, "/INTERNAL/") }) {
			t.Errorf("the seed's internal answer about %s is not among a colleague's answers: %v", slug, ids)
		}

		// Reviewing: from the product page to the seed's answer, marked reviewed today.
		run("opening the seed's answer", chromedp.Click(`#product-answer-list a[href="#antwoorden/`+first.ID+`"]`),
			chromedp.WaitVisible(`#answer-form[data-id="`+first.ID+`"]`), chromedp.Click(`#answer-reviewed`))
		poll("the review", `document.getElementById('answer-form').dataset.saved === 'true'`)
		if a, err := db.Client.Answer.Get(allow, seeded.ID); err != nil || !a.LastReviewed.After(seeded.LastReviewed) || a.Status != seeded.Status {
			t.Errorf("after marking it reviewed the answer is %+v (%v); it was last reviewed %s", a, err, seeded.LastReviewed)
		}

		// A colleague saves the answer while the form is open: the editor's
		// save shows what changed in between, stores nothing, and is redone
		// on top of the colleague's wording only when asked.
		was, err := db.Client.Answer.Get(allow, seeded.ID)
		if err != nil {
			t.Fatal(err)
		}
		poll("the form on the reviewed version", `document.getElementById('answer-form').dataset.version === '`+itoa(was.Version)+`'`)
		colleagues := was.Text + " Door een collega aangevuld."
		if msg := graphQL(t, base, token, `mutation($id: ID!, $v: Int!, $text: String!) { updateAnswer(input: {id: $id, expectedVersion: $v, text: $text}) { version } }`,
			map[string]any{"id": first.ID, "v": was.Version, "text": colleagues}); msg != "" {
			t.Fatalf("the colleague's save: %s", msg)
		}
		mine := was.Question + " Of gestolen?"
		run("saving on a stale version", chromedp.SetValue(`#ae-question`, mine), chromedp.Click(`#answer-save`), chromedp.WaitVisible(`#conflict`))
		if txt := eval(`document.getElementById('conflict-changes').textContent`); !strings.Contains(txt, "Door een collega aangevuld.") {
			t.Errorf("the conflict does not show the colleague's text: %q", txt)
		}
		if title := eval(`document.getElementById('conflict-title').textContent`); !strings.Contains(title, "antwoord") {
			t.Errorf("the conflict's title reads %q", title)
		}
		if a, err := db.Client.Answer.Get(allow, seeded.ID); err != nil || a.Version != was.Version+1 || a.Question != was.Question {
			t.Fatalf("after the stale save the answer is %+v (%v); only the colleague's save may be stored", a, err)
		}
		run("redoing on top", chromedp.Click(`#conflict-redo`))
		// The save is done when the page says so: the list of answers is read again before that.
		poll("the redone change", `document.getElementById('answer-form').dataset.version === '`+itoa(was.Version+2)+`' &&
			document.getElementById('status').classList.contains('saved')`)
		if a, err := db.Client.Answer.Get(allow, seeded.ID); err != nil || a.Question != mine || a.Text != colleagues {
			t.Errorf("after the redo the answer is %+v (%v); both the colleague's text and the new question must stand", a, err)
		}
		if eval(`String(document.getElementById('conflict').hidden)`) != "true" {
			t.Error("the conflict box stays open after the redo")
		}

		// Nothing fits: a call-back request, filed from the look-up.
		cbQuestion := "Kan ik met een verlopen paspoort in het buitenland stemmen?"
		run("back to the answers", chromedp.Click(`#nav-answers`), chromedp.WaitVisible(`#answer-search`))
		// The status line comes and goes while the answers load, moving the
		// page under the next click; it is empty once they are in.
		poll("the answers", `document.getElementById('status').textContent === ''`)
		run("opening the call-back form", chromedp.Click(`#callback-new`), chromedp.WaitVisible(`#callback-form`),
			chromedp.SetValue(`#cf-question`, cbQuestion), chromedp.SetValue(`#cf-name`, "J. de Vries"), chromedp.SetValue(`#cf-contact`, "06-12345678"))
		choose(`#cf-product`, slug)
		choose(`#cf-channel`, "chat")
		run("filing it", chromedp.Click(`#callback-send`), chromedp.WaitVisible(`#callback-filed`))
		id := eval(`document.getElementById('callback-filed').dataset.id`)
		req, err := db.Client.CallbackRequest.Query().Where(callbackrequest.Question(cbQuestion)).WithOrganization().Only(allow)
		if err != nil || itoa(req.ID) != id || req.Edges.Organization.Code != owner || req.Contact == nil || *req.Contact != "06-12345678" {
			t.Fatalf("the request filed: %+v (%v); the page says %s", req, err, id)
		}

		// The owning team's queue: assign, then close.
		row := `#callback-table tr[data-id="` + id + `"]`
		run("opening the queue", chromedp.Click(`#nav-callbacks`), chromedp.WaitVisible(row))
		if txt := eval(`document.querySelector('` + row + `').textContent`); !strings.Contains(txt, cbQuestion) || !strings.Contains(txt, "06-12345678") {
			t.Errorf("the queue's row reads %q", txt)
		}
		run("assigning it", chromedp.Click(`#assign-`+id))
		poll("the assignment", `document.querySelector('`+row+`[data-status="ASSIGNED"]') !== null`)
		if r, err := db.Client.CallbackRequest.Get(allow, req.ID); err != nil || r.Status != callbackrequest.StatusASSIGNED || r.Assignee == nil || *r.Assignee == "" {
			t.Errorf("after assigning: %+v (%v)", r, err)
		}
		run("closing it", chromedp.Click(`#close-`+id))
		poll("the closed request", `document.querySelector('`+row+`') === null`)
		if r, err := db.Client.CallbackRequest.Get(allow, req.ID); err != nil || r.Status != callbackrequest.StatusCLOSED || r.Contact != nil || r.ContactName != nil {
			t.Errorf("after closing: %+v (%v)", r, err)
		}
		choose(`#cb-status`, "CLOSED")
		poll("the closed list", `document.querySelector('`+row+`[data-status="CLOSED"]') !== null`)
		if txt := eval(`document.querySelector('` + row + `').textContent`); strings.Contains(txt, "06-12345678") {
			t.Errorf("a closed request still shows the contact: %q", txt)
		}
		// A colleague of another cluster looks answers up too, but may not change this one.
		var stranger string
		clusters, err := db.Client.Organization.Query().Where(organization.KindEQ(organization.KindCLUSTER)).Order(organization.ByCode()).All(allow)
		if err != nil {
			t.Fatal(err)
		}
		for _, cl := range clusters {
			scope, err := orgtree.Subtree(allow, db.Client, cl.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(scope, seeded.OwnerID) {
				stranger = cl.Code
				break
			}
		}
		if stranger == "" {
			t.Fatal("the seed has no cluster outside the answer's owner")
		}
		reviewed, err := db.Client.Answer.Get(allow, seeded.ID)
		if err != nil {
			t.Fatal(err)
		}
		run("signing out", chromedp.Navigate(base+"/beheer/"), chromedp.WaitVisible(`#logout`), chromedp.Click(`#logout button`), chromedp.WaitVisible(`#sign-in`))
		idp.Editor("piet.jansen@rotterdam.nl", stranger)
		run("signing in elsewhere", chromedp.Click(`#sign-in`), chromedp.WaitVisible(`#logout`),
			chromedp.Navigate(base+"/beheer/#antwoorden/"+first.ID), chromedp.WaitVisible(`#answer-form[data-id="`+first.ID+`"]`),
			chromedp.Click(`#answer-reviewed`))
		poll("the refusal", `document.getElementById('answer-error').textContent !== ''`)
		// The list without a search is theirs as the API gives it to them (by question).
		strangerToken, err := auth.Tokens{Client: db.Client}.Create(bg, "vreemde", auth.Editor, stranger)
		if err != nil {
			t.Fatal(err)
		}
		var theirs struct {
			Answers struct{ Edges []struct{ Node apiAnswer } }
		}
		apiData(t, base, strangerToken, `{ answers(first: 20) { edges { node { id } } } }`, nil, &theirs)
		var theirIDs []string
		for _, e := range theirs.Answers.Edges {
			theirIDs = append(theirIDs, e.Node.ID)
		}
		poll("their list", `document.getElementById('answer-results').dataset.search === ''`)
		if got := eval(`[...document.querySelectorAll('#answer-results > li > .answer-card')].map((a) => a.dataset.id).join(',')`); got != strings.Join(theirIDs, ",") || len(theirIDs) == 0 {
			t.Errorf("another cluster's editor sees answers %s, the API gives %s", got, strings.Join(theirIDs, ","))
		}
		if msg := eval(`document.getElementById('answer-error').textContent`); !strings.Contains(msg, "niet wijzigen") {
			t.Errorf("another cluster's editor is told %q", msg)
		}
		if a, err := db.Client.Answer.Get(allow, seeded.ID); err != nil || !a.UpdatedAt.Equal(reviewed.UpdatedAt) {
			t.Errorf("another cluster's editor changed the answer: %+v (%v)", a, err)
		}
		if p := b.problems(); len(p) > 0 {
			t.Errorf("the browser reported:\n%s", strings.Join(p, "\n"))
		}
	})
}
