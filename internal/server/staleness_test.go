package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/internal/upl"
)

const uplHeader = "UniformeProductnaam,URI,Rijk,Provincie,Waterschap,Gemeente,Burger,Bedrijf,Dienstenwet,SDG,Autonomie,Medebewind,Aanvraag,Subsidie,Melding,Verplichting,DigiDMacht\n"

// TestUPLImportRenewsTheETag is finding 3 of the attack (issue 17): after
// `catalogus upl import` renamed a UPL name, anonymous GETs kept answering
// the old name from the response cache and 304 to the old ETag. The import
// is a write like any other now: the ETag changes, the old one gets the new
// answer, on every instance.
func TestUPLImportRenewsTheETag(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := auth.System(context.Background(), "upl-import")
		const uri = "http://standaarden.overheid.nl/owms/terms/paspoort"
		if _, err := upl.Import(ctx, db.Client, strings.NewReader(uplHeader+"paspoort,"+uri+",,,,X,X,,,,,,,,,,\n")); err != nil {
			t.Fatal(err)
		}
		k := fixture.New(t, db.Client)
		fixture.Tx(t, db.Client, func(ctx context.Context, c *ent.Client) error {
			e := c.UPLEntry.Query().OnlyX(ctx)
			return fixture.ProductCreate(c, "paspoort", k.DepartmentA1).SetUplEntry(e).Exec(ctx)
		})
		var instances []string
		for range 2 {
			srv := httptest.NewServer(server.Handler(server.Config{DB: db, ResponseCacheBytes: 1 << 20}))
			t.Cleanup(srv.Close)
			instances = append(instances, srv.URL)
		}
		page := "/graphql?query=" + url.QueryEscape(`{ product(slug: "paspoort") { uplEntry { name inList } } }`)
		etags := map[string]string{}
		for _, base := range instances {
			r, body := getWith(t, base+page, nil)
			if !strings.Contains(body, `"name":"paspoort"`) {
				t.Fatalf("before the import: %s", body)
			}
			getWith(t, base+page, nil) // now cached
			etags[base] = r.Header.Get("ETag")
		}

		res, err := upl.Import(ctx, db.Client, strings.NewReader(uplHeader+"paspoort aanvragen,"+uri+",,,,X,X,,,,,,,,,,\n"))
		if err != nil || res.Updated != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		for _, base := range instances {
			r, body := getWith(t, base+page, map[string]string{"If-None-Match": etags[base]})
			if r.StatusCode != http.StatusOK || r.Header.Get("ETag") == etags[base] || r.Header.Get("X-Cache") == "hit" ||
				!strings.Contains(body, `"name":"paspoort aanvragen"`) {
				t.Errorf("after the import: status %d, ETag %q (was %q), X-Cache %q, body %s",
					r.StatusCode, r.Header.Get("ETag"), etags[base], r.Header.Get("X-Cache"), body)
			}
		}
	})
}

// TestAnonymousTrafficKeepsTheVersion: what anonymous callers can do —
// reads, wrong tokens (which the security log records), refused
// mutations — never moves the catalogue's version. If it did, anyone could
// empty every instance's response cache at will.
func TestAnonymousTrafficKeepsTheVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newEditWorld(t, db)
		ctx := context.Background()
		v0, err := db.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			getWith(t, w.url+"/graphql?query="+url.QueryEscape(`{ products { edges { node { slug } } } }`), nil)
			call(t, w.url, "", `{ channels { code } }`, nil)
			call(t, w.url, "cat_fout", `{ channels { code } }`, nil)
			call(t, w.url, "", `mutation { updateProduct(input: {product: "paspoort", expectedVersion: 1, name: "x"}) { version } }`, nil)
		}
		if n := len(securityLog(t, db.Client)); n < 3 {
			t.Fatalf("the security log holds %d events, want the wrong tokens", n)
		}
		if v, _ := db.Version(ctx); v != v0 {
			t.Errorf("anonymous traffic moved the version from %d to %d", v0, v)
		}
	})
}
