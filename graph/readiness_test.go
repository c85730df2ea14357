package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestReadinessThroughTheAPI: a new product misses every item of the
// checklist; once its summary is plain, its channels assessed, an answer
// published, a UPL name chosen and a test with residents recorded, it is
// ready.
func TestReadinessThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.DepartmentA1)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Product.UpdateOneID(p.ID).SetSummary("Indien u een paspoort wenst, dient u dit aan te vragen.").Exec(ctx)
		})
		r := graph.NewResolver(db, "testgemeente")
		read := func() (bool, []string) {
			t.Helper()
			var out struct {
				Product struct {
					Readiness struct {
						Ready   bool
						Missing []string
					}
				}
			}
			if errs := runAs(t, context.Background(), r, `{ product(slug: "paspoort") { readiness { ready missing } } }`, nil, &out); len(errs) > 0 {
				t.Fatal(errs)
			}
			return out.Product.Readiness.Ready, out.Product.Readiness.Missing
		}
		ready, missing := read()
		all := strings.Join(missing, "\n")
		if ready || len(missing) != 5 || !strings.Contains(all, "B1-niveau") || !strings.Contains(all, "nog niet getest") || !strings.Contains(all, "Balie, Website") ||
			!strings.Contains(all, "vraag-antwoordbank") || !strings.Contains(all, "UPL-naam") {
			t.Errorf("a new product: ready %v, missing:\n%s", ready, all)
		}

		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			upl, err := tx.UPLEntry.Create().SetURI("http://standaarden.overheid.nl/owms/terms/paspoort").SetName("paspoort").
				SetMunicipal(true).SetInList(true).Save(ctx)
			if err != nil {
				return err
			}
			if err := tx.Product.UpdateOneID(p.ID).SetSummary("Wilt u een paspoort? Vraag het aan in de stadswinkel.").SetUplEntry(upl).Exec(ctx); err != nil {
				return err
			}
			if err := tx.Availability.Create().SetProductID(p.ID).SetChannel(k.Website).SetStatus(availability.StatusAVAILABLE).
				SetURL("https://www.rotterdam.nl/paspoort").Exec(ctx); err != nil {
				return err
			}
			// A no without its reason is refused by the rules now; the
			// checklist's item for it (internal/readiness) guards older data.
			return tx.Availability.Create().SetProductID(p.ID).SetChannel(k.Balie).SetStatus(availability.StatusNOT_APPLICABLE).
				SetReason("Vraag het aan op de website.").Exec(ctx)
		})
		if _, missing := read(); len(missing) != 2 || !strings.Contains(missing[0], "vraag-antwoordbank") || !strings.Contains(missing[1], "met bewoners") {
			t.Errorf("only the answer and the test should be missing: %q", missing)
		}

		editor := auth.NewContext(context.Background(), &auth.Viewer{Name: "editor-a", Role: auth.Editor,
			OrganizationID: &k.ClusterA.ID, Scope: []int{k.ClusterA.ID, k.DepartmentA1.ID}})
		if errs := runAs(t, editor, r, `mutation { createAnswer(input: {owner: "afdeling-a1", products: ["paspoort"], status: PUBLISHED,
			visibility: INTERNAL, question: "Hoe vraag ik een paspoort aan?", text: "Maak een afspraak in de stadswinkel."}) { id } }`, nil, nil); len(errs) > 0 {
			t.Fatal(errs)
		}
		if errs := runAs(t, editor, r, `mutation { createResidentTest(input: {product: "paspoort", testedOn: "`+
			time.Now().Format(time.DateOnly)+`", method: INTERVIEW, participants: 5}) { id } }`, nil, nil); len(errs) > 0 {
			t.Fatal(errs)
		}
		// The answer is internal: an anonymous caller cannot read it, but the
		// product is ready all the same.
		if ready, missing := read(); !ready || len(missing) != 0 {
			t.Errorf("a ready product: ready %v, missing %q", ready, missing)
		}
	})
}

// TestReadinessOnTheSeed: every product's checklist through the API, on the
// seed. docs/readiness.md states how many are ready and what is missing
// most; the B1 item agrees with the check of the summaries.
func TestReadinessOnTheSeed(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		r := graph.NewResolver(db, "")
		var ready, total, notB1 int
		items := map[string]int{}
		var after any
		for {
			var out struct {
				Products struct {
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
					Edges []struct {
						Node struct {
							PlainLanguage struct{ B1 bool }
							Readiness     struct {
								Ready   bool
								Missing []string
							}
						}
					}
				}
			}
			if errs := runAs(t, auth.Allow(context.Background()), r, `query($after: Cursor) { products(first: 100, after: $after) {
				pageInfo { hasNextPage endCursor } edges { node { plainLanguage { b1 } readiness { ready missing } } } } }`,
				map[string]any{"after": after}, &out); len(errs) > 0 {
				t.Fatal(errs)
			}
			for _, e := range out.Products.Edges {
				total++
				if e.Node.Readiness.Ready {
					ready++
				}
				b1 := true
				for _, m := range e.Node.Readiness.Missing {
					items[strings.SplitN(m, ":", 2)[0]]++
					if strings.Contains(m, "B1-niveau") {
						b1 = false
					}
				}
				if b1 != e.Node.PlainLanguage.B1 {
					t.Errorf("readiness and plainLanguage disagree about a summary: %+v", e.Node)
				}
				if !b1 {
					notB1++
				}
			}
			if !out.Products.PageInfo.HasNextPage {
				break
			}
			after = out.Products.PageInfo.EndCursor
		}
		t.Logf("%d of %d products ready; summaries above B1: %d; missing: %v", ready, total, notB1, items)
		if total != 423 || notB1 != 4 {
			t.Errorf("%d products, %d summaries above B1; the seed has 423, 4 of them above B1 (README)", total, notB1)
		}
	})
}
