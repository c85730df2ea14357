package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// emptyCases are, per connection field of the API, queries that find
// nothing; each ($after) is also asked for the page after the last one.
var emptyCases = map[string][]string{
	"Query.products": {
		`products(search: "xyzzyqw", first: 5, after: $after)`,
		`products(search: "de het een", first: 5, after: $after)`,
		`products(theme: "Bestaat niet", first: 5, after: $after)`,
		`products(search: "paspoort", theme: "Bestaat niet", first: 5, after: $after)`,
		`products(search: "xyzzyqw", orderBy: {field: NAME}, first: 5, after: $after)`,
		`products(where: {slug: "bestaat-niet"}, first: 5, after: $after)`,
		`products(availableOn: "website", theme: "Bestaat niet", first: 5, after: $after)`,
	},
	"Query.answers": {
		`answers(search: "xyzzyqw", first: 5, after: $after)`,
		`answers(product: "aanleunwoning", first: 5, after: $after)`,
		`answers(search: "paspoort", product: "aanleunwoning", first: 5, after: $after)`,
	},
	"Query.callbackRequests": {
		`callbackRequests(status: CLOSED, first: 5, after: $after)`,
	},
	"Query.changes": {
		`changes(product: "paspoort-aanvragen", since: "2099-01-01T00:00:00Z", first: 5, after: $after)`,
	},
	"Query.catalogueChanges": {
		`catalogueChanges(first: 5, after: $after)`,
	},
	"Query.gaps": {
		`gaps(channel: "website", first: 200, after: $after)`,
	},
	"Query.notApplicableReview": {
		`notApplicableReview(channel: "website", first: 200, after: $after)`,
	},
}

// TestEmptyIsEmpty: every connection of the API answers edges: [] when
// nothing matches or a page lies past the end, never null, on both
// databases. A connection field without cases here fails the test, so that
// a new one cannot be forgotten.
func TestEmptyIsEmpty(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "schema.graphql", Input: graph.SchemaSDL()})
	for _, def := range schema.Types {
		if def.Kind != ast.Object || strings.HasPrefix(def.Name, "__") {
			continue
		}
		for _, f := range def.Fields {
			if strings.HasSuffix(f.Type.Name(), "Connection") && len(emptyCases[def.Name+"."+f.Name]) == 0 {
				t.Errorf("%s.%s returns a connection but has no case in emptyCases", def.Name, f.Name)
			}
		}
	}
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		r := graph.NewResolver(db, "")
		admin := auth.NewContext(context.Background(), &auth.Viewer{Name: "admin", Role: auth.Admin})
		for field, cases := range emptyCases {
			for _, c := range cases {
				name := c[:strings.IndexByte(c, '(')]
				// The last page first: its end cursor, then the page after it.
				var after any
				for range 100 {
					var out map[string]map[string]any
					q := `query($after: Cursor) { c: ` + strings.Replace(c, "first: 5", "first: 200", 1) + ` { pageInfo { hasNextPage endCursor } } }`
					if errs := runAs(t, admin, r, q, map[string]any{"after": after}, &out); len(errs) > 0 {
						t.Fatalf("%s: %v", c, errs)
					}
					pi := out["c"]["pageInfo"].(map[string]any)
					if end := pi["endCursor"]; end != nil {
						after = end
					}
					if pi["hasNextPage"] != true {
						break
					}
				}
				for _, a := range []any{nil, after} {
					if a == nil && (name == "gaps" || name == "notApplicableReview" || name == "catalogueChanges") {
						continue // the seed has gaps and changes: only the page past the end is empty
					}
					var out map[string]map[string]any
					counted := " totalCount"
					if name == "catalogueChanges" {
						counted = "" // a feed has no end to count to
					}
					q := `query($after: Cursor) { c: ` + c + ` { edges { cursor }` + counted + ` } }`
					if errs := runAs(t, admin, r, q, map[string]any{"after": a}, &out); len(errs) > 0 {
						t.Fatalf("%s: %v", c, errs)
					}
					edges, ok := out["c"]["edges"].([]any)
					if !ok || len(edges) != 0 {
						t.Errorf("%s (%s, after %v): edges are %#v, want []", field, c, a, out["c"]["edges"])
					}
				}
			}
		}
	})
}
