package graph_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestWhereFiltersAreNarrowed lists the fields that take a generated where
// filter. Each one's resolver must pass it through auth.NarrowWhere, so that
// its edges reach only what the caller may see; a new one fails this test
// until its resolver does and it is added here.
func TestWhereFiltersAreNarrowed(t *testing.T) {
	narrowed := map[string]bool{"Query.products": true}
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	var found []string
	for _, def := range schema.Types {
		if def.Kind != ast.Object && def.Kind != ast.Interface {
			continue
		}
		for _, f := range def.Fields {
			for _, a := range f.Arguments {
				if strings.HasSuffix(a.Type.Name(), "WhereInput") {
					found = append(found, def.Name+"."+f.Name)
				}
			}
		}
	}
	sort.Strings(found)
	for _, f := range found {
		if !narrowed[f] {
			t.Errorf("%s takes a where filter: narrow it with auth.NarrowWhere in its resolver, then list it here", f)
		}
	}
	if len(found) != len(narrowed) {
		t.Errorf("fields with a where filter: %v, want %v", found, narrowed)
	}
}

// TestInternalAnswersCannotBeFound searches the seed's answer base for the
// words of its one INTERNAL answer (a work instruction): an anonymous caller
// finds nothing and no count betrays it; signed-in staff find it.
func TestInternalAnswersCannotBeFound(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		r := graph.NewResolver(db, "")
		staff := auth.NewContext(context.Background(), &auth.Viewer{Name: "balie", Role: auth.Editor})
		for _, q := range []string{
			`{ answers(search: "spoedrooster") { totalCount edges { node { question } } } }`,
			`{ answers(search: "werkinstructie spoed", product: "paspoort-aanvragen") { totalCount edges { node { question } } } }`,
			`{ answers(product: "paspoort-aanvragen", first: 200) { totalCount edges { node { question } } } }`,
		} {
			var anon, seen struct {
				Answers struct {
					TotalCount int
					Edges      []struct{ Node struct{ Question string } }
				}
			}
			if errs := runAs(t, context.Background(), r, q, nil, &anon); len(errs) > 0 {
				t.Fatal(errs)
			}
			if errs := runAs(t, staff, r, q, nil, &seen); len(errs) > 0 {
				t.Fatal(errs)
			}
			internal := func(v any) bool {
				b, _ := json.Marshal(v)
				return strings.Contains(string(b), "werkinstructie")
			}
			if internal(anon) || anon.Answers.TotalCount != len(anon.Answers.Edges) {
				t.Errorf("anonymous %s: %+v", q, anon)
			}
			if !internal(seen) || seen.Answers.TotalCount != anon.Answers.TotalCount+1 {
				t.Errorf("staff %s: %+v (anonymous counted %d)", q, seen, anon.Answers.TotalCount)
			}
		}
	})
}
