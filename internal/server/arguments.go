package server

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/graph/scalar"
)

// arguments checks every argument of an operation before it runs — the
// literals in the document and the variables alike, at every depth of input
// objects and lists — for what is the caller's mistake wherever it appears:
//   - a NUL character in a string, which PostgreSQL refuses (as an internal
//     error, deep in a statement) and SQLite would store;
//   - a list longer than the limit (nameIn, ids, channels, …), which would
//     make a statement with tens of thousands of variables;
//   - an id, a cursor, a time or a date that does not read as one, which the
//     resolvers would otherwise meet as a decoding error of their own.
//
// Each is refused as BAD_USER_INPUT naming the argument, once for the whole
// API, so that no resolver has to remember it.
type arguments struct {
	maxList int
	schema  *ast.Schema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &arguments{}

func (*arguments) ExtensionName() string { return "Arguments" }

func (a *arguments) Validate(es graphql.ExecutableSchema) error {
	a.schema = es.Schema()
	return nil
}

func (a *arguments) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	w := argWalk{arguments: a, vars: rc.Variables, fragments: rc.Doc.Fragments, seen: map[string]bool{}}
	return w.selections(rc.Operation.SelectionSet)
}

type argWalk struct {
	*arguments
	vars      map[string]any
	fragments ast.FragmentDefinitionList
	seen      map[string]bool
}

func (w *argWalk) selections(set ast.SelectionSet) *gqlerror.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, arg := range s.Arguments {
				def := s.Definition.Arguments.ForName(arg.Name)
				if def == nil {
					continue
				}
				v, err := arg.Value.Value(w.vars)
				if err != nil {
					continue // validation has told the caller already
				}
				if e := w.value(v, def.Type, s.Name+"."+arg.Name); e != nil {
					return e
				}
			}
			if e := w.selections(s.SelectionSet); e != nil {
				return e
			}
		case *ast.InlineFragment:
			if e := w.selections(s.SelectionSet); e != nil {
				return e
			}
		case *ast.FragmentSpread:
			// A fragment's arguments are the same wherever it is spread.
			if w.seen[s.Name] {
				continue
			}
			w.seen[s.Name] = true
			if f := w.fragments.ForName(s.Name); f != nil {
				if e := w.selections(f.SelectionSet); e != nil {
					return e
				}
			}
		}
	}
	return nil
}

// value checks one value against its type; path names it for the caller.
func (w *argWalk) value(v any, t *ast.Type, path string) *gqlerror.Error {
	if v == nil || t == nil {
		return nil
	}
	if t.Elem != nil {
		items, ok := v.([]any)
		if !ok {
			// One value where a list is expected is a list of one.
			return w.value(v, t.Elem, path)
		}
		if len(items) > w.maxList {
			return badInput(path, "too_many", fmt.Sprintf("%s holds %d items; at most %d are allowed in one request", path, len(items), w.maxList))
		}
		for i, item := range items {
			if e := w.value(item, t.Elem, fmt.Sprintf("%s[%d]", path, i)); e != nil {
				return e
			}
		}
		return nil
	}
	def := w.schema.Types[t.NamedType]
	if def == nil {
		return nil
	}
	if def.Kind == ast.InputObject {
		fields, _ := v.(map[string]any)
		for _, f := range def.Fields {
			if e := w.value(fields[f.Name], f.Type, path+"."+f.Name); e != nil {
				return e
			}
		}
		return nil
	}
	if s, ok := v.(string); ok && strings.IndexByte(s, 0) >= 0 {
		return badInput(path, "nul", path+" holds a NUL character (\\u0000), which no text in the catalogue may contain")
	}
	var err error
	what := ""
	switch t.NamedType {
	case "ID":
		_, err = graphql.UnmarshalIntID(v)
		what = "an id this API gave (a whole number, as a string)"
	case "Cursor":
		var c entgql.Cursor[int]
		err = c.UnmarshalGQL(v)
		what = "a cursor this API gave (pageInfo.endCursor or an edge's cursor)"
	case "Time":
		_, err = graphql.UnmarshalTime(v)
		what = "a time in RFC 3339, e.g. 2026-11-28T09:00:00Z"
	case "Date":
		_, err = scalar.UnmarshalDate(v)
		what = "a date written YYYY-MM-DD, e.g. 2026-12-31"
	}
	if err != nil {
		return badInput(path, "format", fmt.Sprintf("%s is not %s", path, what))
	}
	return nil
}

func badInput(field, reason, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": graph.CodeBadUserInput, "field": field, "reason": reason}}
}
