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
	viewer := auth.FromContext(ctx)
	m, err := s.municipality(ctx, s.Client, municipality)
	if err != nil {
		return nil, err
	}
	scope, err := orgScope(ctx, s.Client, m, organization)
	if err != nil {
		return nil, err
	}
	all := auth.Allow(ctx)
	now := s.now(ctx)
	today := catalog.DateOf(now)
	rep := &Report{AsOf: now, TopUnansweredQuestions: []Question{}}

	pq := s.Client.Product.Query().Where(product.MunicipalityID(m.ID), product.StatusEQ(product.StatusPUBLISHED))
	if scope != nil {
		pq = pq.Where(product.OwnerIDIn(scope...))
	}
	products, err := pq.IDs(all)
	if err != nil {
		return nil, err
	}
	rep.Products = len(products)

	answers, err := s.Client.Answer.Query().
		Where(answer.MunicipalityID(m.ID), answer.StatusEQ(answer.StatusPUBLISHED)).
		WithProducts(func(q *ent.ProductQuery) { q.Select(product.FieldID) }).
		All(all)
	if err != nil {
		return nil, err
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

	cq := s.Client.CallbackRequest.Query().Where(callbackrequest.MunicipalityID(m.ID)).
		WithProduct(func(q *ent.ProductQuery) { q.Select(product.FieldSlug) })
	if scope != nil {
		cq = cq.Where(callbackrequest.OrganizationIDIn(scope...))
	}
	requests, err := cq.All(all)
	if err != nil {
		return nil, err
	}
	var totalAge time.Duration
	type key struct{ question, product string }
	asked := map[key]*Question{}
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
			k := key{NormalizeQuestion(r.Question), r.Edges.Product.Slug}
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
	if viewer != nil {
		for _, q := range asked {
			rep.TopUnansweredQuestions = append(rep.TopUnansweredQuestions, *q)
		}
		slices.SortFunc(rep.TopUnansweredQuestions, func(a, b Question) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Question, b.Question), cmp.Compare(a.Product, b.Product))
		})
		if len(rep.TopUnansweredQuestions) > TopQuestions {
			rep.TopUnansweredQuestions = rep.TopUnansweredQuestions[:TopQuestions]
		}
	}
	return rep, nil
}

// NormalizeQuestion is how questions are grouped: lower case, single spaces,
// without the question mark at the end.
func NormalizeQuestion(q string) string {
	q = strings.Join(strings.Fields(strings.ToLower(q)), " ")
	return strings.TrimRight(q, "?!. ")
}
