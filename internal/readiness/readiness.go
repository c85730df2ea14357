// Package readiness says whether a product is ready to go live, from the
// data: a checklist whose open items are named in plain Dutch for the product
// owner (docs/readiness.md); the list of products due for a test with
// residents; and the share of published products that are ready, per cluster.
package readiness

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/residenttest"
	"github.com/gemeente-rotterdam/catalogus/ent/uplentry"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/plainlang"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
)

// Settings are the checklist's intervals, set per deployment
// (catalogus serve --readiness-test-months, --readiness-review-months).
type Settings struct {
	// TestMonths: a product counts as tested with residents when its last
	// test lies at most this many months back.
	TestMonths int
	// ReviewMonths: a NOT_APPLICABLE or UNAVAILABLE cell must have been
	// reviewed within this many months, so that a "no" is not left standing
	// after the reason for it has gone.
	ReviewMonths int
}

// Defaults: a test and a review once a year.
const (
	DefaultTestMonths   = 12
	DefaultReviewMonths = 12
)

// WithDefaults fills in the intervals left at zero.
func (s Settings) WithDefaults() Settings {
	if s.TestMonths <= 0 {
		s.TestMonths = DefaultTestMonths
	}
	if s.ReviewMonths <= 0 {
		s.ReviewMonths = DefaultReviewMonths
	}
	return s
}

// Readiness is a product's checklist: Ready when nothing is Missing.
type Readiness struct {
	Ready   bool
	Missing []string
}

// Cell is what the checklist needs of one active channel's cell: its
// status, or "" when the channel is not assessed, its reason and when it was
// last reviewed.
type Cell struct {
	Channel      string // the channel's name
	Status       availability.Status
	Reason       string
	LastReviewed time.Time
}

// Facts are the data the checklist reads.
type Facts struct {
	Summary string
	// Cells: one per active channel, in the channels' order.
	Cells []Cell
	// PublishedAnswers about the product in the answer base.
	PublishedAnswers int
	// UPL: the product's UPL entry, nil when it has none.
	UPL *ent.UPLEntry
	// LastTest is the day of the product's newest test with residents, nil
	// when it was never tested.
	LastTest *time.Time
	// Today is the day the checklist is evaluated on.
	Today time.Time
}

// since is the first day that still lies within months before today.
func since(today time.Time, months int) time.Time {
	return catalog.DateOf(today).AddDate(0, -months, 0)
}

// Evaluate is the checklist:
//   - the summary passes the B1 check (internal/plainlang);
//   - every active channel is assessed (has a status);
//   - every NOT_APPLICABLE and UNAVAILABLE cell says why ("Nee is ook een
//     antwoord") and was reviewed within the review interval;
//   - the answer base holds a published answer about the product;
//   - the product has a UPL name that is still on the national list;
//   - the product was tested with residents within the test interval.
func Evaluate(f Facts, s Settings) Readiness {
	s = s.WithDefaults()
	var missing []string
	switch {
	case strings.TrimSpace(f.Summary) == "":
		missing = append(missing, "Schrijf een samenvatting.")
	case !plainlang.Check(f.Summary).B1:
		missing = append(missing, "Maak de samenvatting makkelijker: die is nog niet op B1-niveau.")
	}
	reviewedFrom := since(f.Today, s.ReviewMonths)
	var open, noReason, unreviewed []string
	for _, c := range f.Cells {
		no := c.Status == availability.StatusNOT_APPLICABLE || c.Status == availability.StatusUNAVAILABLE
		switch {
		case c.Status == "":
			open = append(open, c.Channel)
		case no && strings.TrimSpace(c.Reason) == "":
			noReason = append(noReason, c.Channel)
		case no && catalog.DateOf(c.LastReviewed).Before(reviewedFrom):
			unreviewed = append(unreviewed, c.Channel)
		}
	}
	if len(open) > 0 {
		missing = append(missing, fmt.Sprintf("Geef aan of het product via deze kanalen kan: %s.", strings.Join(open, ", ")))
	}
	if len(noReason) > 0 {
		missing = append(missing, fmt.Sprintf("Schrijf waarom het niet kan via: %s.", strings.Join(noReason, ", ")))
	}
	if len(unreviewed) > 0 {
		missing = append(missing, fmt.Sprintf("Kijk of de reden nog klopt waarom het niet kan via: %s. Die is langer dan %s niet nagekeken.",
			strings.Join(unreviewed, ", "), months(s.ReviewMonths)))
	}
	if f.PublishedAnswers == 0 {
		missing = append(missing, "Zet een antwoord over dit product in de vraag-antwoordbank en publiceer het.")
	}
	switch {
	case f.UPL == nil || f.UPL.URI == publish.UPLPlaceholderURI:
		missing = append(missing, "Kies een UPL-naam (de landelijke productnaam).")
	case !f.UPL.InList:
		missing = append(missing, "Kies een nieuwe UPL-naam: deze staat niet meer op de landelijke lijst.")
	}
	switch {
	case f.LastTest == nil:
		missing = append(missing, "Test het product met bewoners: het is nog niet getest.")
	case catalog.DateOf(*f.LastTest).Before(since(f.Today, s.TestMonths)):
		missing = append(missing, fmt.Sprintf("Test het product opnieuw met bewoners: de laatste test (%s) is langer dan %s geleden.",
			f.LastTest.Format(time.DateOnly), months(s.TestMonths)))
	}
	if missing == nil {
		missing = []string{}
	}
	return Readiness{Ready: len(missing) == 0, Missing: missing}
}

