package knowledge_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/knowledge"
)

// TestReportAgainstAnIndependentCount writes a random answer base and
// compares the figures with a count made here, in plain Go, from what the
// test itself wrote.
func TestReportAgainstAnIndependentCount(t *testing.T) {
	for round := range 3 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			each(t, func(t *testing.T, w *world) { checkRandomReport(t, w, uint64(round)) })
		})
	}
}

type genProduct struct {
	id, owner int
	slug      string
	published bool
}

type genAnswer struct {
	owner, interval int
	published       bool
	reviewed        time.Time
	products        []int
}

type genCallback struct {
	org, product int
	slug         string
	question     string
	created      time.Time
	status       callbackrequest.Status
	answered     bool
}

func checkRandomReport(t *testing.T, w *world, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 42))
	orgs := []*ent.Organization{w.k.ClusterA, w.k.DepartmentA1, w.k.ClusterB}
	var products []genProduct
	for _, p := range []*ent.Product{w.paspoort, w.grofvuil} {
		products = append(products, genProduct{id: p.ID, owner: p.OwnerID, slug: p.Slug, published: true})
	}
	var answerIDs []int
	var answers []genAnswer
	var callbacks []genCallback
	fixture.Tx(t, w.db.Client, func(ctx context.Context, tx *ent.Client) error {
		for i := range 25 {
			owner := orgs[r.IntN(len(orgs))]
			status := []product.Status{product.StatusPUBLISHED, product.StatusPUBLISHED, product.StatusDRAFT, product.StatusRETIRED}[r.IntN(4)]
			slug := fmt.Sprintf("product-%d", i)
			p, err := fixture.ProductCreate(tx, slug, owner).SetStatus(status).Save(ctx)
			if err != nil {
				return err
			}
			products = append(products, genProduct{id: p.ID, owner: owner.ID, slug: slug, published: status == product.StatusPUBLISHED})
		}
		for i := range 40 {
			owner := orgs[r.IntN(len(orgs))]
			status := []answer.Status{answer.StatusPUBLISHED, answer.StatusPUBLISHED, answer.StatusDRAFT, answer.StatusARCHIVED}[r.IntN(4)]
			interval := []int{30, 90, 180, 365}[r.IntN(4)]
			reviewed := catalog.DateOf(now).AddDate(0, 0, -r.IntN(400))
			ga := genAnswer{owner: owner.ID, interval: interval, published: status == answer.StatusPUBLISHED, reviewed: reviewed}
			for range 1 + r.IntN(3) {
				p := products[r.IntN(len(products))]
				if !slices.Contains(ga.products, p.id) {
					ga.products = append(ga.products, p.id)
				}
			}
			a, err := tx.Answer.Create().SetOwnerID(owner.ID).SetQuestion(fmt.Sprintf("Vraag %d?", i)).SetText("Antwoord.").
				SetStatus(status).SetReviewIntervalDays(interval).SetLastReviewed(reviewed).AddProductIDs(ga.products...).Save(ctx)
			if err != nil {
				return err
			}
			answerIDs = append(answerIDs, a.ID)
			answers = append(answers, ga)
		}
		return nil
	})
	questions := []string{"Kan ik dit ook 's avonds regelen?", "kan ik dit ook 's avonds  regelen", "Wat als ik geen DigiD heb?", "Mag een ander het voor mij doen?"}
	channels := []*ent.Channel{w.telefoon, w.chat, w.k.Balie}
	for range 30 {
		w.clk.Advance(time.Duration(r.IntN(20*60)) * time.Minute)
		p := products[r.IntN(len(products))]
		gc := genCallback{org: p.owner, product: p.id, slug: p.slug, question: questions[r.IntN(len(questions))], created: w.clk.Now().UTC().Truncate(time.Microsecond)}
		var status callbackrequest.Status
		fixture.Tx(t, w.db.Client, func(ctx context.Context, tx *ent.Client) error {
			c, err := tx.CallbackRequest.Create().SetProductID(p.id).SetQuestion(gc.question).
				SetChannelID(channels[r.IntN(3)].ID).SetReplyChannelID(channels[r.IntN(3)].ID).SetContact("06-00000000").Save(ctx)
			if err != nil {
				return err
			}
			u := c.Update()
			switch r.IntN(4) {
			case 0:
				status = callbackrequest.StatusOPEN
				return nil
			case 1:
				status = callbackrequest.StatusASSIGNED
				u.SetStatus(status).SetAssignee("iemand")
			case 2:
				status = callbackrequest.StatusCLOSED
				u.SetStatus(status)
			default:
				status = callbackrequest.StatusCLOSED
				gc.answered = true
				u.SetStatus(status).SetAnswerID(answerIDs[r.IntN(len(answerIDs))])
			}
			return u.Exec(ctx)
		})
		gc.status = status
		callbacks = append(callbacks, gc)
	}
	w.clk.Advance(time.Duration(r.IntN(48)) * time.Hour)
	end := w.clk.Now().UTC().Truncate(time.Microsecond)

	staff := w.viewer(t, "staff", auth.Admin, w.k.Municipality)
	for _, filter := range []*ent.Organization{nil, w.k.ClusterA, w.k.DepartmentA1, w.k.ClusterB} {
		var code *string
		scope := map[int]bool{}
		switch filter {
		case nil:
			for _, o := range orgs {
				scope[o.ID] = true
			}
		case w.k.ClusterA:
			code = &filter.Code
			scope[w.k.ClusterA.ID], scope[w.k.DepartmentA1.ID] = true, true
		default:
			code = &filter.Code
			scope[filter.ID] = true
		}
		want := expectedReport(products, answers, callbacks, scope, end)
		got, err := w.svc.Report(staff, nil, code)
		if err != nil {
			t.Fatal(err)
		}
		name := "municipality"
		if code != nil {
			name = *code
		}
		compareReports(t, name, got, want)
	}
}

