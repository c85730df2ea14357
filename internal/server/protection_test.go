package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestHostileQueriesAreRefused(t *testing.T) {
	db := storetest.Seeded(t, "sqlite", fixture.Seed)
	srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
	defer srv.Close()

	deep := "name"
	for range 30 {
		deep = "parent { " + deep + " }"
	}
	deep = "owner { " + deep + " }"
	var aliases strings.Builder
	for i := range 200 {
		aliases.WriteString("a" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + "_" + string(rune('a'+i/26)) + ": channels { code } ")
	}
	var expensive string
	for i := range 6 {
		expensive += fmt.Sprintf(`p%d: products(first: 200) { edges { node { availabilities { status reason url phone instructions
			channel { code name nameEn description } locations { code name street city } } } } } `, i)
	}
	for _, tc := range []struct{ name, query, want string }{
		{"depth", `{ products(first: 1) { edges { node { ` + deep + ` } } } }`, "levels deep"},
		{"aliases", `{ ` + aliases.String() + ` }`, "aliases"},
		{"cost", `{ ` + expensive + ` }`, "costs"},
		{"tokens", `{ ` + strings.Repeat("channels { code } ", 3000) + ` }`, "token limit"},
		{"page size", `{ products(first: 1000000) { totalCount } }`, "costs"},
		{"page size within the cost", `{ products(first: 1000) { totalCount } }`, "0 to 200"},
		{"unknown enum", `{ products(audience: CITIZEN) { totalCount } }`, "CITIZEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, srv.URL, "", tc.query, nil)
			if len(r.Errors) == 0 || !strings.Contains(strings.ToLower(r.Errors[0].Message), strings.ToLower(tc.want)) {
				t.Errorf("status %d, errors %+v; want one about %q", r.Status, r.Errors, tc.want)
			}
			if len(r.Data) > 0 && string(r.Data["products"]) != "null" && string(r.Data["products"]) != "" {
				t.Errorf("data came back: %v", r.Data)
			}
		})
	}

	// A body over the limit.
	big := bytes.Repeat([]byte(" "), 2<<20)
	resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MB body: status %d", resp.StatusCode)
	}
}

func TestSuggestionsOnlyForAuthenticatedCallers(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	fixture.New(t, db.Client)
	token, err := auth.Tokens{Client: db.Client}.Create(context.Background(), "ontwikkelaar", auth.Admin, "")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
	defer srv.Close()
	anon := call(t, srv.URL, "", `{ chanels { code } }`, nil)
	signed := call(t, srv.URL, token, `{ chanels { code } }`, nil)
	if len(anon.Errors) == 0 || strings.Contains(anon.Errors[0].Message, "Did you mean") {
		t.Errorf("anonymous: %+v", anon.Errors)
	}
	if len(signed.Errors) == 0 || !strings.Contains(signed.Errors[0].Message, "Did you mean") {
		t.Errorf("authenticated: %+v", signed.Errors)
	}
}

func TestCORS(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	for name, tc := range map[string]struct {
		origins []string
		origin  string
		allowed bool
	}{
		"closed by default":   {nil, "https://www.rotterdam.nl", false},
		"a configured origin": {[]string{"https://www.rotterdam.nl"}, "https://www.rotterdam.nl", true},
		"another origin":      {[]string{"https://www.rotterdam.nl"}, "https://evil.example", false},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(server.Handler(server.Config{DB: db, CORSOrigins: tc.origins}))
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/graphql", nil)
			req.Header.Set("Origin", tc.origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := resp.Header.Get("Access-Control-Allow-Origin") == tc.origin
			if got != tc.allowed || (tc.allowed && resp.StatusCode != http.StatusNoContent) {
				t.Errorf("preflight: status %d, allow-origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
			}
		})
	}
}

