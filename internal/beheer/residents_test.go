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
	"github.com/gemeente-rotterdam/catalogus/ent/product"
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

// TestResidentTestsAndPublishingInABrowser: the product owner finds their
// untested product in the list of products due for a test, records a test
// with residents on its page, and the product becomes ready; a draft that is
// not ready is published only after the page has shown what is missing and
// the owner confirmed, and the change log keeps what was missing.
func TestResidentTestsAndPublishingInABrowser(t *testing.T) {
	browsertest.Chromium(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.DepartmentA1)
		var draft *ent.Product
		// Everything of paspoort's checklist is done but a test with residents.
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) (err error) {
			upl, err := tx.UPLEntry.Create().SetURI("http://standaarden.overheid.nl/owms/terms/paspoort").SetName("paspoort").
				SetMunicipal(true).SetInList(true).Save(ctx)
			if err != nil {
				return err
			}
			if err := tx.Product.UpdateOneID(p.ID).SetSummary("Wilt u een nieuw paspoort? Vraag het aan met het formulier.").SetUplEntry(upl).Exec(ctx); err != nil {
				return err
			}
			for _, ch := range []*ent.Channel{k.Website, k.Balie} {
				if err := tx.Availability.Create().SetProductID(p.ID).SetChannel(ch).SetStatus(availability.StatusAVAILABLE).Exec(ctx); err != nil {
					return err
				}
			}
			if err := tx.Answer.Create().SetOwner(k.DepartmentA1).SetMunicipality(k.Municipality).AddProductIDs(p.ID).
				SetQuestion("Hoe vraag ik een paspoort aan?").SetText("Vul het formulier in op de website.").
				SetStatus(answer.StatusPUBLISHED).Exec(ctx); err != nil {
				return err
			}
			draft, err = fixture.ProductCreate(tx, "concept", k.DepartmentA1).SetStatus(product.StatusDRAFT).Save(ctx)
			return err
		})
		idp := signintest.Start(t)
		base := servertest.WithSignIn(t, idp, db, nil, server.Config{})
		b := newTab(t)
		run, eval, poll := b.run, b.eval, b.poll

		idp.Editor("jane.doe@rotterdam.nl", k.ClusterA.Code)
		run("signing in", chromedp.Navigate(base+"/beheer/"), chromedp.WaitVisible(`#sign-in`), chromedp.Click(`#sign-in`), chromedp.WaitVisible(`#products`))
		poll("the products due for a test", `document.querySelector('#due-list li[data-slug="paspoort"]') !== null`)
		if due := eval(`document.querySelector('#due-list li[data-slug="paspoort"]').textContent`); !strings.Contains(due, "nog nooit getest") {
			t.Errorf("the list of products due reads %q", due)
		}

		// Record a test on the product's page.
		run("opening the product", chromedp.Navigate(base+"/beheer/#product/paspoort"), chromedp.WaitVisible(`#product[data-slug="paspoort"]`))
		if items := eval(`document.getElementById('product-readiness').textContent`); !strings.Contains(items, "met bewoners") {
			t.Errorf("the checklist does not ask for a test: %q", items)
		}
		today := time.Now().Format(time.DateOnly)
		setDate := func(id, v string) {
			eval(`(() => { document.getElementById('` + id + `').value = '` + v + `'; return ''; })()`)
		}
		// A test in the future is refused beside its field.
		setDate("t-testedOn", time.Now().AddDate(0, 0, 2).Format(time.DateOnly))
		run("filling in the test", chromedp.SetValue(`#t-participants`, "6"), chromedp.Click(`#t-groups input[value="LANGUAGE_DIFFICULTY"]`),
			chromedp.SetValue(`#t-findings`, "De knop was niet te vinden."), chromedp.SetValue(`#t-action`, "Knop bovenaan zetten"),
			chromedp.SetValue(`#t-owner`, "Team web"))
		setDate("t-due", time.Now().AddDate(0, 1, 0).Format(time.DateOnly))
		run("saving a test in the future", chromedp.Click(`#test-save`))
		poll("the date refused", `document.querySelector('[data-field="testedOn"].has-error') !== null`)
		setDate("t-testedOn", today)
		run("saving the test", chromedp.Click(`#test-save`))
		poll("the test listed", `document.querySelector('#tests-table tbody tr') !== null`)
		poll("the product ready", `document.getElementById('product-readiness').dataset.ready === 'true'`)
		tests, err := db.Client.ResidentTest.Query().Where(residenttest.ProductID(p.ID)).All(auth.Allow(context.Background()))
		if err != nil || len(tests) != 1 || tests[0].Participants != 6 || len(tests[0].Groups) != 1 || len(tests[0].FollowUps) != 1 ||
			tests[0].FollowUps[0].Owner != "Team web" {
			t.Fatalf("the recorded tests: %+v (%v)", tests, err)
		}

		// Publishing a draft that is not ready asks first.
		run("opening the draft", chromedp.Navigate(base+"/beheer/#product/concept"), chromedp.WaitVisible(`#product[data-slug="concept"]`))
		run("publishing", chromedp.Click(`#product-publish`), chromedp.WaitVisible(`#publish-confirm`))
		if items := eval(`document.getElementById('publish-missing').textContent`); !strings.Contains(items, "met bewoners") || !strings.Contains(items, "UPL-naam") {
			t.Errorf("the confirmation lists %q", items)
		}
		run("cancelling", chromedp.Click(`#publish-cancel`))
		if got, _ := db.Client.Product.Get(auth.Allow(context.Background()), draft.ID); got.Status != product.StatusDRAFT {
			t.Fatalf("cancelled, the draft became %s", got.Status)
		}
		run("publishing anyway", chromedp.Click(`#product-publish`), chromedp.WaitVisible(`#publish-confirm`), chromedp.Click(`#publish-force`))
		poll("the published product", `document.getElementById('product-status').dataset.status === 'PUBLISHED'`)
		if got, _ := db.Client.Product.Get(auth.Allow(context.Background()), draft.ID); got.Status != product.StatusPUBLISHED || len(got.PublishedNotReady) == 0 {
			t.Errorf("forced: %s, recorded missing %q", got.Status, got.PublishedNotReady)
		}
		if p := b.problems(); len(p) > 0 {
			t.Errorf("the browser reported:\n%s", strings.Join(p, "\n"))
		}
	})
}
