package beheer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
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

func TestMain(m *testing.M) { storetest.Main(m) }

// browser starts headless Chromium with the browser tests' flags and
// collects what the page reports as errors.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	actx, cancel := chromedp.NewExecAllocator(context.Background(), browsertest.Options(t)...)
	t.Cleanup(cancel)
	// No deadline for the whole tab: each step has its own (run, eval,
	// poll, and the checks of package browsertest), and go test's -timeout
	// bounds the rest. A deadline for the whole test failed it on a busy
	// machine however healthy the page (TestEditorIsAccessible's 14 axe-core
	// runs took over its three minutes at a load of 20).
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == "error" || e.Type == "warning" {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problems = append(problems, "console: "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text+" "+e.ExceptionDetails.Exception.Description)
		case *cdplog.EventEntryAdded:
			// The one refusal the test provokes on purpose is answered 200
			// with a FORBIDDEN error, so no network error is expected.
			if e.Entry.Level == cdplog.EntryLevelError {
				problems = append(problems, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(problems)
	}
}

// tab drives the browser of browser(t): every step that fails ends the test
// with what the browser reported meanwhile.
type tab struct {
	t        *testing.T
	ctx      context.Context
	problems func() []string
}

func newTab(t *testing.T) tab {
	t.Helper()
	ctx, problems := browser(t)
	return tab{t, ctx, problems}
}

// run does steps; a step that cannot happen fails in a minute, not at the
// test's end.
func (b tab) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	sctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		b.t.Fatalf("%s: %v (browser: %v)", what, err, b.problems())
	}
}

func (b tab) eval(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return s
}

func (b tab) poll(what, js string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		b.t.Fatalf("waiting for %s: %v (browser: %v)", what, err, b.problems())
	}
}

// cast is what the test needs from the seed: a cluster, one of its published
// products, a channel on which that product is not yet PLANNED, a second
// channel, and a published product of another cluster.
type cast struct {
	cluster          *ent.Organization
	mine, theirs     *ent.Product
	channel, another *ent.Channel
	products         int
}

func pick(t *testing.T, db *store.DB) cast {
	t.Helper()
	ctx := auth.Allow(context.Background())
	c := db.Client
	clusters, err := c.Organization.Query().Where(organization.KindEQ(organization.KindCLUSTER)).Order(organization.ByCode()).All(ctx)
	if err != nil || len(clusters) < 2 {
		t.Fatalf("the seed has %d clusters (%v)", len(clusters), err)
	}
	channels, err := c.Channel.Query().Where(channel.Active(true)).Order(channel.BySortOrder()).All(ctx)
	if err != nil || len(channels) < 2 {
		t.Fatalf("the seed has %d channels (%v)", len(channels), err)
	}
	for _, cl := range clusters {
		scope, err := orgtree.Subtree(ctx, c, cl.ID)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := c.Product.Query().Where(product.OwnerIDIn(scope...), product.StatusEQ(product.StatusPUBLISHED)).
			WithAvailabilities().Order(product.BySlug()).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			var free []*ent.Channel
			for _, ch := range channels {
				if !slices.ContainsFunc(p.Edges.Availabilities, func(a *ent.Availability) bool {
					return a.ChannelID == ch.ID && (a.Status == availability.StatusPLANNED || a.Status == availability.StatusAVAILABLE)
				}) {
					free = append(free, ch)
				}
			}
			if len(free) < 2 {
				continue
			}
			theirs, err := c.Product.Query().Where(product.OwnerIDNotIn(scope...), product.StatusEQ(product.StatusPUBLISHED)).
				Order(product.BySlug()).First(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n, err := c.Product.Query().Where(product.OwnerIDIn(scope...)).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return cast{cluster: cl, mine: p, theirs: theirs, channel: free[0], another: free[1], products: n}
		}
	}
	t.Fatal("the seed has no published product with two channels to plan")
	return cast{}
}