// months says n months in Dutch.
func months(n int) string {
	if n == 1 {
		return "1 maand"
	}
	return fmt.Sprintf("%d maanden", n)
}

// Of reads a product's facts and evaluates them.
func Of(ctx context.Context, c *ent.Client, p *ent.Product, s Settings) (Readiness, error) {
	facts, err := Load(ctx, c, []*ent.Product{p})
	if err != nil {
		return Readiness{}, err
	}
	return Evaluate(facts[p.ID], s), nil
}

// Load reads the facts of several products in a few statements, whatever
// their number. The answers and tests are counted past the privacy rules:
// whether a product has a published answer, or was tested, is the same for
// every caller, also when the answer is INTERNAL.
func Load(ctx context.Context, c *ent.Client, ps []*ent.Product) (map[int]Facts, error) {
	out := make(map[int]Facts, len(ps))
	if len(ps) == 0 {
		return out, nil
	}
	today := catalog.DateOf(changelog.ClientNow(ctx, c))
	ids := make([]int, len(ps))
	var uplIDs []int
	for i, p := range ps {
		ids[i] = p.ID
		if p.UplEntryID != nil {
			uplIDs = append(uplIDs, *p.UplEntryID)
		}
	}
	all := auth.Allow(ctx)
	channels, err := c.Channel.Query().Where(channel.Active(true)).Order(channel.BySortOrder()).All(ctx)
	if err != nil {
		return nil, err
	}
	cells, err := c.Availability.Query().Where(availability.ProductIDIn(ids...)).All(all)
	if err != nil {
		return nil, err
	}
	byCell := map[[2]int]*ent.Availability{}
	for _, a := range cells {
		byCell[[2]int{a.ProductID, a.ChannelID}] = a
	}
	answers, err := c.Answer.Query().Where(answer.StatusEQ(answer.StatusPUBLISHED), answer.HasProductsWith(product.IDIn(ids...))).
		WithProducts(func(q *ent.ProductQuery) { q.Where(product.IDIn(ids...)).Select(product.FieldID) }).All(all)
	if err != nil {
		return nil, err
	}
	answered := map[int]int{}
	for _, a := range answers {
		for _, p := range a.Edges.Products {
			answered[p.ID]++
		}
	}
	upl := map[int]*ent.UPLEntry{}
	if len(uplIDs) > 0 {
		entries, err := c.UPLEntry.Query().Where(uplentry.IDIn(uplIDs...)).All(all)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			upl[e.ID] = e
		}
	}
	tests, err := c.ResidentTest.Query().Where(residenttest.ProductIDIn(ids...)).
		Select(residenttest.FieldProductID, residenttest.FieldTestedOn).All(all)
	if err != nil {
		return nil, err
	}
	last := map[int]time.Time{}
	for _, t := range tests {
		if t.TestedOn.After(last[t.ProductID]) {
			last[t.ProductID] = t.TestedOn
		}
	}
	for _, p := range ps {
		f := Facts{Summary: p.Summary, PublishedAnswers: answered[p.ID], Today: today}
		for _, ch := range channels {
			cell := Cell{Channel: ch.Name}
			if a := byCell[[2]int{p.ID, ch.ID}]; a != nil {
				cell.Status, cell.LastReviewed = a.Status, a.LastReviewed
				if a.Reason != nil {
					cell.Reason = *a.Reason
				}
			}
			f.Cells = append(f.Cells, cell)
		}
		if p.UplEntryID != nil {
			f.UPL = upl[*p.UplEntryID]
		}
		if t, ok := last[p.ID]; ok {
			f.LastTest = &t
		}
		out[p.ID] = f
	}
	return out, nil
}
