package knowledge

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// TopQuestions is how many unanswered questions a report lists.
const TopQuestions = 10

// Report computes the answer base's figures today (see docs/knowledge.md):
//   - products: the municipality's PUBLISHED products owned within the
//     organization (all, without one); with a current answer: linked to at
//     least one answer that is PUBLISHED and reviewed within its interval,
//     whoever owns the answer, public or internal;
//   - answers: PUBLISHED answers owned within the organization, current or
//     overdue;
//   - call-back requests routed within the organization: open (OPEN or
//     ASSIGNED) with their age in hours, closed; the questions of requests
//     that no answer settled, most asked first (staff only).
//
// The counts are the same for every caller: they are read past the privacy
// rules, and only the questions' texts are kept from anonymous callers.
func (s *Service) Report(ctx context.Context, municipality, organization *string) (*Report, error) {
	m, err := s.municipality(ctx, s.Client, municipality)
	if err != nil {
		return nil, err
	}
	scope, err := orgScope(ctx, s.Client, m, organization)
	if err != nil {
		return nil, err
	}
	now := s.now(ctx)
	rep := &Report{AsOf: now, TopUnansweredQuestions: []Question{}}
	if err := s.countAnswers(ctx, rep, m.ID, scope, catalog.DateOf(now)); err != nil {
		return nil, err
	}
	asked, err := s.countCallbacks(ctx, rep, m.ID, scope, now)
	if err != nil {
		return nil, err
	}
	if auth.FromContext(ctx) != nil {
		rep.TopUnansweredQuestions = topQuestions(asked)
	}
	return rep, nil
}

// countAnswers counts the published products and those with a current
// answer, and the published answers, current or overdue.
func (s *Service) countAnswers(ctx context.Context, rep *Report, municipality int, scope []int, today time.Time) error {
	all := auth.Allow(ctx)
	pq := s.Client.Product.Query().Where(product.MunicipalityID(municipality), product.StatusEQ(product.StatusPUBLISHED))
	if scope != nil {
		pq = pq.Where(product.OwnerIDIn(scope...))
	}
	products, err := pq.IDs(all)
	if err != nil {
		return err
	}
	rep.Products = len(products)

	answers, err := s.Client.Answer.Query().
		Where(answer.MunicipalityID(municipality), answer.StatusEQ(answer.StatusPUBLISHED)).
		WithProducts(func(q *ent.ProductQuery) { q.Select(product.FieldID) }).
		All(all)
	if err != nil {
		return err
	}
	answered := map[int]bool{}
	for _, a := range answers {
		current := Current(a, today)
		if current {
			for _, p := range a.Edges.Products {
				answered[p.ID] = true
			}
		}
		if scope != nil && !slices.Contains(scope, a.OwnerID) {
			continue
		}
		rep.PublishedAnswers++
		if current {
			rep.CurrentAnswers++
		} else {
			rep.OverdueAnswers++
		}
	}
	for _, id := range products {
		if answered[id] {
			rep.ProductsWithCurrentAnswer++
		}
	}
	if rep.Products > 0 {
		rep.Share = float64(rep.ProductsWithCurrentAnswer) / float64(rep.Products)
	}
	return nil
}

// askedKey groups the questions no answer settled: by their words and product.
type askedKey struct{ question, product string }

// countCallbacks counts the call-back requests, open (with their ages) and
// closed, and gathers the questions that no answer settled.
func (s *Service) countCallbacks(ctx context.Context, rep *Report, municipality int, scope []int, now time.Time) (map[askedKey]*Question, error) {
	all := auth.Allow(ctx)
	cq := s.Client.CallbackRequest.Query().Where(callbackrequest.MunicipalityID(municipality)).
		WithProduct(func(q *ent.ProductQuery) { q.Select(product.FieldSlug) })
	if scope != nil {
		cq = cq.Where(callbackrequest.OrganizationIDIn(scope...))
	}
	requests, err := cq.All(all)
	if err != nil {
		return nil, err
	}
	var totalAge time.Duration
	asked := map[askedKey]*Question{}
	for _, r := range requests {
		if r.Status == callbackrequest.StatusCLOSED {
			rep.ClosedCallbacks++
		} else {
			rep.OpenCallbacks++
			if r.Status == callbackrequest.StatusASSIGNED {
				rep.AssignedCallbacks++
			}
			age := max(0, now.Sub(r.CreatedAt))
			totalAge += age
			if h := int(age / time.Hour); rep.OldestOpenCallbackHours == nil || h > *rep.OldestOpenCallbackHours {
				rep.OldestOpenCallbackHours = &h
			}
		}
		if r.AnswerID == nil && r.Edges.Product != nil {
			k := askedKey{NormalizeQuestion(r.Question), r.Edges.Product.Slug}
			if q, ok := asked[k]; ok {
				q.Count++
			} else {
				asked[k] = &Question{Question: k.question, Product: k.product, Count: 1}
			}
		}
	}
	if rep.OpenCallbacks > 0 {
		avg := totalAge.Hours() / float64(rep.OpenCallbacks)
		rep.AverageOpenCallbackHours = &avg
	}
	return asked, nil
}

// topQuestions lists the questions asked most, at most TopQuestions.
func topQuestions(asked map[askedKey]*Question) []Question {
	top := []Question{}
	for _, q := range asked {
		top = append(top, *q)
	}
	slices.SortFunc(top, func(a, b Question) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Question, b.Question), cmp.Compare(a.Product, b.Product))
	})
	if len(top) > TopQuestions {
		top = top[:TopQuestions]
	}
	return top
}

// NormalizeQuestion is how questions are grouped: lower case, single spaces,
// without the question mark at the end.
func NormalizeQuestion(q string) string {
	q = strings.Join(strings.Fields(strings.ToLower(q)), " ")
	return strings.TrimRight(q, "?!. ")
}
