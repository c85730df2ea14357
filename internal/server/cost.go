package server

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/editing"
	"github.com/gemeente-rotterdam/catalogus/internal/knowledge"
	"github.com/gemeente-rotterdam/catalogus/internal/plainlang"
	"github.com/gemeente-rotterdam/catalogus/internal/satisfaction"
	"github.com/gemeente-rotterdam/catalogus/internal/search"
	"github.com/gemeente-rotterdam/catalogus/internal/webhook"
)

// CodeTooComplex is the code of a query refused before it runs: it costs more
// than the limit, nests too deep or uses too many aliases.
const CodeTooComplex = "QUERY_TOO_COMPLEX"

// The cost model. A query's cost estimates the work of answering it before
// it runs: each field costs 1, and a field that answers a list costs what
// one element costs (its selection) times the most elements the list can
// have. Lists nest, so their bounds multiply: a product's availabilities,
// each with its product, each with its availabilities, … costs the number of
// channels to the power of the depth. Connections (products, gaps, changes,
// answers, …) hold at most their page size; the plain lists hold at most
// their Bounds.
//
// A few fields compute rather than read: a coverage report counts a
// municipality's change log, a search ranks, a JSON-LD document reads its
// product again. Those cost what they take in the same unit — a page of 200
// products with every channel's details and locations costs about 170,000 and
// takes 50–130 ms on two cores (the seed, SQLite; BenchmarkCostWeights's
// measurements behind the weights below are in docs/api.md) — so that fifty
// aliased coverage reports cannot pass for a cost of 100.
const (
	// CoverageCost: a coverage report of one moment that is not kept from an
	// earlier call, 50–100 ms; countryCoverage counts each municipality so.
	CoverageCost = 100_000
	// HistoryCost: a coverage history, 20–50 ms whatever its points.
	HistoryCost = 50_000
	// GapsCost: gaps and notApplicableReview list every cell of the
	// municipality before they page, 8–13 ms.
	GapsCost = 15_000
	// SeriesCost: satisfaction and channelShift, 4–20 ms (the longest
	// series the most).
	SeriesCost = 25_000
	// SearchCost: a ranked search of products or answers, 1.5–2 ms.
	SearchCost = 3_000
	// KnowledgeCost: the answer base's figures, 1.3–2.4 ms.
	KnowledgeCost = 2_000
	// ChangesCost: a product's history from the change log, 1–1.4 ms.
	ChangesCost = 1_000
	// FeedCost: a page of the public change feed reads the log in batches
	// and each batch's products; on PostgreSQL it may wait (at most 2 s,
	// idle) for running transactions to end.
	FeedCost = 3_000
	// JSONLdCost: a product's JSON-LD reads the product again with its
	// channels and locations, 1.3–2.4 ms.
	JSONLdCost = 2_000
	// PlainLanguageCost: the B1 check of a text of plainlang.MaxText
	// characters, 0.4–1.9 ms (BenchmarkCheck). A product's or answer's check
	// costs this whatever its text, which the cost model cannot see; the
	// query plainLanguage(text:) costs its share by the text's length.
	PlainLanguageCost = 2_000
	// ReadinessCost: a product's readiness checklist reads its channels,
	// cells, answers and UPL name (four queries) and checks its summary.
	ReadinessCost = 3_000
	// ReadinessByClusterCost: the checklist of every published product of a
	// municipality, read in six queries and checked in Go, B1 check of each
	// summary included: 58–64 CPU-ms on the seed (BenchmarkCostWeights), about
	// a coverage report.
	ReadinessByClusterCost = 100_000
	// DueForTestCost: a municipality's products and its tests with
	// residents, two queries: 5.5–8.5 CPU-ms on the seed.
	DueForTestCost = 15_000
)

