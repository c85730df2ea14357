package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

type names struct {
	Products struct {
		TotalCount int
		Edges      []struct{ Node struct{ Slug, Name string } }
	}
}

func slugs(n names) []string {
	var out []string
	for _, e := range n.Products.Edges {
		out = append(out, e.Node.Slug)
	}
	return out
}

func TestSearchAndFilters(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		r := graph.NewResolver(db, "")
		for _, text := range []string{"paspoort", "PASPOORT", "paspóórt", "Paspoort aanvragen", "pasp"} {
			var n names
			if errs := run(t, r, `query($s: String) { products(search: $s, first: 5) { totalCount edges { node { slug name } } } }`,
				map[string]any{"s": text}, &n); len(errs) > 0 {
				t.Fatalf("search %q: %v", text, errs)
			}
			got := slugs(n)
			if len(got) == 0 || !strings.HasPrefix(got[0], "paspoort") && got[0] != "tweede-paspoort-aanvragen" && got[0] != "zakenpaspoort-aanvragen" {
				t.Errorf("search %q found %v", text, got)
			}
			found := false
			for _, s := range got {
				found = found || s == "paspoort-aanvragen"
			}
			if !found {
				t.Errorf("search %q does not find paspoort-aanvragen among %v", text, got)
			}
		}
		var none names
		run(t, r, `{ products(search: "xyzzy", first: 5) { totalCount edges { node { slug } } } }`, nil, &none)
		if none.Products.TotalCount != 0 {
			t.Errorf("a search for nonsense found %v", slugs(none))
		}
		if errs := run(t, r, `{ products(search: "  ?! ") { totalCount } }`, nil, nil); len(errs) == 0 {
			t.Error("a search without words was accepted")
		}
		// Paging through search results gives each result once.
		var all names
		run(t, r, `{ products(search: "omgevingsvergunning", first: 200) { totalCount edges { node { slug } } } }`, nil, &all)
		seen := map[string]bool{}
		var after any
		for page := 0; page < 50; page++ {
			var p struct {
				Products struct {
					Edges    []struct{ Node struct{ Slug string } }
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
			run(t, r, `query($a: Cursor) { products(search: "omgevingsvergunning", first: 4, after: $a) { edges { node { slug } } pageInfo { hasNextPage endCursor } } }`,
				map[string]any{"a": after}, &p)
			for _, e := range p.Products.Edges {
				if seen[e.Node.Slug] {
					t.Fatalf("%s twice", e.Node.Slug)
				}
				seen[e.Node.Slug] = true
			}
			if !p.Products.PageInfo.HasNextPage {
				break
			}
			after = p.Products.PageInfo.EndCursor
		}
		if len(seen) != all.Products.TotalCount || len(seen) < 5 {
			t.Errorf("paging found %d of %d results", len(seen), all.Products.TotalCount)
		}

		// Filters: available on the app, a theme, an owner with its units.
		var onApp names
		run(t, r, `{ products(availableOn: "app", first: 200) { totalCount edges { node { slug } } } }`, nil, &onApp)
		var check struct {
			Products struct {
				Edges []struct {
					Node struct {
						Availabilities []struct {
							Status  string
							Channel struct{ Code string }
						}
					}
				}
			}
		}
		run(t, r, `{ products(availableOn: "app", first: 200) { edges { node { availabilities { status channel { code } } } } } }`, nil, &check)
		for _, e := range check.Products.Edges {
			ok := false
			for _, a := range e.Node.Availabilities {
				ok = ok || a.Channel.Code == "app" && a.Status == "AVAILABLE"
			}
			if !ok {
				t.Errorf("availableOn app returned a product without it: %+v", e.Node)
			}
		}
		if onApp.Products.TotalCount < 10 || onApp.Products.TotalCount > 200 {
			t.Errorf("%d products available on the app", onApp.Products.TotalCount)
		}
		var parking names
		run(t, r, `{ products(theme: "Parkeren en verkeer", owner: "stadsbeheer", audience: RESIDENT, first: 200) { totalCount edges { node { slug } } } }`, nil, &parking)
		if parking.Products.TotalCount == 0 || !strings.Contains(strings.Join(slugs(parking), " "), "parkeervergunning-aanvragen") {
			t.Errorf("parking products of Stadsbeheer: %v", slugs(parking))
		}
		var th struct{ Themes []string }
		run(t, r, `{ themes }`, nil, &th)
		if len(th.Themes) != 20 || th.Themes[0] != "Afval en schoon" {
			t.Errorf("themes = %v", th.Themes)
		}
		var locs struct{ Locations []struct{ Code string } }
		run(t, r, `{ locations { code } }`, nil, &locs)
		if len(locs.Locations) != 11 {
			t.Errorf("%d locations", len(locs.Locations))
		}
	})
}

