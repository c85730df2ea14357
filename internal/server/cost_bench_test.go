package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// What anonymous queries cost in time against what the cost model charges
// them, on the seed, one request at a time through the whole handler:
//
//	go test -run '^$' -bench 'CostWeights|WorstAccepted' -benchmem ./internal/server
//
// ns/op is the time of one request, cpu-ms/op the CPU time the process spent
// on it (on SQLite the database's work is in both). The figures are in
// docs/api.md and docs/reliability.md.

// websitePage is the heaviest query a website needs: a page of 200 products
// with every channel's details and locations.
const websitePage = `{ products(first: 200) { edges { node { slug name summary description
	availabilities { status reason plannedDate url phone instructions processingTime costCents identification languages
		channel { code name nameEn description } locations { code name street postalCode city openingHours visit } } } } } }`

// aliased repeats a field under n aliases; field(i) may vary it.
func aliased(n int, field func(i int) string) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field(i))
	}
	b.WriteString("}")
	return b.String()
}

// pastDay is a moment in the seed's history, a different day for each i and
// each run of a benchmark, so that no kept aggregate answers it.
func pastDay(run, i int) string {
	return fmt.Sprintf("2023-%02d-%02dT12:00:00Z", (run+i)%12+1, (run*7+i)%28+1)
}

// benchCost runs query (with {run} replaced by the iteration) and reports
// its cost and size beside the time.
func benchCost(b *testing.B, h http.Handler, bounds server.Bounds, query func(run int) string) {
	cost, err := server.Cost(bounds, query(0), "", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var size, run int
	cpu := cpuTime()
	for b.Loop() {
		run++
		size = len(post(b, h, "", query(run), nil))
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(run)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(cost), "cost")
	b.ReportMetric(float64(size), "answer-bytes")
}

func seededForCost(b *testing.B) (http.Handler, server.Bounds) {
	db := storetest.Seeded(b, "sqlite", fixture.Seed)
	bounds, err := server.ReadBounds(b.Context(), db.SQL)
	if err != nil {
		b.Fatal(err)
	}
	return server.Handler(server.Config{DB: db}), bounds
}

// BenchmarkCostWeights measures the fields the cost model weighs beyond
// their lists (cost.go), each asked so that nothing kept from an earlier
// call answers it, beside the page of 200 the unit is taken from.
func BenchmarkCostWeights(b *testing.B) {
	h, bounds := seededForCost(b)
	for _, c := range []struct {
		name  string
		query func(run int) string
	}{
		{"page-of-200", func(int) string { return websitePage }},
		{"coverage", func(run int) string { return fmt.Sprintf(`{ coverage(at: %q) { ratio } }`, pastDay(run, 0)) }},
		{"coverageHistory-weekly", func(run int) string {
			return fmt.Sprintf(`{ coverageHistory(from: "1990-01-%02dT00:00:00Z", interval: WEEK) { at ratio } }`, run%28+1)
		}},
		{"gaps", func(int) string { return `{ gaps(first: 1) { totalCount } }` }},
		{"satisfaction-monthly", func(run int) string {
			return fmt.Sprintf(`{ satisfaction(from: "1990-01-%02d", interval: MONTH) { points { start respondents } } }`, run%28+1)
		}},
		{"knowledge", func(int) string { return `{ knowledge { share } }` }},
		{"search", func(run int) string {
			return fmt.Sprintf(`{ products(search: "aanvragen %d", first: 1) { totalCount } }`, run)
		}},
		{"changes", func(int) string { return `{ changes(product: "paspoort-aanvragen", first: 1) { totalCount } }` }},
		{"jsonLd", func(int) string { return `{ product(slug: "paspoort-aanvragen") { jsonLd } }` }},
		{"readiness", func(int) string { return `{ product(slug: "paspoort-aanvragen") { readiness { ready } } }` }},
		{"readinessByCluster", func(int) string { return `{ readinessByCluster { ready } }` }},
		{"productsDueForResidentTest", func(int) string { return `{ productsDueForResidentTest(first: 1) { lastTested } }` }},
	} {
		b.Run(c.name, func(b *testing.B) { benchCost(b, h, bounds, c.query) })
	}
}

// BenchmarkWorstAcceptedQuery measures the most an anonymous caller can
// make one request take within the default limits: the list items an answer
// may hold spent on the fan-out of the issue (products, their
// availabilities, their products, … three deep: 49,200 items), and the rest
// of the cost on coverage reports at moments nobody asked before. Beside it,
// the heaviest legitimate query, a website's page of 200.
func BenchmarkWorstAcceptedQuery(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			db := storetest.Seeded(b, d, fixture.Seed)
			benchWorst(b, db)
		})
	}
}

func benchWorst(b *testing.B, db *store.DB) {
	bounds, err := server.ReadBounds(b.Context(), db.SQL)
	if err != nil {
		b.Fatal(err)
	}
	h := server.Handler(server.Config{DB: db})
	worst := func(run int) string {
		return `{ ` + fanOut(60, 3) + ` ` + strings.Trim(aliased(4, func(i int) string {
			return fmt.Sprintf(`coverage(at: %q) { ratio }`, pastDay(run, i))
		}), "{}") + ` }`
	}
	if cost, _ := server.Cost(bounds, worst(0), "", nil); cost > server.DefaultLimits.MaxComplexity {
		b.Fatalf("the worst query costs %d, over the limit: it would not be accepted", cost)
	}
	b.Run("worst-accepted", func(b *testing.B) { benchCost(b, h, bounds, worst) })
	b.Run("page-of-200", func(b *testing.B) { benchCost(b, h, bounds, func(int) string { return websitePage }) })
}
