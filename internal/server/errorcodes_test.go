package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestEveryErrorCodeIsDocumented provokes each error the API gives and
// checks its code: that it is the one expected, and that docs/api.md's
// section "Error codes" lists it with an example, as it lists the two this
// test cannot provoke without breaking the server.
func TestEveryErrorCodeIsDocumented(t *testing.T) {
	w := newEditWorld(t, storetest.Open(t, "sqlite"))
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(doc)
	start := strings.Index(section, "\n## Error codes\n")
	if start < 0 {
		t.Fatal(`docs/api.md has no section "## Error codes"`)
	}
	section = section[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^### `([A-Z_]+)`").FindAllStringSubmatch(section, -1) {
		documented[m[1]] = true
	}

	send := func(method, path, contentType, token, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, w.url+path, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var r struct{ Errors []gqlError }
		if err := json.Unmarshal(b, &r); err != nil || len(r.Errors) == 0 {
			return resp.StatusCode, "(no error: " + string(b) + ")"
		}
		code, _ := r.Errors[0].Extensions["code"].(string)
		return resp.StatusCode, code
	}
	post := func(token, query string) (int, string) {
		b, _ := json.Marshal(map[string]any{"query": query})
		return send(http.MethodPost, "/graphql", "application/json", token, string(b))
	}
	get := func(params url.Values) (int, string) {
		return send(http.MethodGet, "/graphql?"+params.Encode(), "", "", "")
	}
	version := func() string {
		r := call(t, w.url, w.editorA, `{ product(slug: "paspoort") { version } }`, nil)
		var p struct{ Version json.Number }
		_ = json.Unmarshal(r.Data["product"], &p)
		return p.Version.String()
	}
	cases := []struct {
		code, what string
		do         func() (int, string)
	}{
		{"GRAPHQL_PARSE_FAILED", "a query that is not GraphQL", func() (int, string) { return post("", `{ products { `) }},
		{"GRAPHQL_VALIDATION_FAILED", "a field the schema does not have", func() (int, string) { return post("", `{ products { colour } }`) }},
		{"PERSISTED_QUERY_NOT_FOUND", "a persisted query's hash the server does not know", func() (int, string) {
			return get(url.Values{"extensions": {`{"persistedQuery":{"version":1,"sha256Hash":"` + strings.Repeat("ab", 32) + `"}}`}})
		}},
		{"METHOD_NOT_ALLOWED", "a mutation sent by GET", func() (int, string) {
			return get(url.Values{"query": {`mutation { publishProduct(input: {product: "paspoort", expectedVersion: 1}) { version } }`}})
		}},
		{"BAD_REQUEST", "a body that is not JSON", func() (int, string) {
			return send(http.MethodPost, "/graphql", "application/json", "", `{"query": `)
		}},
		{"BAD_USER_INPUT", "a planned channel without a date", func() (int, string) {
			return post(w.editorA, `mutation { setAvailability(input: {product: "paspoort", channel: "website", status: PLANNED, expectedVersion: `+version()+`}) { version } }`)
		}},
		{"UNAUTHENTICATED", "a token that is not valid", func() (int, string) { return post("not-a-token", `{ channels { code } }`) }},
		{"FORBIDDEN", "an editor changing another cluster's product", func() (int, string) {
			return post(w.editorB, `mutation { setAvailability(input: {product: "paspoort", channel: "website", status: AVAILABLE, expectedVersion: `+version()+`}) { version } }`)
		}},
		{"NOT_FOUND", "a product that does not exist", func() (int, string) { return post("", `{ changes(product: "bestaat-niet") { totalCount } }`) }},
		{"QUERY_TOO_COMPLEX", "lists nested in lists, each page at its largest", func() (int, string) {
			return post("", `{ products(first: 200) { edges { node { availabilities { product { availabilities { product { availabilities { product { availabilities { product { slug } } } } } } } } } } } }`)
		}},
		{"CONFLICT", "a save on a version someone else already changed", func() (int, string) {
			return post(w.editorA, `mutation { setAvailability(input: {product: "paspoort", channel: "website", status: AVAILABLE, expectedVersion: 999}) { version } }`)
		}},
	}
	provoked := map[string]bool{}
	for _, c := range cases {
		status, code := c.do()
		if code != c.code {
			t.Errorf("%s: code %s (HTTP %d), want %s", c.what, code, status, c.code)
		}
		provoked[c.code] = true
		if !documented[c.code] {
			t.Errorf("%s gives %s, which docs/api.md's \"Error codes\" does not list", c.what, c.code)
		}
	}
	// Every code the server's code can give, provoked above or not (a fault
	// of ours, an outage, an answer too large or too slow), is documented:
	// the constants named Code… in graph, catalog (the domain's refusals) and here.
	for _, dir := range []string{"../../graph", "../catalog", "."} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range regexp.MustCompile(`(?m)^\s*Code[A-Za-z]*\s*=\s*"([A-Z_]+)"`).FindAllStringSubmatch(string(src), -1) {
				if !documented[m[1]] {
					t.Errorf("%s gives the code %s, which docs/api.md's \"Error codes\" does not list", f, m[1])
				}
			}
		}
	}
}
