package graph_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gemeente-rotterdam/catalogus/graph"
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
