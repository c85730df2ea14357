package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// example is one operation that the docs show or a page sends.
type example struct {
	source, name, doc string
	op                *ast.OperationDefinition
}

func (e example) String() string { return e.source + " " + e.name }

// repoFile reads a file of the repository (the tests run in internal/server).
func repoFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	graphqlBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")
	operation    = regexp.MustCompile(`^\s*(\{|query\b|mutation\b|subscription\b|fragment\b)`)
	jsQuery      = regexp.MustCompile("(?s)`((?:query|mutation|subscription|fragment)\\b[^`]*)`|'((?:query|mutation|subscription|fragment)\\b[^'\n]*)'")
)

// examples collects the operations of the docs' GraphQL blocks and the
// queries the dashboard and the editor send, each validated against the
// schema: an example that does not validate is a bug of the docs or a page.
func examples(t *testing.T) []example {
	t.Helper()
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	var out []example
	add := func(source, doc string) {
		parsed, errs := gqlparser.LoadQuery(schema, doc)
		if errs != nil {
			t.Errorf("%s: %v\n%s", source, errs, doc)
			return
		}
		for _, op := range parsed.Operations {
			name := op.Name
			if name == "" {
				// An anonymous operation goes by its fields.
				var fields []string
				for _, sel := range op.SelectionSet {
					if f, ok := sel.(*ast.Field); ok {
						fields = append(fields, f.Name)
					}
				}
				name = "{ " + strings.Join(fields, " ") + " }"
				if op.Operation == ast.Mutation {
					name = "mutation " + name
				}
			}
			out = append(out, example{source: source, name: name, doc: doc, op: op})
		}
	}
	docs, _ := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	files := []string{"README.md"}
	for _, d := range docs {
		files = append(files, filepath.Join("docs", filepath.Base(d)))
	}
	for _, f := range files {
		for _, m := range graphqlBlock.FindAllStringSubmatch(repoFile(t, f), -1) {
			if !operation.MatchString(m[1]) {
				continue // a piece of the schema, not a query
			}
			add(f, m[1])
		}
	}
	// The pages' modules, a page at a time: the editor adds the fragments a
	// document uses (withFragments in its queries.js), wherever in the page's
	// modules they are written; the same here.
	for _, page := range []string{"dashboard", "beheer"} {
		modules, _ := filepath.Glob(filepath.Join("..", "..", "internal", page, "assets", "*.js"))
		fragments := map[string]string{}
		type query struct{ source, q string }
		var queries []query
		for _, p := range modules {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			source := strings.TrimPrefix(filepath.ToSlash(p), "../../")
			for _, m := range jsQuery.FindAllStringSubmatch(string(src), -1) {
				q := m[1] + m[2]
				switch {
				case strings.Contains(q, "${"):
					// Made up as the page runs (the admin forms' mutations).
				case strings.HasPrefix(q, "fragment "):
					fragments[strings.Fields(q)[1]] = q
				default:
					queries = append(queries, query{source, q})
				}
			}
		}
		for _, q := range queries {
			doc := q.q
			for name, f := range fragments {
				if strings.Contains(doc, "..."+name) {
					doc += "\n" + f
				}
			}
			add(q.source, doc)
		}
	}
	return out
}

// sample gives an example's variables values from the seed, by name and
// type; ok is false when a required one has none.
func sample(op *ast.OperationDefinition) (map[string]any, bool) {
	values := map[string]any{"slug": "paspoort-aanvragen", "product": "paspoort-aanvragen", "search": "paspoort",
		"recent": "2025-12-01", "who": "Rita"}
	vars := map[string]any{}
	for _, v := range op.VariableDefinitions {
		val, ok := values[v.Variable]
		switch {
		case v.Variable == "from" && v.Type.Name() == "Time":
			val, ok = "2023-01-01T00:00:00+01:00", true
		case v.Variable == "from" && v.Type.Name() == "Date":
			val, ok = "2022-01-01", true
		}
		if !ok && v.Type.NonNull {
			return nil, false
		}
		if ok {
			vars[v.Variable] = val
		}
	}
	return vars, true
}