// expectedReport counts the figures straight from the generated records.
func expectedReport(products []genProduct, answers []genAnswer, callbacks []genCallback, scope map[int]bool, end time.Time) knowledge.Report {
	y, m, d := end.In(catalog.Amsterdam).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	var rep knowledge.Report
	current := map[int]bool{}
	for _, a := range answers {
		if !a.published {
			continue
		}
		due := a.reviewed.AddDate(0, 0, a.interval)
		isCurrent := !due.Before(today)
		if isCurrent {
			for _, p := range a.products {
				current[p] = true
			}
		}
		if scope[a.owner] {
			rep.PublishedAnswers++
			if isCurrent {
				rep.CurrentAnswers++
			} else {
				rep.OverdueAnswers++
			}
		}
	}
	for _, p := range products {
		if p.published && scope[p.owner] {
			rep.Products++
			if current[p.id] {
				rep.ProductsWithCurrentAnswer++
			}
		}
	}
	if rep.Products > 0 {
		rep.Share = float64(rep.ProductsWithCurrentAnswer) / float64(rep.Products)
	}
	counts := map[[2]string]int{}
	var sum time.Duration
	for _, c := range callbacks {
		if !scope[c.org] {
			continue
		}
		if c.status == callbackrequest.StatusCLOSED {
			rep.ClosedCallbacks++
		} else {
			rep.OpenCallbacks++
			if c.status == callbackrequest.StatusASSIGNED {
				rep.AssignedCallbacks++
			}
			age := end.Sub(c.created)
			sum += age
			h := int(age.Hours())
			if rep.OldestOpenCallbackHours == nil || h > *rep.OldestOpenCallbackHours {
				rep.OldestOpenCallbackHours = &h
			}
		}
		if !c.answered {
			counts[[2]string{knowledge.NormalizeQuestion(c.question), c.slug}]++
		}
	}
	if rep.OpenCallbacks > 0 {
		avg := sum.Hours() / float64(rep.OpenCallbacks)
		rep.AverageOpenCallbackHours = &avg
	}
	for k, n := range counts {
		rep.TopUnansweredQuestions = append(rep.TopUnansweredQuestions, knowledge.Question{Question: k[0], Product: k[1], Count: n})
	}
	slices.SortFunc(rep.TopUnansweredQuestions, func(a, b knowledge.Question) int {
		return cmp.Or(-cmp.Compare(a.Count, b.Count), cmp.Compare(a.Question, b.Question), cmp.Compare(a.Product, b.Product))
	})
	if len(rep.TopUnansweredQuestions) > knowledge.TopQuestions {
		rep.TopUnansweredQuestions = rep.TopUnansweredQuestions[:knowledge.TopQuestions]
	}
	return rep
}

func compareReports(t *testing.T, name string, got *knowledge.Report, want knowledge.Report) {
	t.Helper()
	ints := []struct {
		field     string
		got, want int
	}{
		{"products", got.Products, want.Products},
		{"productsWithCurrentAnswer", got.ProductsWithCurrentAnswer, want.ProductsWithCurrentAnswer},
		{"publishedAnswers", got.PublishedAnswers, want.PublishedAnswers},
		{"currentAnswers", got.CurrentAnswers, want.CurrentAnswers},
		{"overdueAnswers", got.OverdueAnswers, want.OverdueAnswers},
		{"openCallbacks", got.OpenCallbacks, want.OpenCallbacks},
		{"assignedCallbacks", got.AssignedCallbacks, want.AssignedCallbacks},
		{"closedCallbacks", got.ClosedCallbacks, want.ClosedCallbacks},
	}
	for _, c := range ints {
		if c.got != c.want {
			t.Errorf("%s: %s = %d, want %d", name, c.field, c.got, c.want)
		}
	}
	if got.Share != want.Share {
		t.Errorf("%s: share %v, want %v", name, got.Share, want.Share)
	}
	if fmt.Sprint(deref(got.OldestOpenCallbackHours)) != fmt.Sprint(deref(want.OldestOpenCallbackHours)) {
		t.Errorf("%s: oldest open %v, want %v", name, deref(got.OldestOpenCallbackHours), deref(want.OldestOpenCallbackHours))
	}
	if g, w := deref(got.AverageOpenCallbackHours), deref(want.AverageOpenCallbackHours); fmt.Sprintf("%.6f", g) != fmt.Sprintf("%.6f", w) {
		t.Errorf("%s: average open %v, want %v", name, g, w)
	}
	if !slices.Equal(got.TopUnansweredQuestions, want.TopUnansweredQuestions) {
		t.Errorf("%s: top questions\n got %v\nwant %v", name, got.TopUnansweredQuestions, want.TopUnansweredQuestions)
	}
	if want.Products == 0 || want.OpenCallbacks == 0 {
		t.Logf("%s: a thin sample (%d products, %d open requests)", name, want.Products, want.OpenCallbacks)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
