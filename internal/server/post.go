package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gemeente-rotterdam/catalogus/graph"
)

// postJSON serves GraphQL requests POSTed as JSON, as gqlgen's
// transport.POST does (which requests, which status codes, which content
// type), but writes an answer without errors as the field marshallers wrote
// it. transport.POST hands every answer to json.Marshal, which scans and
// compacts the already compact data once more: for a page of 50 products
// (47 KB) that was a seventh of the server's CPU per request
// (docs/performance.md). Answers with errors or extensions still go through
// json.Marshal; they are small.
type postJSON struct{ transport.POST }

func (t postJSON) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := answerType(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", contentType)
	start := graphql.Now()
	var params graphql.RawParams
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			writeAnswer(w, exec.DispatchError(ctx, requestError(graph.CodeBadUserInput, "the request body is too large")))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		writeAnswer(w, exec.DispatchError(ctx, requestError(graph.CodeBadRequest, "the request body could not be read")))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		// The request itself is broken; its body is not echoed back.
		w.WriteHeader(http.StatusBadRequest)
		writeAnswer(w, exec.DispatchError(ctx, requestError(graph.CodeBadRequest, `the request body is not valid JSON; send {"query": "…", "variables": {…}}`)))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	op, errs := exec.CreateOperationContext(ctx, &params)
	if errs != nil {
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			// What gqlgen answers: the GraphQL-over-HTTP draft's codes.
			if contentType == graphQLResponseJSON {
				w.WriteHeader(http.StatusBadRequest)
			} else {
				w.WriteHeader(http.StatusUnprocessableEntity)
			}
		}
		writeAnswer(w, exec.DispatchError(graphql.WithOperationContext(ctx, op), errs))
		return
	}
	answers, ctx := exec.DispatchOperation(ctx, op)
	writeAnswer(w, answers(ctx))
}

const graphQLResponseJSON = "application/graphql-response+json"

// answerType is the media type of the answer: the first in Accept that the
// service gives, application/json when Accept names none or any, and the
// GraphQL-over-HTTP type when it names only others.
func answerType(accept string) string {
	if accept == "" {
		return "application/json"
	}
	for part := range strings.SplitSeq(accept, ",") {
		t, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch t {
		case "*/*", "application/*", "application/json":
			return "application/json"
		case graphQLResponseJSON:
			return graphQLResponseJSON
		}
	}
	return graphQLResponseJSON
}

func requestError(code, msg string) gqlerror.List {
	return gqlerror.List{{Message: msg, Extensions: map[string]any{"code": code}}}
}

func writeAnswer(w io.Writer, a *graphql.Response) {
	if len(a.Errors) == 0 && a.Data != nil && a.Label == "" && a.Path == nil && a.HasNext == nil && len(a.Extensions) == 0 {
		_, _ = io.WriteString(w, `{"data":`)
		_, _ = w.Write(a.Data)
		_, _ = io.WriteString(w, "}")
		return
	}
	b, err := json.Marshal(a)
	if err != nil {
		// The data comes from the field marshallers: not valid JSON is a bug.
		panic("marshalling a GraphQL answer: " + err.Error())
	}
	_, _ = w.Write(b)
}
