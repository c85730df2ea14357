package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/publishtest"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

type answer struct {
	status int
	header http.Header
	body   string
}

func fetch(t *testing.T, url string, header map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
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
	return answer{resp.StatusCode, resp.Header, string(body)}
}

// TestPublishedDocuments serves a product's JSON-LD and the Samenwerkende
// Catalogi feed: public documents with ETags from the catalogue's version,
// 404 for what the public may not see, answered from the response cache
// until the catalogue changes.
func TestPublishedDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := publishtest.New(t, db.Client)
		srv := httptest.NewServer(server.Handler(server.Config{DB: db, ResponseCacheBytes: 1 << 20}))
		t.Cleanup(srv.Close)

		doc := fetch(t, srv.URL+"/products/paspoort.jsonld", nil)
		if doc.status != http.StatusOK || doc.header.Get("Content-Type") != "application/ld+json" {
			t.Fatalf("status %d, Content-Type %q: %s", doc.status, doc.header.Get("Content-Type"), doc.body)
		}
		var parsed map[string]any
		if err := json.Unmarshal([]byte(doc.body), &parsed); err != nil || parsed["@type"] != "GovernmentService" || parsed["name"] != "Paspoort aanvragen" {
			t.Errorf("not the passport's GovernmentService (%v): %s", err, doc.body)
		}
		etag := doc.header.Get("ETag")
		if etag == "" || doc.header.Get("X-Cache") != "miss" {
			t.Errorf("ETag %q, X-Cache %q", etag, doc.header.Get("X-Cache"))
		}
		if again := fetch(t, srv.URL+"/products/paspoort.jsonld", nil); again.header.Get("X-Cache") != "hit" || again.body != doc.body {
			t.Errorf("second read: X-Cache %q, same body %v", again.header.Get("X-Cache"), again.body == doc.body)
		}
		if nm := fetch(t, srv.URL+"/products/paspoort.jsonld", map[string]string{"If-None-Match": etag}); nm.status != http.StatusNotModified {
			t.Errorf("If-None-Match with the current ETag: %d, want 304", nm.status)
		}

		for path, want := range map[string]string{
			"/products/concept.jsonld":     "no published product", // a draft
			"/products/bestaatniet.jsonld": "no published product",
			"/products/paspoort":           "/products/{slug}.jsonld",
		} {
			// An editor who may see the draft still gets the public answer.
			a := fetch(t, srv.URL+path, map[string]string{"Authorization": "Bearer " + editorToken(t, db)})
			if a.status != http.StatusNotFound || !strings.Contains(a.body, want) || !strings.HasPrefix(a.header.Get("Content-Type"), "text/plain") {
				t.Errorf("%s: %d %q %q, want 404 saying %q", path, a.status, a.header.Get("Content-Type"), a.body, want)
			}
		}

		feed := fetch(t, srv.URL+"/sc.xml", nil)
		if feed.status != http.StatusOK || !strings.HasPrefix(feed.header.Get("Content-Type"), "application/xml") ||
			strings.Count(feed.body, "<overheidproduct:scproduct ") != 3 {
			t.Errorf("sc.xml: %d %q, want the 3 published products:\n%s", feed.status, feed.header.Get("Content-Type"), feed.body)
		}

		// A change anywhere in the catalogue moves the version: new ETags,
		// no stale answer from the cache.
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Product.UpdateOne(k.Paspoort).SetName("Paspoort of ID-kaart aanvragen").Exec(ctx)
		})
		changed := fetch(t, srv.URL+"/products/paspoort.jsonld", map[string]string{"If-None-Match": etag})
		if changed.status != http.StatusOK || changed.header.Get("ETag") == etag || !strings.Contains(changed.body, "Paspoort of ID-kaart aanvragen") {
			t.Errorf("after a change: %d, ETag %q (was %q): %s", changed.status, changed.header.Get("ETag"), etag, changed.body)
		}
		if f := fetch(t, srv.URL+"/sc.xml", nil); !strings.Contains(f.body, "Paspoort of ID-kaart aanvragen") || f.header.Get("X-Cache") != "miss" {
			t.Errorf("sc.xml after a change: X-Cache %q, new name present %v", f.header.Get("X-Cache"), strings.Contains(f.body, "Paspoort of ID-kaart aanvragen"))
		}

		// The GraphQL field gives the same document, and null for a draft
		// even to an editor who may see the draft itself.
		_, body := postWith(t, srv.URL, `{ product(slug: "paspoort") { jsonLd } }`, nil)
		var gq struct {
			Data struct{ Product struct{ JSONLd *string } }
		}
		if err := json.Unmarshal([]byte(body), &gq); err != nil || gq.Data.Product.JSONLd == nil || *gq.Data.Product.JSONLd != changed.body {
			t.Errorf("jsonLd differs from /products/paspoort.jsonld:\n%s\n%s", body, changed.body)
		}
		_, body = postWith(t, srv.URL, `{ product(slug: "concept") { slug jsonLd } }`, map[string]string{"Authorization": "Bearer " + editorToken(t, db)})
		if !strings.Contains(body, `"slug":"concept"`) || !strings.Contains(body, `"jsonLd":null`) {
			t.Errorf("a draft's jsonLd for its editor: %s, want null", body)
		}
	})
}

// TestJSONLdComplexity: a page of jsonLd fields weighs in the cost
// limit, so nobody asks for hundreds of documents in one request unawares.
func TestJSONLdComplexity(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	publishtest.New(t, db.Client)
	srv := httptest.NewServer(server.Handler(server.Config{DB: db, Limits: server.Limits{MaxComplexity: 500}}))
	t.Cleanup(srv.Close)
	_, body := postWith(t, srv.URL, `{ products(first: 30) { edges { node { name } } } }`, nil)
	if strings.Contains(body, `"errors"`) {
		t.Fatalf("names of 30 products: %s", body)
	}
	_, body = postWith(t, srv.URL, `{ products(first: 30) { edges { node { jsonLd } } } }`, nil)
	if !strings.Contains(body, server.CodeTooComplex) {
		t.Errorf("30 jsonLd documents under a limit of 500 (each costs %d): %s", server.JSONLdCost, body)
	}
}

var editorTokens = map[*store.DB]string{}

// editorToken is a token of an editor of cluster-b, which owns the draft.
func editorToken(t *testing.T, db *store.DB) string {
	t.Helper()
	if tok, ok := editorTokens[db]; ok {
		return tok
	}
	tok, err := auth.Tokens{Client: db.Client}.Create(context.Background(), "editor-b", auth.Editor, "cluster-b")
	if err != nil {
		t.Fatal(err)
	}
	editorTokens[db] = tok
	return tok
}
