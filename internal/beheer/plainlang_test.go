package beheer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/residenttest"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/browsertest"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/server/servertest"
	"github.com/gemeente-rotterdam/catalogus/internal/signin/signintest"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestSummaryB1CheckInABrowser: a product that is ready but for its summary;
// the product owner sees that, types an officialese summary and sees as they
// type that it is above B1 and why; they fix it, see it pass, save it, and the
// product is ready.
func TestSummaryB1CheckInABrowser(t *testing.T) {
	browsertest.Chromium(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.DepartmentA1)
		// Everything else of the checklist is done: only the summary keeps
		// the product from being ready.
		officialese := "Indien u een nieuw paspoort wenst, dient de aanvraag middels het formulier te worden ingediend."
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			upl, err := tx.UPLEntry.Create().SetURI("http://standaarden.overheid.nl/owms/terms/paspoort").SetName("paspoort").
				SetMunicipal(true).SetInList(true).Save(ctx)
			if err != nil {
				return err
			}
			if err := tx.Product.UpdateOneID(p.ID).SetSummary(officialese).SetUplEntry(upl).Exec(ctx); err != nil {
				return err
			}
			if err := tx.Availability.Create().SetProductID(p.ID).SetChannel(k.Website).SetStatus(availability.StatusAVAILABLE).
				SetURL("https://www.rotterdam.nl/paspoort").Exec(ctx); err != nil {
				return err
			}
			if err := tx.Availability.Create().SetProductID(p.ID).SetChannel(k.Balie).SetStatus(availability.StatusNOT_APPLICABLE).
				SetReason("Vraag het aan op de website.").Exec(ctx); err != nil {
				return err
			}
			if err := tx.ResidentTest.Create().SetProductID(p.ID).SetTestedOn(time.Now()).SetMethod(residenttest.MethodINTERVIEW).
				SetParticipants(5).Exec(ctx); err != nil {
				return err
			}
			return tx.Answer.Create().SetOwner(k.DepartmentA1).SetMunicipality(k.Municipality).AddProductIDs(p.ID).
				SetQuestion("Hoe vraag ik een paspoort aan?").SetText("Vul het formulier in op de website.").
				SetStatus(answer.StatusPUBLISHED).Exec(ctx)
		})
		idp := signintest.Start(t)
		base := servertest.WithSignIn(t, idp, db, nil, server.Config{})
		b := newTab(t)
		run, eval, poll := b.run, b.eval, b.poll

		idp.Editor("jane.doe@rotterdam.nl", k.ClusterA.Code)
		run("signing in", chromedp.Navigate(base+"/beheer/"), chromedp.WaitVisible(`#sign-in`), chromedp.Click(`#sign-in`), chromedp.WaitVisible(`#products`))
		run("opening the product", chromedp.Navigate(base+"/beheer/#product/"+p.Slug), chromedp.WaitVisible(`#product[data-slug="`+p.Slug+`"]`))

		if ready := eval(`document.getElementById('product-readiness').dataset.ready`); ready != "false" {
			t.Errorf("with an officialese summary the product is ready: %q", ready)
		}
		if items := eval(`document.getElementById('product-readiness').textContent`); !strings.Contains(items, "B1-niveau") {
			t.Errorf("the checklist does not name the summary: %q", items)
		}

		// Typed, not set: the check follows the keys.
		clear := func() { eval(`(() => { document.getElementById('p-summary').value = ''; return ''; })()`) }
		clear()
		run("typing an officialese summary", chromedp.SendKeys(`#p-summary`, officialese))
		poll("the summary flagged", `document.getElementById('p-summary-check').dataset.b1 === 'false'`)
		check := eval(`document.getElementById('p-summary-check').textContent`)
		for _, want := range []string{"moeilijker dan B1", `"als" in plaats van "Indien"`, `"met, via" in plaats van "middels"`} {
			if !strings.Contains(check, want) {
				t.Errorf("beside the officialese summary the check reads %q, without %q", check, want)
			}
		}

		plain := "Wilt u een nieuw paspoort? Vraag het aan met het formulier."
		clear()
		run("rewriting it plainly", chromedp.SendKeys(`#p-summary`, plain))
		poll("the summary passing", `document.getElementById('p-summary-check').dataset.b1 === 'true'`)
		if check := eval(`document.getElementById('p-summary-check').textContent`); !strings.Contains(check, "waarschijnlijk B1") || strings.Contains(check, "Indien") {
			t.Errorf("beside the plain summary the check reads %q", check)
		}
		run("saving", chromedp.Click(`#product-save`))
		poll("the saved summary", `document.querySelector('#history-table tbody tr') !== null && document.querySelector('#history-table tbody tr').textContent.includes('Vraag het aan')`)
		poll("the product ready", `document.getElementById('product-readiness').dataset.ready === 'true'`)
		if got, err := db.Client.Product.Get(auth.Allow(context.Background()), p.ID); err != nil || got.Summary != plain {
			t.Errorf("the saved summary: %q (%v)", got.Summary, err)
		}
		if p := b.problems(); len(p) > 0 {
			t.Errorf("the browser reported:\n%s", strings.Join(p, "\n"))
		}
	})
}