func TestWhereInputsAreBounded(t *testing.T) {
	db := storetest.Seeded(t, "sqlite", fixture.Seed)
	r := graph.NewResolver(db, "")
	deep := `{nameContains: "a"}`
	for range 50 {
		deep = `{not: ` + deep + `}`
	}
	wide := strings.Repeat(`{nameContains: "a"},`, 60)
	for q, want := range map[string]string{
		`{ products(where: ` + deep + `) { totalCount } }`:         "levels deep",
		`{ products(where: {or: [` + wide + `]}) { totalCount } }`: "conditions",
	} {
		errs := run(t, r, q, nil, nil)
		if len(errs) == 0 || !strings.Contains(errs[0], want) {
			t.Errorf("errors %v, want %q", errs, want)
		}
	}
	var ok names
	if errs := run(t, r, `{ products(where: {nameContainsFold: "paspoort", hasAvailabilitiesWith: {status: AVAILABLE}}) { totalCount } }`, nil, &ok); len(errs) > 0 || ok.Products.TotalCount == 0 {
		t.Errorf("a reasonable where: %v %+v", errs, ok)
	}
}

// counting is a driver that counts the statements it runs.
type counting struct {
	dialect.Driver
	n *atomic.Int64
}

func (c counting) Query(ctx context.Context, q string, args, v any) error {
	c.n.Add(1)
	return c.Driver.Query(ctx, q, args, v)
}

func (c counting) Exec(ctx context.Context, q string, args, v any) error {
	c.n.Add(1)
	return c.Driver.Exec(ctx, q, args, v)
}

// TestAPageNeedsFewStatements pins how many SQL statements a page of
// products with their availabilities and channels takes: a small number that
// does not grow with the page (no N+1).
func TestAPageNeedsFewStatements(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		var n atomic.Int64
		drv := counting{Driver: entsql.OpenDB(db.Target.Dialect, db.SQL), n: &n}
		counted := &store.DB{SQL: db.SQL, Target: db.Target, Client: ent.NewClient(ent.Driver(drv))}
		r := graph.NewResolver(counted, "")
		const q = `query($n: Int) { products(first: $n) { totalCount pageInfo { hasNextPage endCursor }
			edges { node { slug name summary availabilities { status plannedDate reason url phone channel { code name } locations { code } } } } } }`
		statements := func(size int) int64 {
			n.Store(0)
			var page json.RawMessage
			if errs := run(t, r, q, map[string]any{"n": size}, &page); len(errs) > 0 {
				t.Fatal(errs)
			}
			return n.Load()
		}
		small, large := statements(5), statements(50)
		if large != small || large > 8 {
			t.Errorf("a page of 5 takes %d statements, a page of 50 takes %d; want the same small number", small, large)
		}
		t.Logf("%s: a page of 50 products with availabilities, channels and locations takes %d statements", db.Target.Dialect, large)
	})
}

// TestAProductNeedsFewStatements pins the statements of one product page with
// every channel: one per level, not one per availability.
func TestAProductNeedsFewStatements(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		var n atomic.Int64
		drv := counting{Driver: entsql.OpenDB(db.Target.Dialect, db.SQL), n: &n}
		counted := &store.DB{SQL: db.SQL, Target: db.Target, Client: ent.NewClient(ent.Driver(drv))}
		r := graph.NewResolver(counted, "")
		const q = `query($slug: String!) { product(slug: $slug) { slug name description
			availabilities { status url phone instructions channel { code name } locations { code name street } } } }`
		var out struct {
			Product struct{ Availabilities []json.RawMessage }
		}
		// Warm up the resolver's lookups (the default municipality).
		if errs := run(t, r, q, map[string]any{"slug": "paspoort-aanvragen"}, &out); len(errs) > 0 {
			t.Fatal(errs)
		}
		n.Store(0)
		if errs := run(t, r, q, map[string]any{"slug": "paspoort-aanvragen"}, &out); len(errs) > 0 {
			t.Fatal(errs)
		}
		if len(out.Product.Availabilities) < 5 {
			t.Fatalf("the product has %d availabilities; the count proves nothing", len(out.Product.Availabilities))
		}
		if got := n.Load(); got > 5 {
			t.Errorf("a product with %d availabilities takes %d statements; want at most 5", len(out.Product.Availabilities), got)
		} else {
			t.Logf("%s: a product with %d availabilities takes %d statements", db.Target.Dialect, len(out.Product.Availabilities), got)
		}
	})
}
