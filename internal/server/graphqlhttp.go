package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/graph"
)

// jsonBody tells whether a request says its body is JSON, the one form of
// POST the API takes.
func jsonBody(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/json")
}

// upload tells whether a request sends files: a multipart form (the GraphQL
// multipart request specification) that carries credentials. Browsers send
// multipart forms across origins without asking first (no CORS preflight), so
// the API takes them only with an Authorization header, which a browser never
// adds to a cross-origin request unasked: a page elsewhere cannot make a
// visitor's browser post one. The one operation that reads a file,
// importSpreadsheet, is for admins.
func upload(r *http.Request) bool {
	return r.Method == http.MethodPost && r.Header.Get("Authorization") != "" &&
		strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/form-data")
}

// overHTTP adjusts gqlgen's answers to request errors (a document that does
// not parse or validate, variables that do not fit) to the GraphQL-over-HTTP
// specification, which graphql-http's audit checks:
//   - with the legacy application/json, such errors come with status 200;
//   - with application/graphql-response+json, the body has no "data" entry.
//
// Successful answers pass through untouched; only error answers are buffered.
func overHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && !jsonBody(r) && !upload(r) {
			writeGraphQLError(w, http.StatusUnsupportedMediaType, graph.CodeBadRequest,
				"send queries as POST with Content-Type: application/json, or as GET with query parameters")
			return
		}
		sw := &specWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		sw.finish()
	})
}

type specWriter struct {
	http.ResponseWriter
	status int
	buf    *bytes.Buffer
}

func (s *specWriter) WriteHeader(code int) {
	if s.status != 0 {
		return
	}
	s.status = code
	if code == http.StatusBadRequest || code == http.StatusUnprocessableEntity {
		s.buf = &bytes.Buffer{} // decided once the body is complete
		return
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *specWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.WriteHeader(http.StatusOK)
	}
	if s.buf != nil {
		return s.buf.Write(b)
	}
	return s.ResponseWriter.Write(b)
}

// finish writes a buffered error answer once the handler is done.
func (s *specWriter) finish() {
	if s.buf == nil {
		return
	}
	body := s.buf.Bytes()
	ctype := s.Header().Get("Content-Type")
	switch {
	case strings.HasPrefix(ctype, "application/json") && graphQLErrors(body):
		s.ResponseWriter.WriteHeader(http.StatusOK)
	case strings.HasPrefix(ctype, "application/graphql-response+json"):
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) == nil {
			if _, ok := m["errors"]; ok {
				delete(m, "data")
				if b, err := json.Marshal(m); err == nil {
					body = b
				}
			}
		}
		s.ResponseWriter.WriteHeader(s.status)
	default:
		s.ResponseWriter.WriteHeader(s.status)
	}
	_, _ = s.ResponseWriter.Write(body)
}

// graphQLErrors reports whether an error answer is about the GraphQL request
// (its document or variables), which carries a code, rather than about the
// HTTP request (a body that is not JSON), which keeps its 400.
func graphQLErrors(body []byte) bool {
	var r struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &r) != nil || len(r.Errors) == 0 {
		return false
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return code != "" && code != graph.CodeBadRequest
}