// Bounds are the most elements each plain list (one without first:) can
// hold. ReadBounds takes them from the database as the server starts: the
// data model gives each its maximum (a product has at most one availability
// per channel; an organization has no more units below it than its tree
// holds), and the current data gives the numbers. Where the data grows later,
// AnswerLimits still hold.
type Bounds struct {
	// Channels, active or not: Product.availabilities (one per channel),
	// channels, Answer.variants, and every per-channel breakdown.
	Channels int
	// Locations of the largest municipality: locations and Availability.locations.
	Locations int
	// Organizations in the largest municipality's tree: organizations,
	// Organization.children, and coverage's byOrganization.
	Organizations int
	// Municipalities: countryCoverage's byOrganization.
	Municipalities int
	// Themes of the municipality with the most: coverage's byTheme.
	Themes int
	// AnswersPerProduct and ProductsPerAnswer: the most answers one product
	// has, and the most products one answer is about (Product.answers,
	// Answer.products); the model sets no maximum, so these are the data's.
	AnswersPerProduct int
	ProductsPerAnswer int
	// Synonyms: the most synonym entries one municipality has added.
	Synonyms int
	// TestsPerProduct: the most tests with residents one product has
	// (Product.residentTests); the model sets no maximum.
	TestsPerProduct int
}

// MinBounds are the least bounds the cost model assumes, whatever the
// database holds, so that a server started on an empty or small database
// does not price lists as if they stayed that small: the plan's nine
// channels, and a few of everything else.
var MinBounds = Bounds{Channels: 9, Locations: 8, Organizations: 16, Municipalities: 1, Themes: 16,
	AnswersPerProduct: 8, ProductsPerAnswer: 8, Synonyms: 64, TestsPerProduct: 8}

// Lists whose bound is fixed by the data model or the API.
const (
	// fieldsPerChange: the fields of the entity with the most (a channel of a
	// product), which is the most one change can list.
	fieldsPerChange = 24
	// legalBasesPerEntry: the most laws one UPL name rests on (a few in the
	// national list; this leaves room).
	legalBasesPerEntry = 16
	// indicators: the plan's four satisfaction indicators.
	indicators = 4
	// pointsPerDay turn a coverage history's span into its number of points
	// (the shortest month and quarter, so that they never count too few).
	weekDays, monthDays, quarterDays = 7, 28, 89
)

// ReadBounds reads the bounds of the plain lists from the database (raw
// SQL, past the privacy rules: these are counts of the whole catalogue),
// each at least MinBounds.
func ReadBounds(ctx context.Context, db *sql.DB) (Bounds, error) {
	b := MinBounds
	one := func(dst *int, q string) error {
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return fmt.Errorf("reading the cost model's bounds: %w", err)
		}
		*dst = max(*dst, n)
		return nil
	}
	for _, c := range []struct {
		dst *int
		q   string
	}{
		{&b.Channels, `SELECT COUNT(*) FROM channels`},
		{&b.Locations, `SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM locations GROUP BY municipality_id) AS t`},
		{&b.Themes, `SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(DISTINCT theme) AS n FROM products GROUP BY municipality_id) AS t`},
		{&b.AnswersPerProduct, `SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM answer_products GROUP BY product_id) AS t`},
		{&b.ProductsPerAnswer, `SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM answer_products GROUP BY answer_id) AS t`},
		{&b.Synonyms, `SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM synonyms GROUP BY municipality_id) AS t`},
		{&b.TestsPerProduct, `SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM resident_tests GROUP BY product_id) AS t`},
	} {
		if err := one(c.dst, c.q); err != nil {
			return MinBounds, err
		}
	}
	// The organization trees: each unit's root is found through its parents.
	rows, err := db.QueryContext(ctx, `SELECT id, parent_id FROM organizations`)
	if err != nil {
		return MinBounds, fmt.Errorf("reading the cost model's bounds: %w", err)
	}
	defer rows.Close()
	parent := map[int]int{}
	for rows.Next() {
		var id int
		var p sql.NullInt64
		if err := rows.Scan(&id, &p); err != nil {
			return MinBounds, fmt.Errorf("reading the cost model's bounds: %w", err)
		}
		parent[id] = int(p.Int64) // 0: a root
	}
	if err := rows.Err(); err != nil {
		return MinBounds, fmt.Errorf("reading the cost model's bounds: %w", err)
	}
	trees := map[int]int{}
	for id := range parent {
		root := id
		for steps := 0; parent[root] != 0 && steps < len(parent); steps++ {
			root = parent[root]
		}
		trees[root]++
	}
	b.Municipalities = max(b.Municipalities, len(trees))
	for _, n := range trees {
		b.Organizations = max(b.Organizations, n)
	}
	return b, nil
}