func getWith(t *testing.T, target string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestETags(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	w := newEditWorld(t, db)
	page := w.url + "/graphql?query=" + url.QueryEscape(`{ product(slug: "paspoort") { name version } }`)

	r1, _ := getWith(t, page, nil)
	r2, _ := getWith(t, page, nil)
	etag := r1.Header.Get("ETag")
	if etag == "" || r2.Header.Get("ETag") != etag || r1.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("ETags %q and %q, Cache-Control %q", etag, r2.Header.Get("ETag"), r1.Header.Get("Cache-Control"))
	}
	if r, body := getWith(t, page, map[string]string{"If-None-Match": etag}); r.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("If-None-Match: status %d", r.StatusCode)
	}
	// Answers to POST are never revalidated by HTTP caches: no ETag there.
	postBody, _ := json.Marshal(map[string]string{"query": `{ product(slug: "paspoort") { name version } }`})
	posted, err := http.Post(w.url+"/graphql", "application/json", bytes.NewReader(postBody))
	if err != nil {
		t.Fatal(err)
	}
	posted.Body.Close()
	if posted.StatusCode != http.StatusOK || posted.Header.Get("ETag") != "" {
		t.Errorf("POST: status %d, ETag %q; want 200 and none", posted.StatusCode, posted.Header.Get("ETag"))
	}
	// A change anywhere in the catalogue gives a new ETag, so nobody keeps a stale page.
	if r := call(t, w.url, w.editorA, `mutation { updateProduct(input: {product: "paspoort", expectedVersion: 1, name: "Paspoort aanvragen"}) { version } }`, nil); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	r3, body := getWith(t, page, map[string]string{"If-None-Match": etag})
	if r3.StatusCode != http.StatusOK || r3.Header.Get("ETag") == etag || !strings.Contains(body, "Paspoort aanvragen") {
		t.Errorf("after a change: status %d, ETag %q, body %s", r3.StatusCode, r3.Header.Get("ETag"), body)
	}
	// Authenticated answers are never cached; coverage "now" changes with the clock.
	if r, _ := getWith(t, page, map[string]string{"Authorization": "Bearer " + w.editorA}); r.Header.Get("ETag") != "" || r.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("authenticated: ETag %q, Cache-Control %q", r.Header.Get("ETag"), r.Header.Get("Cache-Control"))
	}
	if r, _ := getWith(t, w.url+"/graphql?query="+url.QueryEscape(`{ coverage { ratio } }`), nil); r.Header.Get("ETag") != "" {
		t.Errorf("coverage now has an ETag %q", r.Header.Get("ETag"))
	}

	// Automatic persisted queries: the hash alone, after the query was seen once.
	q := `{ channels { code } }`
	sum := sha256.Sum256([]byte(q))
	ext, _ := json.Marshal(map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}})
	hashOnly := w.url + "/graphql?extensions=" + url.QueryEscape(string(ext))
	if _, body := getWith(t, hashOnly, nil); !strings.Contains(body, "PersistedQueryNotFound") {
		t.Errorf("an unknown hash: %s", body)
	}
	if _, body := getWith(t, hashOnly+"&query="+url.QueryEscape(q), nil); !strings.Contains(body, `"balie"`) {
		t.Errorf("hash with query: %s", body)
	}
	if _, body := getWith(t, hashOnly, nil); !strings.Contains(body, `"balie"`) {
		t.Errorf("the hash alone, now known: %s", body)
	}
}

// TestIntrospectionFitsTheLimits sends the introspection query GraphiQL and
// code generators send: the limits must leave room for it.
func TestIntrospectionFitsTheLimits(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
	defer srv.Close()
	typeRef := "kind name"
	for range 8 {
		typeRef = "kind name ofType { " + typeRef + " }"
	}
	q := `query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
		types { ...FullType } directives { name description locations args { ...InputValue } } } }
	fragment FullType on __Type { kind name description
		fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
		inputFields { ...InputValue } interfaces { ...TypeRef }
		enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
	fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
	fragment TypeRef on __Type { ` + typeRef + ` }`
	r := call(t, srv.URL, "", q, nil)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data["__schema"]), "SetAvailabilityInput") {
		t.Errorf("introspection: %+v", r.Errors)
	}
}

// TestRequestErrorsFollowGraphQLOverHTTP: a document that does not validate
// answers 200 with application/json, and without a data entry with
// application/graphql-response+json; a body that is not JSON answers 400.
func TestRequestErrorsFollowGraphQLOverHTTP(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
	defer srv.Close()
	post := func(accept, body string) (int, map[string]json.RawMessage) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]json.RawMessage
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	if code, m := post("application/json", `{"query": "{ nope }"}`); code != 200 || m["errors"] == nil {
		t.Errorf("validation error with application/json: %d %v", code, m)
	}
	if code, m := post("application/graphql-response+json", `{"query": "{ nope }"}`); code != 400 || m["errors"] == nil || m["data"] != nil {
		t.Errorf("validation error with graphql-response+json: %d %v", code, m)
	}
	if code, _ := post("application/json", `{"query": `); code != 400 {
		t.Errorf("a body that is not JSON: %d", code)
	}
}

