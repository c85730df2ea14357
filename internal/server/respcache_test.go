package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// postWith posts a query and returns the response's X-Cache header and body.
func postWith(t *testing.T, base, query string, header map[string]string) (string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(jsonQuery(query)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	return resp.Header.Get("X-Cache"), string(body)
}

// TestResponseCache checks that anonymous reads come from the cache until
// the catalogue changes — on any server instance — and that nothing stale,
// private or failed is ever served from it.
func TestResponseCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newEditWorld(t, db)
		clk := clock.NewManual(time.Now())
		instance := func() string {
			srv := httptest.NewServer(server.Handler(server.Config{DB: db, ResponseCacheBytes: 1 << 20, Now: clk.Now}))
			t.Cleanup(srv.Close)
			return srv.URL
		}
		a, b := instance(), instance()
		const page = `{ product(slug: "paspoort") { name version } }`
		expect := func(base, q string, header map[string]string, want string) string {
			t.Helper()
			got, body := postWith(t, base, q, header)
			if got != want {
				t.Errorf("%.60s: X-Cache %q, want %q", q, got, want)
			}
			return body
		}

		first := expect(a, page, nil, "miss")
		if again := expect(a, page, nil, "hit"); again != first {
			t.Errorf("the cached answer differs:\n%s\n%s", first, again)
		}
		expect(b, page, nil, "miss") // each instance keeps its own answers
		expect(b, page, nil, "hit")

		// Another question, another answer form: another entry.
		expect(a, `{ product(slug: "grofvuil") { name version } }`, nil, "miss")
		expect(a, page, map[string]string{"Accept": "application/graphql-response+json"}, "miss")

		// Kept, but without an ETag: nothing revalidates an answer to POST.
		cached, err := http.Post(a+"/graphql", "application/json", strings.NewReader(jsonQuery(page)))
		if err != nil {
			t.Fatal(err)
		}
		cached.Body.Close()
		if cached.Header.Get("X-Cache") != "hit" || cached.Header.Get("ETag") != "" {
			t.Errorf("a cached POST: X-Cache %q, ETag %q; want a hit without one", cached.Header.Get("X-Cache"), cached.Header.Get("ETag"))
		}

		// A body that does not say it is JSON is refused, also when its bytes
		// equal a cached request's.
		req, _ := http.NewRequest(http.MethodPost, a+"/graphql", strings.NewReader(jsonQuery(page)))
		if resp, err := http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		} else if resp.Body.Close(); resp.StatusCode != http.StatusUnsupportedMediaType || resp.Header.Get("X-Cache") != "" {
			t.Errorf("a POST without Content-Type: status %d, X-Cache %q", resp.StatusCode, resp.Header.Get("X-Cache"))
		}

		// Never cached: authenticated reads, mutations, failed queries.
		expect(a, page, map[string]string{"Authorization": "Bearer " + w.editorA}, "")
		expect(a, `mutation { updateProduct(input: {product: "paspoort", expectedVersion: 1, name: "x"}) { version } }`, nil, "")
		expect(a, `{ product(slug: "paspoort") { nosuchfield } }`, nil, "miss")
		expect(a, `{ product(slug: "paspoort") { nosuchfield } }`, nil, "miss")

		// A write through instance A: neither instance serves the old page.
		if r := call(t, a, w.editorA, `mutation { updateProduct(input: {product: "paspoort", expectedVersion: 1, name: "Paspoort aanvragen"}) { version } }`, nil); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		for _, base := range []string{a, b} {
			if body := expect(base, page, nil, "miss"); !strings.Contains(body, "Paspoort aanvragen") {
				t.Errorf("after the write: %s", body)
			}
			expect(base, page, nil, "hit")
		}
		// A write that did not go through either instance (another process) as well.
		fixtureRename(t, db, "paspoort", "Paspoort of ID-kaart")
		if body := expect(a, page, nil, "miss"); !strings.Contains(body, "Paspoort of ID-kaart") {
			t.Errorf("after a write by another process: %s", body)
		}

		// Answers that depend on the clock are shared for a few seconds only.
		const now = `{ coverage { asOf ratio } }`
		expect(a, now, nil, "miss")
		expect(a, now, nil, "hit")
		clk.Set(clk.Now().Add(11 * time.Second))
		expect(a, now, nil, "miss")
	})
}

// fixtureRename renames a product straight through Ent, as another process
// (the CLI, an import) would.
func fixtureRename(t *testing.T, db *store.DB, slug, name string) {
	t.Helper()
	fixture.Tx(t, db.Client, func(ctx context.Context, c *ent.Client) error {
		p, err := c.Product.Query().Where(product.Slug(slug)).Only(ctx)
		if err != nil {
			return err
		}
		return c.Product.UpdateOne(p).SetName(name).Exec(ctx)
	})
}
