package seed_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/knowledge"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/seed"
)

// TestSeededAnswers: the seed's answers are labelled illustrative, the lost
// passport is found on every channel, and the dashboard's figure equals a
// count of the seeded answers.
func TestSeededAnswers(t *testing.T) {
	storetest.EachSeeded(t, loadSeed, func(t *testing.T, db *store.DB) {
		ctx := auth.Allow(context.Background())
		all, err := db.Client.Answer.Query().WithProducts().All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 5 {
			t.Fatalf("%d seeded answers, want at least one per most-asked product", len(all))
		}
		svc := &knowledge.Service{Client: db.Client, Dialect: db.Target.Dialect, Municipality: seed.Municipality}
		today := svc.Today(ctx)
		withCurrent := map[int]bool{}
		for _, a := range all {
			if !slices.Contains(a.Keywords, seed.Illustrative) {
				t.Errorf("answer %q is not labelled %q", a.Question, seed.Illustrative)
			}
			if a.Status == answer.StatusPUBLISHED && !today.After(a.LastReviewed.AddDate(0, 0, a.ReviewIntervalDays)) {
				for _, p := range a.Edges.Products {
					withCurrent[p.ID] = true
				}
			}
		}
		search := "kwijtgeraakt paspoort"
		for _, ch := range []string{"telefoon", "chat", "webcare", "balie", "website"} {
			res, err := svc.Find(context.Background(), knowledge.Lookup{Search: &search, Channel: &ch, First: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Edges) == 0 || len(res.Edges[0].Node.Variants) < 4 {
				t.Fatalf("%s: the lost passport is not found first with its variants: %+v", ch, res.Edges)
			}
			if v := knowledge.Variant(res.Edges[0].Node, ch); v != nil && res.Edges[0].ChannelText != v.Text {
				t.Errorf("%s: channel text is not the channel's variant", ch)
			}
		}
		rep, err := svc.Report(context.Background(), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.ProductsWithCurrentAnswer != len(withCurrent) || rep.OverdueAnswers == 0 && len(withCurrent) == 5 {
			t.Errorf("products with a current answer: %d, counted %d (overdue answers %d)", rep.ProductsWithCurrentAnswer, len(withCurrent), rep.OverdueAnswers)
		}
		if rep.OpenCallbacks != 3 || len(rep.TopUnansweredQuestions) != 0 {
			t.Errorf("anonymous figures: %d open requests (want 3), %d questions (want none)", rep.OpenCallbacks, len(rep.TopUnansweredQuestions))
		}
	})
}
