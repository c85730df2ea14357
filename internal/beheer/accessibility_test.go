package beheer_test

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/browsertest"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/server/servertest"
	"github.com/gemeente-rotterdam/catalogus/internal/signin"
	"github.com/gemeente-rotterdam/catalogus/internal/signin/signintest"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// checkPage holds the page as it is now to WCAG 2.1 A and AA (axe-core) and
// to what a phone needs, at 1280 px and at 360 × 800.
func checkPage(b tab, name string) {
	b.t.Helper()
	// No machine words: a stray null or undefined, or a status code where
	// words belong.
	if stray := b.eval(`(document.body.innerText.match(/\b(null|undefined|NOT_APPLICABLE|CITY_OFFICE|DEPARTMENT|RESIDENT|costCurrency)\b/) || [''])[0]`); stray != "" {
		b.t.Errorf("%s shows %q", name, stray)
	}
	for _, w := range []struct {
		width, height int64
		label         string
	}{{1280, 1000, "1280 px"}, {360, 800, "360 px"}} {
		b.run("resizing for "+name, chromedp.EmulateViewport(w.width, w.height))
		browsertest.CheckSmallScreen(b.t, b.ctx, name+" ("+w.label+")")
		browsertest.CheckAccessibility(b.t, b.ctx, name+" ("+w.label+")")
	}
	b.run("back to a wide window", chromedp.EmulateViewport(1280, 1000))
}

