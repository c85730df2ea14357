package server

import (
	"context"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Limits bound what one request may ask and what one answer may hold, so
// that no query takes the service down. The defaults leave room for every
// query in the docs, the dashboard's and the editor's (a test holds them to
// it), and for GraphiQL's introspection.
type Limits struct {
	// MaxComplexity caps a query's cost, reckoned before it runs (cost.go):
	// each field costs 1, and a list its bound times the cost of one element.
	MaxComplexity int
	// MaxDepth caps how deep selections nest.
	MaxDepth int
	// MaxAliases caps the number of aliased fields.
	MaxAliases int
	// MaxTokens caps the tokens of a query document.
	MaxTokens int
	// MaxListArgument caps the elements of each list a query passes as an
	// argument or in a variable (nameIn, ids, channels, products, …).
	MaxListArgument int
	// MaxAnswerItems and MaxAnswerBytes cap what one answer holds: the
	// elements of all its lists together, and its size. They hold while the
	// answer is made, whatever the cost estimated.
	MaxAnswerItems int
	MaxAnswerBytes int
	// Timeout is how long one GraphQL request may take; its context, and so
	// every statement it runs, is cancelled then.
	Timeout time.Duration
	// MaxBodyBytes caps a request body.
	MaxBodyBytes int64
	// MaxUploadBytes caps an authenticated multipart request, the one way to
	// send a file (a spreadsheet to import).
	MaxUploadBytes int64
	// PersistedQueryBytes is the memory of the persisted queries and of the
	// parsed documents kept for reuse, each.
	PersistedQueryBytes int64
}

// DefaultLimits are the limits serve uses unless told otherwise.
var DefaultLimits = Limits{
	// A page of 200 products with every channel's details and locations,
	// the heaviest query a website needs, costs about 170,000 on the seed,
	// a coverage report 100,000.
	MaxComplexity:   500000,
	MaxDepth:        15,
	MaxAliases:      50,
	MaxTokens:       10000,
	MaxListArgument: 1000,
	// That page holds about 5,000 list items and 1 MB.
	MaxAnswerItems: 50000,
	MaxAnswerBytes: 8 << 20,
	Timeout:        30 * time.Second,
	MaxBodyBytes:   1 << 20,
	// A sheet of a large municipality with every reason is a few MiB.
	MaxUploadBytes:      16 << 20,
	PersistedQueryBytes: 8 << 20,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	set := func(dst *int, v int) {
		if v > 0 {
			*dst = v
		}
	}
	set(&d.MaxComplexity, l.MaxComplexity)
	set(&d.MaxDepth, l.MaxDepth)
	set(&d.MaxAliases, l.MaxAliases)
	set(&d.MaxTokens, l.MaxTokens)
	set(&d.MaxListArgument, l.MaxListArgument)
	set(&d.MaxAnswerItems, l.MaxAnswerItems)
	set(&d.MaxAnswerBytes, l.MaxAnswerBytes)
	if l.Timeout > 0 {
		d.Timeout = l.Timeout
	}
	if l.MaxBodyBytes > 0 {
		d.MaxBodyBytes = l.MaxBodyBytes
	}
	if l.MaxUploadBytes > 0 {
		d.MaxUploadBytes = l.MaxUploadBytes
	}
	if l.PersistedQueryBytes > 0 {
		d.PersistedQueryBytes = l.PersistedQueryBytes
	}
	return d
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
		return tooComplex(fmt.Sprintf("the query nests %d levels deep; at most %d are allowed", m.depth, s.MaxDepth), nil)
	case m.aliases > s.MaxAliases:
		return tooComplex(fmt.Sprintf("the query uses %d aliases; at most %d are allowed", m.aliases, s.MaxAliases), nil)
	}
	return nil
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
