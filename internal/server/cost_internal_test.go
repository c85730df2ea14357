package server

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gemeente-rotterdam/catalogus/graph"
)

// unpriced are the lists of objects the cost model does not bound; each costs
// as if it held one element. Only a mutation's answer, whose elements hold no
// lists (so nothing multiplies them) and whose number the importer's row
// limit bounds; no new ones.
var unpriced = map[string]bool{
	"SpreadsheetImport.problems": true, // a mutation's answer: one per problem of the upload
	"MeasurementImport.problems": true,
}

// TestEveryListIsPriced: every field that answers a list of objects has its
// bound in the cost model, so that nesting it multiplies the cost. A
// connection's edges are priced by the field that answers the connection.
func TestEveryListIsPriced(t *testing.T) {
	root := reflect.ValueOf(costModel(MinBounds))
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	for _, typ := range schema.Types {
		if typ.Kind != ast.Object || strings.HasPrefix(typ.Name, "__") || strings.HasSuffix(typ.Name, "Connection") {
			continue
		}
		for _, f := range typ.Fields {
			if f.Type.Elem == nil || strings.HasPrefix(f.Name, "__") {
				continue
			}
			elem := schema.Types[f.Type.Elem.Name()]
			if elem == nil || (elem.Kind != ast.Object && elem.Kind != ast.Interface) {
				continue
			}
			if !priced(root, typ.Name, f.Name) && !unpriced[typ.Name+"."+f.Name] {
				t.Errorf("%s.%s answers a list of %s but has no price in costModel", typ.Name, f.Name, elem.Name)
			}
		}
	}
}

// TestComputedFieldsArePriced: the fields that compute cost what they take.
func TestComputedFieldsArePriced(t *testing.T) {
	for _, c := range []struct {
		query string
		least int
	}{
		{`{ products(first: 1) { edges { node { plainLanguage { b1 } } } } }`, PlainLanguageCost},
		{`{ products(first: 1) { edges { node { readiness { ready } } } } }`, ReadinessCost},
		{`{ answers(first: 1) { edges { node { plainLanguage { b1 } } } } }`, PlainLanguageCost},
		{`{ plainLanguage(text: "` + strings.Repeat("Wij helpen u. ", 357) + `") { b1 } }`, PlainLanguageCost * 9 / 10},
		{`{ plainLanguage(text: "Kort.") { jargon { term } } }`, 50},
	} {
		cost, err := Cost(MinBounds, c.query, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if cost < c.least {
			t.Errorf("%.60s… costs %d, at least %d expected", c.query, cost, c.least)
		}
	}
}

// priced reports whether the complexity function of type.field is set.
func priced(root reflect.Value, typ, field string) bool {
	t := root.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, typ) })
	if !t.IsValid() {
		return false
	}
	f := t.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, field) })
	return f.IsValid() && !f.IsNil()
}