// TestHostileRequests sends what a careless or hostile client might: each
// gets a clear error with a fitting status and code, the server stays up, and
// the data stays as it was.
func TestHostileRequests(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	w := newEditWorld(t, db)
	before := w.state(t)
	raw := func(method, ctype, body string) (int, string) {
		req, _ := http.NewRequest(method, w.url+"/graphql", strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		req.Header.Set("Authorization", "Bearer "+w.editorA)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	huge := strings.Repeat("x", 2<<20)
	var aliases strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&aliases, "a%d: channels { code } ", i)
	}
	nested := `{nameContains: "a"}`
	for range 100 {
		nested = `{and: [` + nested + `]}`
	}
	for _, tc := range []struct {
		name, method, ctype, body string
		status                    int
		want                      string
	}{
		{"malformed JSON", "POST", "application/json", `{"query": "{ channels { code } }"`, 400, "not valid JSON"},
		{"a JSON array", "POST", "application/json", `[1, 2]`, 400, "not valid JSON"},
		{"wrong content type", "POST", "text/plain", `{ channels { code } }`, 415, ""},
		{"a 2 MB body", "POST", "application/json", `{"query": "` + huge + `"}`, 413, "at most"},
		{"10,000 aliases", "POST", "application/json", jsonQuery(`{ ` + aliases.String() + ` }`), 200, ""},
		{"where nested 100 deep", "POST", "application/json", jsonQuery(`{ products(where: ` + nested + `) { totalCount } }`), 200, "levels deep"},
		{"first: 1000000", "POST", "application/json", jsonQuery(`{ products(first: 1000000) { totalCount } }`), 200, "QUERY_TOO_COMPLEX"},
		{"unknown enum value", "POST", "application/json", jsonQuery(`{ products(audience: EVERYONE) { totalCount } }`), 200, "EVERYONE"},
		{"SQL in a search", "POST", "application/json", jsonQuery(`{ products(search: "'; DROP TABLE products; --") { totalCount } }`), 200, ""},
		{"SQL in a slug", "POST", "application/json", jsonQuery(`{ product(slug: "x' OR '1'='1") { name } }`), 200, ""},
		{"unicode everywhere", "POST", "application/json", jsonQuery(`{ product(slug: "pàspoört-🇳🇱-\u202e") { name } products(theme: "Ω≈ç√∫˜µ≤≥÷", search: "日本語 𝕏") { totalCount } }`), 200, ""},
		{"an oversized string argument", "POST", "application/json", jsonQuery(`{ products(search: "` + strings.Repeat("woord ", 50000) + `") { totalCount } }`), 200, ""},
		{"a mutation in GET", "GET", "", "", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.method == "GET" {
				resp, body := getWith(t, w.url+"/graphql?query="+url.QueryEscape(`mutation { clearAvailability(input: {product: "paspoort", expectedVersion: 1, channel: "website"}) { version } }`),
					map[string]string{"Authorization": "Bearer " + w.editorA})
				if resp.StatusCode < 400 || !strings.Contains(body, "errors") {
					t.Errorf("a mutation over GET: %d %s", resp.StatusCode, body)
				}
				return
			}
			status, body := raw(tc.method, tc.ctype, tc.body)
			if status != tc.status || (tc.want != "" && !strings.Contains(body, tc.want)) {
				t.Errorf("status %d, body %.300s; want %d and %q", status, body, tc.status, tc.want)
			}
			if strings.Contains(body, "goroutine") || strings.Contains(body, "SQLSTATE") || strings.Contains(body, "sqlite") {
				t.Errorf("the answer leaks internals: %.300s", body)
			}
		})
	}
	if r := call(t, w.url, "", `{ channels { code } }`, nil); len(r.Errors) > 0 {
		t.Errorf("the server is not well after all this: %+v", r.Errors)
	}
	if after := w.state(t); after != before {
		t.Errorf("hostile requests changed the data:\n%s\n%s", before, after)
	}
}

func jsonQuery(q string) string {
	b, _ := json.Marshal(map[string]string{"query": q})
	return string(b)
}
