package schemacheck

import (
	"strings"
	"testing"
)

const base = `
type Query { products(first: Int, theme: String): [Product!]! channel(code: String!): Channel }
type Product { id: ID! name: String! summary: String status: Status! }
type Channel { code: String! }
enum Status { DRAFT PUBLISHED RETIRED }
input SetInput { product: String! reason: String }
`

func TestBreaking(t *testing.T) {
	for name, tc := range map[string]struct {
		from, to, want string // want "" means: not breaking
	}{
		"field added":                {"status: Status! }", "status: Status! extra: Int }", ""},
		"output made non-null":       {"summary: String status", "summary: String! status", ""},
		"input made optional":        {"product: String! reason", "product: String reason", ""},
		"optional argument added":    {"theme: String)", "theme: String, owner: String)", ""},
		"field removed":              {"summary: String status", "status", "field Product.summary was removed"},
		"type removed":               {"type Channel { code: String! }", "", "type Channel was removed"},
		"output made nullable":       {"name: String! summary", "name: String summary", "field Product.name changed type"},
		"enum value removed":         {"DRAFT PUBLISHED RETIRED", "DRAFT PUBLISHED", "enum value Status.RETIRED was removed"},
		"argument removed":           {"(first: Int, theme: String)", "(first: Int)", "argument Query.products(theme) was removed"},
		"required argument added":    {"theme: String)", "theme: String, owner: String!)", "argument Query.products(owner) is new and required"},
		"input made required":        {"reason: String }", "reason: String! }", "input field SetInput.reason changed type"},
		"required input field added": {"reason: String }", "reason: String at: Int! }", "input field SetInput.at is new and required"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Breaking(base, strings.Replace(base, tc.from, tc.to, 1))
			if err != nil {
				t.Fatal(err)
			}
			joined := strings.Join(got, "\n")
			if tc.want == "" && len(got) > 0 || tc.want != "" && !strings.Contains(joined, tc.want) {
				t.Errorf("Breaking = %v, want %q", got, tc.want)
			}
		})
	}
}
