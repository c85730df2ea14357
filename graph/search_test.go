package graph_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// The levels the relevance set reached on the seed when these were set
// (docs/search.md); the test fails below them, so that a change to the
// analyzer, the ranking, the synonyms or the seed that makes search worse
// does not go unnoticed.
const (
	minSuccessAt1 = 0.86
	minSuccessAt3 = 0.97
	minMRR        = 0.91
)

// judgement is one line of graph/testdata/relevance.txt.
type judgement struct {
	line     int
	search   string
	products []string // any of them is a good first hit; none: not judged
	answer   string   // a piece of the intended answer's question; "": not judged
}

func readRelevanceSet(t *testing.T) []judgement {
	t.Helper()
	b, err := os.ReadFile("testdata/relevance.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []judgement
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) != 3 {
			t.Fatalf("relevance.txt line %d: want search | products | answer, got %q", i+1, line)
		}
		j := judgement{line: i + 1, search: strings.TrimSpace(parts[0]), answer: strings.TrimSpace(parts[2])}
		for _, p := range strings.Split(parts[1], ",") {
			if p = strings.TrimSpace(p); p != "" && p != "-" {
				j.products = append(j.products, p)
			}
		}
		out = append(out, j)
	}
	return out
}

// figures adds up the ranks of the intended results.
type figures struct {
	n, at1, at3 int
	rr          float64
	misses      []string
}

func (f *figures) add(rank int, what string) {
	f.n++
	if rank == 1 {
		f.at1++
	}
	if rank >= 1 && rank <= 3 {
		f.at3++
	} else {
		f.misses = append(f.misses, what)
	}
	if rank > 0 {
		f.rr += 1 / float64(rank)
	}
}

func (f *figures) String() string {
	return fmt.Sprintf("%d judgements: success@1 %.3f, success@3 %.3f, MRR %.3f",
		f.n, float64(f.at1)/float64(f.n), float64(f.at3)/float64(f.n), f.rr/float64(f.n))
}

// TestSearchRelevance runs the relevance set through the API on both
// databases: each search as a website asks it (products) and as a colleague
// looks an answer up (answers), anonymously. It reports success@1,
// success@3 and the mean reciprocal rank (of the first intended result among
// the first 10), fails below the levels above, and fails when the databases
// give any search a different top 3.
func TestSearchRelevance(t *testing.T) {
	set := readRelevanceSet(t)
	if len(set) < 150 {
		t.Fatalf("the relevance set has %d searches; it should hold at least 150", len(set))
	}
	top3 := map[string]map[string][]string{} // dialect → "kind search" → top 3
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		r := graph.NewResolver(db, "")
		tops := map[string][]string{}
		top3[db.Target.Dialect] = tops
		var products, answers, all figures
		for _, j := range set {
			var p struct {
				Products struct {
					Edges []struct{ Node struct{ Slug string } }
				}
			}
			if errs := runAs(t, context.Background(), r, `query($s: String!) { products(search: $s, first: 10) { edges { node { slug } } } }`,
				map[string]any{"s": j.search}, &p); len(errs) > 0 {
				t.Fatalf("line %d %q: %v", j.line, j.search, errs)
			}
			var slugs []string
			for _, e := range p.Products.Edges {
				slugs = append(slugs, e.Node.Slug)
			}
			tops["products "+j.search] = slugs[:min(3, len(slugs))]
			if len(j.products) > 0 {
				rank := slices.IndexFunc(slugs, func(s string) bool { return slices.Contains(j.products, s) }) + 1
				what := fmt.Sprintf("line %d products %q: rank %d, top 3 %v", j.line, j.search, rank, slugs[:min(3, len(slugs))])
				products.add(rank, what)
				all.add(rank, what)
			}
			var a struct {
				Answers struct {
					Edges []struct{ Node struct{ Question string } }
				}
			}
			if errs := runAs(t, context.Background(), r, `query($s: String!) { answers(search: $s, first: 10) { edges { node { question } } } }`,
				map[string]any{"s": j.search}, &a); len(errs) > 0 {
				t.Fatalf("line %d %q: %v", j.line, j.search, errs)
			}
			var questions []string
			for _, e := range a.Answers.Edges {
				questions = append(questions, e.Node.Question)
			}
			tops["answers "+j.search] = questions[:min(3, len(questions))]
			if j.answer != "" {
				rank := slices.IndexFunc(questions, func(q string) bool {
					return strings.Contains(strings.ToLower(q), strings.ToLower(j.answer))
				}) + 1
				what := fmt.Sprintf("line %d answers %q: rank %d, top 3 %q", j.line, j.search, rank, questions[:min(3, len(questions))])
				answers.add(rank, what)
				all.add(rank, what)
			}
		}
		t.Logf("products: %s", &products)
		t.Logf("answers:  %s", &answers)
		t.Logf("all:      %s", &all)
		for _, m := range all.misses {
			t.Logf("not in the top 3: %s", m)
		}
		if s1, s3, mrr := float64(all.at1)/float64(all.n), float64(all.at3)/float64(all.n), all.rr/float64(all.n); s1 < minSuccessAt1 || s3 < minSuccessAt3 || mrr < minMRR {
			t.Errorf("search got worse: success@1 %.3f (at least %.3f), success@3 %.3f (at least %.3f), MRR %.3f (at least %.3f)",
				s1, minSuccessAt1, s3, minSuccessAt3, mrr, minMRR)
		}
	})
	sqlite, postgres := top3["sqlite3"], top3["postgres"]
	if sqlite == nil || postgres == nil {
		return // PostgreSQL skipped
	}
	for k, want := range sqlite {
		if got := postgres[k]; !slices.Equal(got, want) {
			t.Errorf("%s: SQLite's top 3 is %q, PostgreSQL's %q", k, want, got)
		}
	}
}

// TestIssueLookUps: the look-ups the issue names find their answer first
// through the API (the editor's look-up is tested in internal/beheer).
func TestIssueLookUps(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		r := graph.NewResolver(db, "")
		for search, want := range map[string]string{
			"kwijtgeraakt paspoort":  "Ik ben mijn paspoort kwijt of het is gestolen. Wat moet ik doen?",
			"grofvuil laten ophalen": "Hoe laat ik grofvuil ophalen?",
			"verhuizing doorgeven":   "Wanneer en hoe geef ik mijn verhuizing door?",
		} {
			var a struct {
				Answers struct {
					Edges []struct{ Node struct{ Question string } }
				}
			}
			if errs := runAs(t, context.Background(), r, `query($s: String!) { answers(search: $s, channel: "telefoon", first: 3) { edges { node { question } } } }`,
				map[string]any{"s": search}, &a); len(errs) > 0 {
				t.Fatal(errs)
			}
			if len(a.Answers.Edges) == 0 || a.Answers.Edges[0].Node.Question != want {
				t.Errorf("%q: first is %+v, want %q", search, a.Answers.Edges, want)
			}
		}
	})
}
