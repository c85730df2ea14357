package graph_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// benchSearches are the look-ups the search benchmark times: one-word,
// everyday phrasings, a misspelling and a long question.
var benchSearches = []string{
	"paspoort",
	"kwijtgeraakt paspoort",
	"grofvuil laten ophalen",
	"verhuizing doorgeven",
	"parkeervergunning",
	"belasting voor mijn hond",
	"identiteitskaart aanvragen",
	"boom kappen in mijn tuin",
	"bijstand",
	"rijbewjs verlengen",
	"ik heb schulden en kan mijn rekeningen niet meer betalen wat nu",
	"subsidie",
}

const (
	benchProductSearch = `query($s: String!, $m: String) { products(search: $s, municipality: $m, first: 10) { totalCount edges { node { slug name } } } }`
	benchAnswerSearch  = `query($s: String!, $m: String) { answers(search: $s, municipality: $m, first: 10) { totalCount edges { channelText node { question } } } }`
)

// BenchmarkSearch times product search and answer search through the API, as
// a website asks (anonymous, first 10), on the seed on both databases and, with
// CATALOGUS_BENCH_NATIONAL_URL, on a database `catalogus generate` filled
// (its municipality gemeente-001, or CATALOGUS_BENCH_MUNICIPALITY). Besides
// the mean it reports the median (p50-ms) of the searches' own times.
//
//	go test -run '^$' -bench Search -benchtime 20x ./graph
func BenchmarkSearch(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run("seed-"+d, func(b *testing.B) {
			db := storetest.Seeded(b, d, fixture.Seed)
			benchSearch(b, graph.NewResolver(db, ""), "")
		})
	}
	if url := os.Getenv("CATALOGUS_BENCH_NATIONAL_URL"); url != "" {
		b.Run("national", func(b *testing.B) {
			db, err := store.Open(context.Background(), url, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			m := os.Getenv("CATALOGUS_BENCH_MUNICIPALITY")
			if m == "" {
				m = "gemeente-001"
			}
			benchSearch(b, graph.NewResolver(db, ""), m)
		})
	}
}

func benchSearch(b *testing.B, r *graph.Resolver, municipality string) {
	var m any
	if municipality != "" {
		m = municipality
	}
	for _, kind := range []struct{ name, query string }{{"products", benchProductSearch}, {"answers", benchAnswerSearch}} {
		b.Run(kind.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				for _, s := range benchSearches {
					start := time.Now()
					if errs := runAs(b, context.Background(), r, kind.query, map[string]any{"s": s, "m": m}, nil); len(errs) > 0 {
						b.Fatalf("%q: %v", s, errs)
					}
					took = append(took, time.Since(start))
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*9/10].Microseconds())/1000, "p90-ms")
		})
	}
}
