package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/residenttest"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// IllustrativeTest starts the findings of every seeded test with residents:
// the tests are made up for the seed, so that the readiness checklist, the
// list of products due for a test and the dashboard show something.
const IllustrativeTest = "Illustratief (geen echte test): "

// residentTestKinds are the made-up tests, taken in turn: method, how many
// took part, the groups reached, a finding and what will be done.
var residentTestKinds = []struct {
	method       residenttest.Method
	participants int
	groups       []catalog.ResidentGroup
	finding      string
	action       string
}{
	{residenttest.MethodUSABILITY_TEST, 6, []catalog.ResidentGroup{catalog.GroupLimitedDigitalSkills},
		"bewoners vonden de knop om te beginnen niet meteen.", "De knop bovenaan de pagina zetten."},
	{residenttest.MethodINTERVIEW, 8, []catalog.ResidentGroup{catalog.GroupLanguageDifficulty},
		"de uitleg over wat u moet meenemen was niet voor iedereen duidelijk.", "De lijst met wat u meeneemt korter maken."},
	{residenttest.MethodSURVEY, 120, []catalog.ResidentGroup{catalog.GroupYoungPeople, catalog.GroupLimitedDigitalSkills},
		"jongeren zochten het product in de app en niet op de website.", "Het product in de app laten zien."},
	{residenttest.MethodUSABILITY_TEST, 5, []catalog.ResidentGroup{catalog.GroupYoungPeople, catalog.GroupLanguageDifficulty},
		"de meeste bewoners konden het zonder hulp regelen.", "Over een jaar opnieuw testen."},
}

// residentTestSteps writes a test with residents for every product the
// seed's answer base is about, each by its owner: three of every four
// within the year before the seed's last day, the fourth two years back
// (so that it is due again).
func (l *loader) residentTestSteps(add func(time.Time, int, changelog.Actor, func(context.Context, *ent.Client) error)) {
	owners := map[string]string{}
	published := map[string]time.Time{}
	for _, p := range l.products {
		owners[p.slug] = p.owner
		published[p.slug] = p.publish
	}
	seen := map[string]bool{}
	n := 0
	for _, a := range l.answers {
		for _, slug := range a.products {
			if seen[slug] {
				continue
			}
			seen[slug] = true
			k := residentTestKinds[n%len(residentTestKinds)]
			// Spread over the weeks before the seed's last day.
			when := last.AddDate(0, 0, -7*(1+n%40))
			if n%4 == 3 {
				when = when.AddDate(-2, 0, 0)
			}
			if !when.After(published[slug]) {
				// A product is tested once it is there: a week after it went live.
				when = published[slug].AddDate(0, 0, 7)
			}
			n++
			add(when, 3, changelog.Actor{Name: "seed:" + owners[slug]}, func(ctx context.Context, c *ent.Client) error {
				err := c.ResidentTest.Create().SetProductID(l.productIDs[slug]).SetTestedOn(catalog.DateOf(when)).
					SetMethod(k.method).SetParticipants(k.participants).SetGroups(k.groups).
					SetFindings(IllustrativeTest + k.finding).
					SetFollowUps([]catalog.FollowUp{{Action: k.action, Owner: "Productteam " + owners[slug], Due: catalog.DateOf(when.AddDate(0, 3, 0))}}).
					Exec(ctx)
				if err != nil {
					return fmt.Errorf("test with residents of %s: %w", slug, err)
				}
				return nil
			})
		}
	}
}