// times is a saturating product: nested lists multiply, and a deep enough
// query must not wrap around to a small number.
func times(a, b int) int {
	if a <= 0 || b <= 0 {
		return max(a, 0) * max(b, 0)
	}
	if a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}

func plus(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

// listOf is the cost of a field answering up to n elements of cost child.
func listOf(n int) func(child int) int {
	return func(child int) int { return plus(1, times(max(child, 1), n)) }
}

// pageOf is the number of items a connection answers: first or last, the
// default page size when neither is given. A size above the maximum is
// refused when the query runs, but counts as asked here.
func pageOf(first, last *int) int {
	switch {
	case first != nil:
		return max(*first, 1)
	case last != nil:
		return max(*last, 1)
	}
	return graph.DefaultPageSize
}

// historyPoints is the number of points of a coverage history.
func historyPoints(from time.Time, to *time.Time, interval graph.CoverageInterval) int {
	end := time.Now()
	if to != nil {
		end = *to
	}
	days := map[graph.CoverageInterval]int{graph.CoverageIntervalWeek: weekDays, graph.CoverageIntervalQuarter: quarterDays}[interval]
	if days == 0 {
		days = monthDays
	}
	span := end.Sub(from).Hours() / 24
	if span < 0 {
		return 1
	}
	return min(int(span)/days+2, 2000)
}

// costModel is the cost model for gqlgen's complexity calculation.
func costModel(b Bounds) graph.ComplexityRoot {
	var c graph.ComplexityRoot
	connection := func(child int, first, last *int) int { return plus(1, times(child, pageOf(first, last))) }

	// Connections.
	searching := func(search *string) int {
		if search != nil {
			return SearchCost
		}
		return 0
	}
	c.Query.Products = func(child int, _ *entgql.Cursor[int], first *int, _ *entgql.Cursor[int], last *int, _ *ent.ProductOrder, _ *ent.ProductWhereInput, _, _ *string, _ *catalog.Audience, _, _, search *string) int {
		return plus(searching(search), connection(child, first, last))
	}
	c.Query.Gaps = func(child int, _, _, _ *string, first *int, _ *entgql.Cursor[int]) int {
		return plus(GapsCost, connection(child, first, nil))
	}
	c.Query.NotApplicableReview = func(child int, _, _, _ *string, first *int, _ *entgql.Cursor[int]) int {
		return plus(GapsCost, connection(child, first, nil))
	}
	c.Query.Changes = func(child int, _ string, _ *string, _ *time.Time, first *int, _ *entgql.Cursor[int]) int {
		return plus(ChangesCost, connection(child, first, nil))
	}
	c.Query.CatalogueChanges = func(child int, _ *string, _ *entgql.Cursor[int], first *int) int {
		return plus(FeedCost, connection(child, first, nil))
	}
	c.Query.Answers = func(child int, _, search, _, _ *string, first *int, _ *entgql.Cursor[int]) int {
		return plus(searching(search), connection(child, first, nil))
	}
	c.Query.CallbackRequests = func(child int, _, _ *string, _ *callbackrequest.Status, first *int, _ *entgql.Cursor[int]) int {
		return connection(child, first, nil)
	}

	// Lists sized by their arguments.
	c.Query.Nodes = func(child int, ids []int) int { return listOf(max(len(ids), 1))(child) }
	c.Query.CoverageHistory = func(child int, from time.Time, to *time.Time, interval graph.CoverageInterval, _, _, _ *string, _ *catalog.Audience, _ []string) int {
		return plus(HistoryCost, listOf(historyPoints(from, to, interval))(child))
	}

	// Fields that compute.
	c.Query.Coverage = func(child int, _ *time.Time, _, _, _ *string, _ *catalog.Audience, _ []string) int {
		return plus(CoverageCost, child)
	}
	c.Query.CountryCoverage = func(child int, _ *time.Time) int { return plus(CoverageCost, child) }
	// A subscription costs what one of its answers costs: the limits on
	// open streams (streams.go) bound how many there are, and the anonymous
	// streams with the same question share each answer.
	c.Subscription.CoverageChanged = func(child int, _, _, _ *string, _ *catalog.Audience, _ []string) int {
		return plus(CoverageCost, child)
	}
	// The country's history replays every municipality once for all its
	// points: a history per municipality, and the points' rows.
	c.Query.CountryCoverageHistory = func(child int, from time.Time, to *time.Time, interval graph.CoverageInterval) int {
		return plus(times(HistoryCost, b.Municipalities), listOf(historyPoints(from, to, interval))(child))
	}
	c.Query.Satisfaction = func(child int, _ time.Time, _ *time.Time, _ satisfaction.Interval, _, _, _, _ *string) int {
		return plus(SeriesCost, child)
	}
	c.Query.ChannelShift = func(child int, _ time.Time, _ *time.Time, _ satisfaction.Interval, _, _, _ *string) int {
		return plus(SeriesCost, child)
	}
	c.Query.Knowledge = func(child int, _, _ *string) int { return plus(KnowledgeCost, child) }
	c.Mutation.SetChannelForProducts = func(child int, in editing.SetChannelForProducts) int {
		return listOf(max(len(in.Products), 1))(child)
	}

	// Plain lists, by their bounds.
	c.Query.Channels = listOf(b.Channels)
	c.Query.Locations = func(child int, _ *string) int { return listOf(b.Locations)(child) }
	c.Query.Organizations = func(child int, _ *string) int { return listOf(b.Organizations)(child) }
	c.Query.Synonyms = func(child int, _ *string) int { return listOf(b.Synonyms)(child) }
	c.Query.BuiltinSynonyms = listOf(len(search.Builtin))
	// Webhooks: a municipality holds at most webhook.MaxSubscriptions; a
	// subscription's deliveries are a page of its own size.
	c.Query.WebhookSubscriptions = func(child int, _ *string) int { return listOf(webhook.MaxSubscriptions)(child) }
	c.WebhookSubscription.Deliveries = func(child int, _ *graph.WebhookDeliveryState, first *int) int {
		return listOf(pageOf(first, nil))(child)
	}
	c.Product.Availabilities = listOf(b.Channels)
	c.Product.Answers = listOf(b.AnswersPerProduct)
	c.Answer.Products = listOf(b.ProductsPerAnswer)
	c.Answer.Variants = listOf(b.Channels)
	c.Availability.Locations = listOf(b.Locations)
	c.Organization.Children = listOf(b.Organizations)
	c.UPLEntry.LegalBases = listOf(legalBasesPerEntry)
	c.Change.Fields = listOf(fieldsPerChange)
	c.CoverageReport.ByChannel = listOf(b.Channels)
	c.CoverageReport.ByOrganization = listOf(max(b.Organizations, b.Municipalities))
	c.CoverageReport.ByTheme = listOf(b.Themes)
	c.CountryCoveragePoint.Municipalities = listOf(b.Municipalities)
	c.KnowledgeReport.TopUnansweredQuestions = listOf(knowledge.TopQuestions)
	c.SatisfactionReport.Points = listOf(satisfaction.MaxPoints)
	c.SatisfactionReport.ByChannel = listOf(b.Channels)
	c.SatisfactionReport.Progress = listOf(indicators)
	c.SatisfactionPoint.Indicators = listOf(indicators)
	c.ChannelSatisfaction.Indicators = listOf(indicators)
	c.ChannelShift.Points = listOf(satisfaction.MaxPoints)
	c.ChannelShift.Openings = listOf(b.Channels)
	c.ChannelShiftPoint.Channels = listOf(b.Channels)

	c.Product.JSONLd = func(int) int { return JSONLdCost }
	c.Product.PlainLanguage = func(child int) int { return plus(PlainLanguageCost, child) }
	c.Answer.PlainLanguage = func(child int) int { return plus(PlainLanguageCost, child) }
	c.Query.PlainLanguage = func(child int, text string) int {
		n := min(utf8.RuneCountInString(text), plainlang.MaxText)
		return plus(max(1, PlainLanguageCost*n/plainlang.MaxText), child)
	}
	c.PlainLanguage.Jargon = listOf(plainlang.MaxItems)
	c.Product.Readiness = func(child int) int { return plus(ReadinessCost, child) }
	c.Query.ReadinessByCluster = func(child int, _ *string) int {
		return plus(ReadinessByClusterCost, listOf(b.Organizations)(child))
	}
	c.Product.ResidentTests = listOf(b.TestsPerProduct)
	c.ResidentTest.Groups = listOf(len(catalog.ResidentGroups))
	c.ResidentTest.FollowUps = listOf(catalog.MaxFollowUps)
	c.Query.ProductsDueForResidentTest = func(child int, _, _ *string, _ *int, first *int) int {
		n := graph.DefaultPageSize
		if first != nil {
			n = min(max(*first, 0), graph.MaxPageSize)
		}
		return plus(DueForTestCost, listOf(n)(child))
	}
	return c
}

// costLimit refuses an operation whose cost is above the limit before it
// runs, with the cost and the limit in the error's extensions.
type costLimit struct {
	max int
	es  graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &costLimit{}

func (*costLimit) ExtensionName() string { return "CostLimit" }

func (l *costLimit) Validate(es graphql.ExecutableSchema) error {
	l.es = es
	return nil
}

func (l *costLimit) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	cost := complexity.Calculate(ctx, l.es, rc.Operation, rc.Variables)
	if cost <= l.max {
		return nil
	}
	return tooComplex(fmt.Sprintf("the query costs %d, more than the %d one request may cost: every list multiplies the cost of what it holds by its size (see docs/api.md); ask for smaller pages or fewer nested lists", cost, l.max),
		map[string]any{"cost": cost, "limit": l.max})
}

func tooComplex(msg string, ext map[string]any) *gqlerror.Error {
	if ext == nil {
		ext = map[string]any{}
	}
	ext["code"] = CodeTooComplex
	return &gqlerror.Error{Message: msg, Extensions: ext}
}

// Cost is a query's cost under the bounds b, as the server reckons it before
// running the query: for tests, and for the figures in docs/api.md. The
// document must hold one operation, or name it; variables left out count as
// absent.
func Cost(b Bounds, query, operation string, vars map[string]any) (int, error) {
	es := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}, Complexity: costModel(b)})
	doc, errs := gqlparser.LoadQuery(es.Schema(), query)
	if errs != nil {
		return 0, errs
	}
	op := doc.Operations.ForName(operation)
	if op == nil {
		return 0, fmt.Errorf("the document has no operation %q", operation)
	}
	// Only page sizes and lists of ids among the variables change the cost;
	// variables given do count, those left out count as absent.
	coerced, err := validator.VariableValues(es.Schema(), op, vars)
	if err != nil {
		coerced = vars
	}
	return complexity.Calculate(context.Background(), es, op, coerced), nil
}
