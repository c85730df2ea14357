package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

func query(t *testing.T, url, q string, vars map[string]any, out any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decoding the response: %v", err)
	}
	if out != nil && len(r.Errors) == 0 {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("decoding data %s: %v", r.Data, err)
		}
	}
	return r
}

func TestMain(m *testing.M) { storetest.Main(m) }

func TestGraphQLOnTheSeed(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
		defer srv.Close()

		var list struct {
			Products struct {
				TotalCount int
				Edges      []struct {
					Node struct{ ID, Slug, Name string }
				}
			}
			Channels []struct {
				Code                     string
				Digital, Assisted, Youth bool
			}
			Organizations []struct {
				Code   string
				Parent *struct{ Code string }
			}
		}
		r := query(t, srv.URL, `{
			products(first: 3, orderBy: {field: NAME, direction: ASC}) { totalCount edges { node { id slug name } } }
			channels { code digital assisted youth }
			organizations { code parent { code } }
		}`, nil, &list)
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %v", r.Errors)
		}
		if list.Products.TotalCount != 423 || len(list.Products.Edges) != 3 {
			t.Errorf("products: total %d, page %d; want 423 and 3", list.Products.TotalCount, len(list.Products.Edges))
		}
		var codes []string
		for _, c := range list.Channels {
			codes = append(codes, c.Code)
		}
		if got := strings.Join(codes, ","); got != "balie,wijkhub,straat,telefoon,website,app,chat,webcare,email" {
			t.Errorf("channels = %s", got)
		}
		if len(list.Organizations) != 24 {
			t.Errorf("%d organizations, want 24", len(list.Organizations))
		}
		for _, o := range list.Organizations {
			if (o.Parent == nil) != (o.Code == "rotterdam") {
				t.Errorf("organization %s has parent %v", o.Code, o.Parent)
			}
		}

		// node(id:) resolves a product found in the list.
		first := list.Products.Edges[0].Node
		var node struct {
			Node *struct {
				Typename string `json:"__typename"`
				Slug     string
			}
		}
		query(t, srv.URL, `query($id: ID!) { node(id: $id) { __typename ... on Product { slug } } }`, map[string]any{"id": first.ID}, &node)
		if node.Node == nil || node.Node.Typename != "Product" || node.Node.Slug != first.Slug {
			t.Errorf("node(%s) = %+v, want product %s", first.ID, node.Node, first.Slug)
		}

		// product(slug:) with its channels, and null for an unknown slug.
		var one struct {
			Paspoort *struct {
				Name           string
				Availabilities []struct {
					Status  string
					Channel struct{ Code string }
				}
			}
			Missing *struct{ Name string }
		}
		r = query(t, srv.URL, `{
			paspoort: product(slug: "paspoort-aanvragen") { name availabilities { status channel { code } } }
			missing: product(slug: "bestaat-niet") { name }
		}`, nil, &one)
		if len(r.Errors) > 0 || one.Paspoort == nil || one.Paspoort.Name != "Paspoort aanvragen" || one.Missing != nil {
			t.Fatalf("product(slug:) = %+v, errors %v", one, r.Errors)
		}
		statuses := map[string]string{}
		for _, a := range one.Paspoort.Availabilities {
			statuses[a.Channel.Code] = a.Status
		}
		if statuses["balie"] != "AVAILABLE" || statuses["website"] != "PARTIAL" {
			t.Errorf("paspoort channels = %v; want AVAILABLE at the counter, PARTIAL online", statuses)
		}

		// Paging through everything with cursors gives every product once.
		seen := map[string]bool{}
		after := any(nil)
		for pages := 0; pages < 20; pages++ {
			var page struct {
				Products struct {
					Edges    []struct{ Node struct{ Slug string } }
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
			r := query(t, srv.URL, `query($after: Cursor) { products(first: 50, after: $after) { edges { node { slug } } pageInfo { hasNextPage endCursor } } }`,
				map[string]any{"after": after}, &page)
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			for _, e := range page.Products.Edges {
				if seen[e.Node.Slug] {
					t.Errorf("%s on two pages", e.Node.Slug)
				}
				seen[e.Node.Slug] = true
			}
			if !page.Products.PageInfo.HasNextPage {
				break
			}
			after = page.Products.PageInfo.EndCursor
		}
		if len(seen) != 423 {
			t.Errorf("paging gave %d products, want 423", len(seen))
		}

		// Too large a page is an error, not a dump of every row.
		r = query(t, srv.URL, `{ products(first: 1000) { totalCount } }`, nil, nil)
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "0 to 200") {
			t.Errorf("first: 1000 gave errors %v", r.Errors)
		}
		r = query(t, srv.URL, `{ products(municipality: "atlantis") { totalCount } }`, nil, nil)
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, `no municipality with code "atlantis"`) {
			t.Errorf("unknown municipality gave errors %v", r.Errors)
		}
		// The municipality is found inside the product's own statement; what
		// it does not find still says why.
		r = query(t, srv.URL, `{ product(slug: "paspoort-aanvragen", municipality: "atlantis") { slug } }`, nil, nil)
		if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, `no municipality with code "atlantis"`) {
			t.Errorf("a product in an unknown municipality gave errors %v", r.Errors)
		}
		r = query(t, srv.URL, `{ product(slug: "bestaat-niet", municipality: "rotterdam") { slug } }`, nil, nil)
		if len(r.Errors) != 0 || string(r.Data) != `{"product":null}` {
			t.Errorf("an unknown product gave %s, errors %v; want null and none", r.Data, r.Errors)
		}
		r = query(t, srv.URL, `{ products(theme: "geen thema", municipality: "rotterdam") { edges { node { slug } } } }`, nil, nil)
		if len(r.Errors) != 0 || string(r.Data) != `{"products":{"edges":[]}}` {
			t.Errorf("a page without products gave %s, errors %v; want it empty", r.Data, r.Errors)
		}
	})
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestGraphiQLIsSelfContained checks that the page loads only from this server.
func TestGraphiQLIsSelfContained(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
	defer srv.Close()

	resp, page := get(t, srv.URL+"/")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "http") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 5 {
		t.Fatalf("page references %d files, want GraphiQL, React and our own", len(refs))
	}
	for _, ref := range refs {
		u := ref[1]
		if strings.HasPrefix(u, "data:") {
			continue // inline, no request
		}
		if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
			t.Errorf("page loads %s from elsewhere", u)
			continue
		}
		resp, body := get(t, srv.URL+u)
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Errorf("GET %s = %d (%d bytes)", u, resp.StatusCode, len(body))
		}
		for _, external := range []string{"cdn.jsdelivr", "unpkg.com", "fonts.googleapis", "cdnjs"} {
			if strings.Contains(body, external) {
				t.Errorf("%s mentions %s", u, external)
			}
		}
	}
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
		defer srv.Close()
		if resp, _ := get(t, srv.URL+"/healthz"); resp.StatusCode != 200 {
			t.Errorf("healthz = %d", resp.StatusCode)
		}
		if resp, _ := get(t, srv.URL+"/readyz"); resp.StatusCode != 200 {
			t.Errorf("readyz = %d", resp.StatusCode)
		}
		query(t, srv.URL, `{ channels { code } }`, nil, nil)
		query(t, srv.URL, `{ nope }`, nil, nil)
		resp, body := get(t, srv.URL+"/metrics")
		if resp.StatusCode != 200 {
			t.Fatalf("metrics = %d", resp.StatusCode)
		}
		for _, want := range []string{
			`catalogus_http_requests_total{code="200",route="graphql"}`,
			`catalogus_http_request_duration_seconds_bucket{route="graphql"`,
			`catalogus_graphql_errors_total 1`,
			`go_sql_max_open_connections`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		// With the database gone, readiness fails and liveness does not.
		db.SQL.Close()
		if resp, _ := get(t, srv.URL+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("readyz without database = %d, want 503", resp.StatusCode)
		}
		if resp, _ := get(t, srv.URL+"/healthz"); resp.StatusCode != 200 {
			t.Errorf("healthz without database = %d", resp.StatusCode)
		}
	})
}