func version(t *testing.T, db *store.DB, id int) int {
	t.Helper()
	p, err := db.Client.Product.Get(auth.Allow(context.Background()), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Version
}

// TestEditorInABrowser is the product owner's round: sign in through the
// provider, find the product, plan a channel (after a validation message),
// survive someone else's save in between, see the change on the dashboard and
// in the history, and be refused another cluster's product.
func TestEditorInABrowser(t *testing.T) {
	browsertest.Chromium(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := fixture.Seed(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		k := pick(t, db)
		idp := signintest.Start(t)
		base := servertest.WithSignIn(t, idp, db, nil, server.Config{ResponseCacheBytes: 4 << 20})
		b := newTab(t)
		ctx, run, eval, poll := b.ctx, b.run, b.eval, b.poll
		choose := func(sel, value string) {
			t.Helper()
			b, _ := json.Marshal(value)
			eval(`(() => { const s = document.querySelector('` + sel + `'); s.value = ` + string(b) + `; s.dispatchEvent(new Event('change')); return s.value; })()`)
		}

		// Signed out, the page offers the sign-in; the provider sends the person back.
		idp.Editor("jane.doe@rotterdam.nl", k.cluster.Code)
		run("opening the editor", chromedp.Navigate(base+"/beheer/"), chromedp.WaitVisible(`#sign-in`))
		run("signing in", chromedp.Click(`#sign-in`), chromedp.WaitVisible(`#products`))
		if who := eval(`document.getElementById('who').textContent`); !strings.Contains(who, "jane.doe@rotterdam.nl") || !strings.Contains(who, k.cluster.Code) {
			t.Errorf("signed in as %q", who)
		}
		if n := eval(`document.getElementById('list-count').dataset.count`); n != itoa(k.products) {
			t.Errorf("Mijn producten lists %s products, the cluster has %d", n, k.products)
		}
		// Search finds the product.
		run("searching", chromedp.SendKeys(`#f-search`, k.mine.Name))
		poll("the search", `document.querySelector('#products tbody tr[data-slug="`+k.mine.Slug+`"]') !== null`)

		run("opening the product", chromedp.Click(`#products a[href="#product/`+k.mine.Slug+`"]`), chromedp.WaitVisible(`#product[data-slug="`+k.mine.Slug+`"]`))
		// PLANNED without a date: the API's message appears beside the field, in Dutch.
		run("editing the channel", chromedp.Click(`#edit-`+k.channel.Code), chromedp.WaitVisible(`#cell-form`))
		choose(`#c-status`, "PLANNED")
		run("saving without a date", chromedp.Click(`#cell-save`))
		poll("the message beside the date", `document.getElementById('err-plannedDate') !== null || document.getElementById('cell-error').textContent !== ''`)
		if msg := eval(`document.getElementById('err-plannedDate').textContent`); !strings.Contains(msg, "Vul de datum in") {
			t.Errorf("the message beside the planned date reads %q", msg)
		}
		before := version(t, db, k.mine.ID)
		planned := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
		choose(`#c-plannedDate`, planned)
		run("saving the plan", chromedp.Click(`#cell-save`))
		poll("the new status", `document.querySelector('#cells-table tr[data-channel="`+k.channel.Code+`"] td[data-status="PLANNED"]') !== null`)
		if v := version(t, db, k.mine.ID); v != before+1 {
			t.Errorf("the product's version went from %d to %d", before, v)
		}
		a, err := db.Client.Availability.Query().Where(availability.ProductID(k.mine.ID), availability.ChannelID(k.channel.ID)).Only(auth.Allow(context.Background()))
		if err != nil || a.Status != availability.StatusPLANNED || a.PlannedDate == nil || a.PlannedDate.Format(time.DateOnly) != planned {
			t.Fatalf("the database holds %+v (%v)", a, err)
		}
		poll("the history", `document.querySelector('#history-table tbody tr') !== null && document.querySelector('#history-table tbody tr').textContent.includes('gepland')`)
		if row := eval(`document.querySelector('#history-table tbody tr').textContent`); !strings.Contains(row, "sso:jane.doe@rotterdam.nl") {
			t.Errorf("the newest history row does not name the editor: %q", row)
		}

		// Someone else saves the product while the page is open: the next save
		// shows what changed in between, and is redone on top only when asked.
		token, err := auth.Tokens{Client: db.Client}.Create(context.Background(), "collega", auth.Editor, k.cluster.Code)
		if err != nil {
			t.Fatal(err)
		}
		other := graphQL(t, base, token, `mutation($p: String!, $v: Int!) { updateProduct(input: {product: $p, expectedVersion: $v, summary: "Door een collega bijgewerkt."}) { version } }`,
			map[string]any{"p": k.mine.Slug, "v": version(t, db, k.mine.ID)})
		if other != "" {
			t.Fatalf("the colleague's save: %s", other)
		}
		run("editing the second channel", chromedp.Click(`#edit-`+k.another.Code), chromedp.WaitVisible(`#cell-form`))
		choose(`#c-status`, "AVAILABLE")
		run("typing the address", chromedp.SetValue(`#c-url`, "https://www.rotterdam.nl/"+k.mine.Slug))
		stale := version(t, db, k.mine.ID)
		run("saving on a stale version", chromedp.Click(`#cell-save`), chromedp.WaitVisible(`#conflict`))
		if txt := eval(`document.getElementById('conflict-changes').textContent`); !strings.Contains(txt, "Door een collega bijgewerkt.") {
			t.Errorf("the conflict does not show the colleague's change: %q", txt)
		}
		if v := version(t, db, k.mine.ID); v != stale {
			t.Fatalf("a stale save changed the product (version %d → %d)", stale, v)
		}
		run("redoing on top", chromedp.Click(`#conflict-redo`))
		poll("the redone change", `document.querySelector('#cells-table tr[data-channel="`+k.another.Code+`"] td[data-status="AVAILABLE"]') !== null`)
		p, err := db.Client.Product.Get(auth.Allow(context.Background()), k.mine.ID)
		if err != nil || p.Summary != "Door een collega bijgewerkt." || p.Version != stale+1 {
			t.Errorf("after the redo the product is %+v (%v); the colleague's summary must stand", p, err)
		}

		// The dashboard, an anonymous reader, shows the plan.
		run("opening the dashboard", chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(`body[data-ready="true"]`))
		cells := eval(`[...document.querySelector('#matrix button[data-product="` + k.mine.Slug + `"]').closest('tr').querySelectorAll('td')].map((td) => td.title).join('|')`)
		if !strings.Contains(cells, k.channel.Name+": gepland") {
			t.Errorf("the dashboard's row for %s reads %q, want %s planned", k.mine.Slug, cells, k.channel.Name)
		}

		// Another cluster's product can be read, not changed.
		theirs := version(t, db, k.theirs.ID)
		run("opening another cluster's product", chromedp.Navigate(base+"/beheer/#product/"+k.theirs.Slug), chromedp.WaitVisible(`#product[data-slug="`+k.theirs.Slug+`"]`))
		run("editing it", chromedp.Click(`#edit-`+k.channel.Code), chromedp.WaitVisible(`#cell-form`))
		choose(`#c-status`, "AVAILABLE")
		run("saving it", chromedp.Click(`#cell-save`))
		poll("the refusal", `document.getElementById('cell-error').textContent !== ''`)
		if msg := eval(`document.getElementById('cell-error').textContent`); !strings.Contains(msg, "niet wijzigen") {
			t.Errorf("the refusal reads %q", msg)
		}
		if v := version(t, db, k.theirs.ID); v != theirs {
			t.Errorf("another cluster's product changed: version %d → %d", theirs, v)
		}

		// The English toggle.
		run("switching to English", chromedp.Click(`#lang`))
		if h, err := chromedp.Run(ctx, chromedp.Text(`h1`)); err != nil || h != "Manage products" {
			t.Errorf("in English the title reads %q (%v)", h, err)
		}

		// CATALOGUS_EDITOR_SCREENSHOT=docs/images/editor.png go test -run TestEditorInABrowser/sqlite ./internal/beheer/
		// takes the README's picture: a product with a channel's form open.
		if path := os.Getenv("CATALOGUS_EDITOR_SCREENSHOT"); path != "" && strings.HasPrefix(db.Target.Dialect, "sqlite") {
			run("preparing the screenshot", chromedp.Click(`#lang`), chromedp.EmulateViewport(1280, 1150),
				chromedp.Navigate(base+"/beheer/#product/"+k.mine.Slug),
				chromedp.WaitVisible(`#product[data-slug="`+k.mine.Slug+`"]`), chromedp.Click(`#edit-`+k.another.Code), chromedp.WaitVisible(`#cell-form`))
			choose(`#c-status`, "PLANNED")
			eval(`(() => { document.getElementById('c-plannedDate').value = '` + planned + `'; window.scrollTo(0, 0); return ''; })()`)
			shot, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, shot.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}

		// The product's own fields, retire and publish.
		run("opening the product again", chromedp.Navigate(base+"/beheer/#product/"+k.mine.Slug), chromedp.WaitVisible(`#product[data-slug="`+k.mine.Slug+`"]`))
		run("changing the summary", chromedp.SetValue(`#p-summary`, "Een nieuwe samenvatting in gewone taal."), chromedp.Click(`#product-save`))
		poll("the saved summary", `document.querySelector('#history-table tbody tr').textContent.includes('Een nieuwe samenvatting')`)
		run("retiring", chromedp.Click(`#product-retire`))
		poll("the retired product", `document.getElementById('product-status').dataset.status === 'RETIRED'`)
		// The product is not ready (no test with residents, among others):
		// the page asks first.
		run("publishing again", chromedp.Click(`#product-publish`), chromedp.WaitVisible(`#publish-confirm`), chromedp.Click(`#publish-force`))
		poll("the published product", `document.getElementById('product-status').dataset.status === 'PUBLISHED'`)
		if p, err := db.Client.Product.Get(auth.Allow(context.Background()), k.mine.ID); err != nil || p.Summary != "Een nieuwe samenvatting in gewone taal." || p.Status != product.StatusPUBLISHED {
			t.Errorf("after editing, retiring and publishing: %+v (%v)", p, err)
		}

		// Signing out ends the session.
		run("signing out", chromedp.Navigate(base+"/beheer/"), chromedp.WaitVisible(`#logout`), chromedp.Click(`#logout button`), chromedp.WaitVisible(`#sign-in`))
		if p := b.problems(); len(p) > 0 {
			t.Errorf("the browser reported:\n%s", strings.Join(p, "\n"))
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// graphQL posts to /graphql with a token and returns the first error's message.
func graphQL(t *testing.T, base, token, query string, vars map[string]any) string {
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
	var r struct{ Errors []struct{ Message string } }
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) > 0 {
		return r.Errors[0].Message
	}
	return ""
}

// TestAdminAreaInABrowser: an admin of everything renames a channel and adds
// a team; a mistake is shown beside its field; an editor sees no admin area.
func TestAdminAreaInABrowser(t *testing.T) {
	browsertest.Chromium(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		idp := signintest.Start(t)
		base := servertest.WithSignIn(t, idp, db, nil, server.Config{})
		b := newTab(t)
		ctx, run, poll := b.ctx, b.run, b.poll
		allow := auth.Allow(context.Background())

		idp.Person("beheer@rotterdam.nl", signintest.AdminGroup)
		run("signing in as admin", chromedp.Navigate(base+"/beheer/"), chromedp.WaitVisible(`#sign-in`), chromedp.Click(`#sign-in`),
			chromedp.WaitVisible(`#nav-admin`), chromedp.Click(`#nav-admin`), chromedp.WaitVisible(`#admin-channels`))

		// Rename the counter channel.
		run("editing a channel", chromedp.Click(`#admin-channels tr[data-id="`+itoa(k.Balie.ID)+`"] button`), chromedp.WaitVisible(`#admin-form`),
			chromedp.SetValue(`#a-name`, "Balie in de stadswinkel"), chromedp.Click(`#admin-save`))
		poll("the saved channel", `document.getElementById('status').textContent !== '' && document.getElementById('admin-form') === null`)
		if ch, err := db.Client.Channel.Get(allow, k.Balie.ID); err != nil || ch.Name != "Balie in de stadswinkel" || ch.Code != "balie" {
			t.Errorf("the channel is now %+v (%v)", ch, err)
		}

		// A new team with a code the rules refuse, then a good one.
		run("adding a team", chromedp.Click(`#new-organizations`), chromedp.WaitVisible(`#admin-form`),
			chromedp.SetValue(`#a-code`, "Team Één"), chromedp.SetValue(`#a-name`, "Team Vergunningen"),
			chromedp.SetValue(`#a-kind`, "TEAM"), chromedp.SetValue(`#a-parentID`, itoa(k.ClusterA.ID)), chromedp.Click(`#admin-save`))
		poll("the message beside the code", `document.getElementById('err-code') !== null`)
		run("correcting the code", chromedp.SetValue(`#a-code`, "team-vergunningen"), chromedp.Click(`#admin-save`))
		poll("the new team", `document.querySelector('#admin-organizations') !== null && document.querySelector('#admin-organizations').textContent.includes('team-vergunningen')`)
		team, err := db.Client.Organization.Query().Where(organization.Code("team-vergunningen")).WithParent().Only(allow)
		if err != nil || team.Edges.Parent == nil || team.Edges.Parent.ID != k.ClusterA.ID {
			t.Errorf("the team: %+v (%v)", team, err)
		}

		// An editor has no admin area.
		run("signing out", chromedp.Navigate(base+"/beheer/"), chromedp.WaitVisible(`#logout`), chromedp.Click(`#logout button`), chromedp.WaitVisible(`#sign-in`))
		idp.Editor("redacteur@rotterdam.nl", "cluster-a")
		run("signing in as editor", chromedp.Click(`#sign-in`), chromedp.WaitVisible(`#products`))
		if hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('nav-admin').hidden`)); err != nil || !hidden {
			t.Errorf("an editor is offered the admin area (%v)", err)
		}
		if p := b.problems(); len(p) > 0 {
			t.Errorf("the browser reported:\n%s", strings.Join(p, "\n"))
		}
	})
}