// countItems counts the elements of the lists in an answer.
func countItems(v any) int {
	switch v := v.(type) {
	case []any:
		n := len(v)
		for _, e := range v {
			n += countItems(e)
		}
		return n
	case map[string]any:
		n := 0
		for _, e := range v {
			n += countItems(e)
		}
		return n
	}
	return 0
}

// TestExamplesFitTheLimits holds every query of the docs, the dashboard and
// the editor to the limits with room to spare: each costs at most half the
// cost limit with the seed's bounds, and each query answers on the seed with
// at most half the items and bytes an answer may hold. The costs it logs are
// the ones docs/api.md lists, and it checks that they are.
func TestExamplesFitTheLimits(t *testing.T) {
	all := examples(t)
	if len(all) < 30 {
		t.Fatalf("found %d examples; the extraction is broken", len(all))
	}
	limits := server.DefaultLimits
	documented := documentedCosts(t)
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		bounds, err := server.ReadBounds(context.Background(), db.SQL)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("the seed's bounds: %+v", bounds)
		token, err := auth.Tokens{Client: db.Client}.Create(context.Background(), "voorbeelden-"+db.Target.Dialect, auth.Admin, "")
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
		t.Cleanup(srv.Close)
		var table []string
		for _, ex := range all {
			vars, runnable := sample(ex.op)
			cost, err := server.Cost(bounds, ex.doc, ex.op.Name, vars)
			if err != nil {
				t.Errorf("%s: %v", ex, err)
				continue
			}
			table = append(table, fmt.Sprintf("| %s | %s | %d |", ex.source, ex.name, cost))
			if cost > limits.MaxComplexity/2 {
				t.Errorf("%s costs %d: more than half the limit of %d", ex, cost, limits.MaxComplexity)
			}
			if want, ok := documented[ex.source+" "+ex.name]; ok && want != cost {
				t.Errorf("docs/api.md says %s costs %d; it costs %d", ex, want, cost)
			}
			if ex.op.Operation != ast.Query || !runnable {
				continue
			}
			body, _ := json.Marshal(map[string]any{"query": ex.doc, "operationName": ex.op.Name, "variables": vars})
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var answer struct {
				Data   any
				Errors []gqlError
			}
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(resp.Body)
			resp.Body.Close()
			if err := json.Unmarshal(buf.Bytes(), &answer); err != nil || len(answer.Errors) > 0 {
				t.Errorf("%s: %v %+v", ex, err, answer.Errors)
				continue
			}
			if items := countItems(answer.Data); items > limits.MaxAnswerItems/2 {
				t.Errorf("%s answers %d list items: more than half the %d an answer may hold", ex, items, limits.MaxAnswerItems)
			}
			if buf.Len() > limits.MaxAnswerBytes/2 {
				t.Errorf("%s answers %d bytes: more than half the %d an answer may hold", ex, buf.Len(), limits.MaxAnswerBytes)
			}
		}
		sort.Strings(table)
		t.Logf("what the examples cost on the seed:\n%s", strings.Join(table, "\n"))
	})
}

// documentedCosts reads the table of docs/api.md that lists what each
// example costs: rows "| source | operation | cost |".
func documentedCosts(t *testing.T) map[string]int {
	out := map[string]int{}
	row := regexp.MustCompile("(?m)^\\| `?([^|`]+?)`? \\| `?([^|`]+?)`? \\| ([0-9,]+) \\|$")
	for _, m := range row.FindAllStringSubmatch(repoFile(t, "docs/api.md"), -1) {
		n, err := strconv.Atoi(strings.ReplaceAll(m[3], ",", ""))
		if err == nil {
			out[m[1]+" "+m[2]] = n
		}
	}
	return out
}
