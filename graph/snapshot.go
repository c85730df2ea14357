package graph

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/vektah/gqlparser/v2/formatter"
)

// goDirectives are gqlgen's binding hints; they are not part of the contract.
var goDirectives = regexp.MustCompile(` @go(Model|Field|Extraid|Tag)\([^)]*\)`)

// SchemaSDL is the schema the API serves, in SDL. graph/schema.graphql holds
// a snapshot of it, written by `go generate` and compared by the tests, so
// that every change to the API's contract shows up in review.
func SchemaSDL() string {
	var b bytes.Buffer
	formatter.NewFormatter(&b, formatter.WithIndent("  "), formatter.WithComments()).
		FormatSchema(NewExecutableSchema(Config{}).Schema())
	var out strings.Builder
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if strings.HasPrefix(line, "directive @go") {
			continue
		}
		out.WriteString(goDirectives.ReplaceAllString(line, ""))
	}
	return out.String()
}