// TestEditorIsAccessible signs in as an admin on the seed and checks every
// editor page with its forms open: the sign-in page, Mijn producten, a
// product with a channel's form open (one still on the UPL placeholder, which
// the page points out), the answer base with a new answer's form, the
// call-back form and queue, and the admin area with a form open; and the
// development sign-in page. Then it saves a channel with the keyboard alone
// and checks that the focus returns to that channel's button.
func TestEditorIsAccessible(t *testing.T) {
	browsertest.Chromium(t)
	browsertest.Axe(t)
	db := storetest.Seeded(t, "sqlite", fixture.Seed)
	k := pick(t, db)
	idp := signintest.Start(t)
	base := servertest.WithSignIn(t, idp, db, nil, server.Config{})
	b := newTab(t)

	b.run("opening the editor", chromedp.Navigate(base+"/beheer/"), chromedp.WaitVisible(`#sign-in`))
	checkPage(b, "sign-in")

	idp.Person("beheer@rotterdam.nl", signintest.AdminGroup)
	b.run("signing in", chromedp.Click(`#sign-in`), chromedp.WaitVisible(`#products`))
	checkPage(b, "Mijn producten")

	// buurtbemiddeling is one of the city's own products: no UPL name.
	b.run("opening a product without a UPL name", chromedp.Navigate(base+"/beheer/#product/buurtbemiddeling"),
		chromedp.WaitVisible(`#product[data-slug="buurtbemiddeling"]`), chromedp.WaitVisible(`#product-upl`))
	if msg := b.eval(`document.getElementById('product-upl').textContent`); !strings.Contains(msg, "UPL-naam nog niet beschikbaar") {
		t.Errorf("the product page's UPL notice reads %q", msg)
	}
	b.run("opening a product", chromedp.Navigate(base+"/beheer/#product/"+k.mine.Slug),
		chromedp.WaitVisible(`#product[data-slug="`+k.mine.Slug+`"]`))
	if hidden := b.eval(`String(document.getElementById('product-upl').hidden)`); hidden != "true" {
		t.Errorf("%s has a UPL name, yet the page says it has none", k.mine.Slug)
	}
	b.run("opening a channel's form", chromedp.Click(`#edit-`+k.channel.Code), chromedp.WaitVisible(`#cell-form`))
	checkPage(b, "product with a channel's form")
	// CATALOGUS_EDITOR_PHONE_SCREENSHOT=$PWD/docs/editor-phone.png takes the
	// README's picture of the editor on a phone: the channel's form.
	if path := os.Getenv("CATALOGUS_EDITOR_PHONE_SCREENSHOT"); path != "" {
		b.run("a phone", chromedp.EmulateViewport(360, 800))
		b.eval(`(() => { document.getElementById('cell-form').scrollIntoView({ block: 'start' }); return ''; })()`)
		shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		b.run("a wide window", chromedp.EmulateViewport(1280, 1000))
	}

	b.run("opening the answers", chromedp.Navigate(base+"/beheer/#antwoorden"), chromedp.WaitVisible(`#answers`),
		chromedp.SendKeys(`#q-search`, "paspoort"), chromedp.Click(`#q-go`))
	b.poll("answers found", `document.querySelectorAll('#answer-results li').length > 0`)
	b.run("opening a new answer's form", chromedp.Click(`#answer-new`), chromedp.WaitVisible(`#answer-editor form`))
	checkPage(b, "Antwoorden with a new answer's form")
	b.run("opening the call-back form", chromedp.Navigate(base+"/beheer/#antwoorden"), chromedp.WaitVisible(`#answers`),
		chromedp.Click(`#callback-new`), chromedp.WaitVisible(`#callback-filer form`))
	checkPage(b, "Antwoorden with the call-back form")

	b.run("opening the call-backs", chromedp.Navigate(base+"/beheer/#terugbellen"), chromedp.WaitVisible(`#callback-queue table`))
	checkPage(b, "Terugbelverzoeken")

	b.run("opening the admin area", chromedp.Navigate(base+"/beheer/#admin"), chromedp.WaitVisible(`#admin-channels`),
		chromedp.Click(`#admin-channels tbody tr button`), chromedp.WaitVisible(`#admin-form`))
	checkPage(b, "Beheer with a channel's form")

	// Keyboard only: Tab to the channel's button, Enter, choose a status
	// with the arrow keys, Tab to Opslaan, Enter. The focus must come back to
	// the button the form was opened from, not fall to the page.
	b.run("opening the product again", chromedp.Navigate(base+"/beheer/#product/"+k.mine.Slug),
		chromedp.WaitVisible(`#product[data-slug="`+k.mine.Slug+`"]`))
	tabTo := func(id string) {
		t.Helper()
		for range 400 {
			if b.eval(`document.activeElement ? document.activeElement.id : ''`) == id {
				return
			}
			b.run("pressing Tab", chromedp.KeyEvent(kb.Tab))
		}
		t.Fatalf("Tab never reaches #%s", id)
	}
	tabTo("edit-" + k.another.Code)
	b.run("pressing Enter on the channel's button", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`#cell-form`))
	if f := b.eval(`document.activeElement.id`); f != "c-status" {
		t.Errorf("the form opened with the focus on #%s, want the status", f)
	}
	b.eval(`(() => { const s = document.getElementById('c-status'); s.value = 'UNAVAILABLE'; s.dispatchEvent(new Event('change')); return ''; })()`)
	b.run("typing a reason", chromedp.Click(`#c-reason`), chromedp.KeyEvent("Nog niet via dit kanaal."))
	tabTo("cell-save")
	b.run("pressing Enter on Opslaan", chromedp.KeyEvent(kb.Enter))
	// The form closes once the save is answered. The cell may have been
	// UNAVAILABLE before (the seed's, or an earlier run's with -count): its
	// status alone does not say the save is done, and reading the focus
	// before then found it still on Opslaan (2 failures in 3 runs).
	b.poll("the saved status", `document.getElementById('cell-form').hidden &&
		document.querySelector('#cells-table tr[data-channel="`+k.another.Code+`"] td[data-status="UNAVAILABLE"]') !== null`)
	if f := b.eval(`document.activeElement ? document.activeElement.id : ''`); f != "edit-"+k.another.Code {
		t.Errorf("after saving, the focus is on %q, want the channel's button #edit-%s", f, k.another.Code)
	}
	a, err := db.Client.Availability.Query().Where(availability.ProductID(k.mine.ID), availability.ChannelID(k.another.ID)).Only(auth.Allow(context.Background()))
	if err != nil || a.Status != availability.StatusUNAVAILABLE {
		t.Errorf("the saved cell: %+v (%v)", a, err)
	}
	if p := b.problems(); len(p) > 0 {
		t.Errorf("the browser reported:\n%s", strings.Join(p, "\n"))
	}

	// The development sign-in page (serve --dev-login), with the seed's
	// organizations in its list.
	dev, err := signin.New(context.Background(), signin.Config{DevLogin: true, Client: db.Client})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.Handler(server.Config{DB: db, SignIn: dev}))
	defer srv.Close()
	b.run("opening the development sign-in", chromedp.Navigate(srv.URL+signin.DevLoginPath), chromedp.WaitVisible(`#dev-submit`))
	checkPage(b, "development sign-in")
}
