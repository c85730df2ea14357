package server

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// CodeMethodNotAllowed is the code of a mutation sent by GET.
const CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"

// getQueries is gqlgen's GET transport, except for the answer to a mutation
// sent by GET: gqlgen refuses it with 406 and an error without a code; here
// it is 405 with Allow: POST and the code METHOD_NOT_ALLOWED, like every
// other error of the API. (GET must not change anything: a link, a prefetch
// or a cache could send it.)
type getQueries struct{ transport.GET }

func (g getQueries) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	g.GET.Do(&notAQuery{ResponseWriter: w}, r, exec)
}

// notAQuery replaces the GET transport's 406 (its one use of that status:
// an operation that is not a query) by the coded refusal.
type notAQuery struct {
	http.ResponseWriter
	refused bool
}

func (n *notAQuery) WriteHeader(status int) {
	if status != http.StatusNotAcceptable {
		n.ResponseWriter.WriteHeader(status)
		return
	}
	n.refused = true
	n.Header().Set("Allow", "POST")
	writeGraphQLError(n.ResponseWriter, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
		"a GET request may only read (a query); send mutations with POST")
}

func (n *notAQuery) Write(b []byte) (int, error) {
	if n.refused {
		return len(b), nil // gqlgen's own uncoded message
	}
	return n.ResponseWriter.Write(b)
}
