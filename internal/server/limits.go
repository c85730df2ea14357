package server

import (
	"context"
	"fmt"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// Limits bound what one request may ask, so that no query takes the service
// down. The defaults leave room for every query in the docs and for
// GraphiQL's introspection.
type Limits struct {
	// MaxComplexity caps a query's cost: each field costs 1, and a connection
	// costs its page size times the cost of one item.
	MaxComplexity int
	// MaxDepth caps how deep selections nest.
	MaxDepth int
	// MaxAliases caps the number of aliased fields.
	MaxAliases int
	// MaxTokens caps the tokens of a query document.
	MaxTokens int
	// MaxBodyBytes caps a request body.
	MaxBodyBytes int64
	// MaxUploadBytes caps an authenticated multipart request, the one way to
	// send a file (a spreadsheet to import).
	MaxUploadBytes int64
}

// DefaultLimits are the limits serve uses unless told otherwise.
var DefaultLimits = Limits{
	MaxComplexity: 10000,
	MaxDepth:      15,
	MaxAliases:    50,
	MaxTokens:     10000,
	MaxBodyBytes:  1 << 20,
	// A sheet of a large municipality with every reason is a few MiB.
	MaxUploadBytes: 16 << 20,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxComplexity > 0 {
		d.MaxComplexity = l.MaxComplexity
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxAliases > 0 {
		d.MaxAliases = l.MaxAliases
	}
	if l.MaxTokens > 0 {
		d.MaxTokens = l.MaxTokens
	}
	if l.MaxBodyBytes > 0 {
		d.MaxBodyBytes = l.MaxBodyBytes
	}
	if l.MaxUploadBytes > 0 {
		d.MaxUploadBytes = l.MaxUploadBytes
	}
	return d
}

// JSONLdCost is what Product.jsonLd counts for in the complexity limit.
const JSONLdCost = 20

// complexity weighs connections by their page size.
func complexity() graph.ComplexityRoot {
	var c graph.ComplexityRoot
	page := func(first, last *int) int {
		switch {
		case first != nil:
			return max(*first, 1)
		case last != nil:
			return max(*last, 1)
		}
		return graph.DefaultPageSize
	}
	c.Query.Products = func(child int, _ *entgql.Cursor[int], first *int, _ *entgql.Cursor[int], last *int, _ *ent.ProductOrder, _ *ent.ProductWhereInput, _, _ *string, _ *catalog.Audience, _, _, _ *string) int {
		return 1 + child*page(first, last)
	}
	c.Query.Gaps = func(child int, _, _, _ *string, first *int, _ *entgql.Cursor[int]) int {
		return 1 + child*page(first, nil)
	}
	c.Query.NotApplicableReview = func(child int, _, _, _ *string, first *int, _ *entgql.Cursor[int]) int {
		return 1 + child*page(first, nil)
	}
	c.Query.Changes = func(child int, _ string, _ *string, _ *time.Time, first *int, _ *entgql.Cursor[int]) int {
		return 1 + child*page(first, nil)
	}
	c.Query.Nodes = func(child int, ids []int) int { return 1 + child*max(len(ids), 1) }
	c.Query.Answers = func(child int, _, _, _, _ *string, first *int, _ *entgql.Cursor[int]) int {
		return 1 + child*page(first, nil)
	}
	c.Query.CallbackRequests = func(child int, _, _ *string, _ *callbackrequest.Status, first *int, _ *entgql.Cursor[int]) int {
		return 1 + child*page(first, nil)
	}
	// A product's JSON-LD reads the product again with its channels and
	// locations (a handful of statements), so a page of them weighs more.
	c.Product.JSONLd = func(int) int { return JSONLdCost }
	return c
}

// shape bounds the depth and the aliases of an operation. gqlgen has no such
// limits of its own.
type shape struct{ Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = shape{}

func (shape) ExtensionName() string                   { return "QueryShape" }
func (shape) Validate(graphql.ExecutableSchema) error { return nil }
func (s shape) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	m := &measure{fragments: rc.Doc.Fragments}
	m.walk(rc.Operation.SelectionSet, 1)
	switch {
	case m.depth > s.MaxDepth:
		return limitError(fmt.Sprintf("the query nests %d levels deep; at most %d are allowed", m.depth, s.MaxDepth))
	case m.aliases > s.MaxAliases:
		return limitError(fmt.Sprintf("the query uses %d aliases; at most %d are allowed", m.aliases, s.MaxAliases))
	}
	return nil
}

func limitError(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": graph.CodeBadUserInput}}
}

type measure struct {
	fragments      ast.FragmentDefinitionList
	depth, aliases int
	seen           int
}

func (m *measure) walk(set ast.SelectionSet, level int) {
	// Validation has refused fragment cycles already; the bound is a guard.
	if m.seen++; m.seen > 100000 {
		return
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				m.aliases++
			}
			m.depth = max(m.depth, level)
			m.walk(s.SelectionSet, level+1)
		case *ast.InlineFragment:
			m.walk(s.SelectionSet, level)
		case *ast.FragmentSpread:
			if f := m.fragments.ForName(s.Name); f != nil {
				m.walk(f.SelectionSet, level)
			}
		}
	}
}
