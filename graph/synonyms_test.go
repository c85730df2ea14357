package graph_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestSynonymsThroughTheAPI: an admin adds a synonym for the municipality and
// search finds the product by it at once; switching it off takes it away;
// both changes are in the change log; an editor may not add one, and an
// entry search cannot use is refused with its field.
func TestSynonymsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		k.Product(t, db.Client, "afvalpas-aanvragen", k.ClusterA)
		r := graph.NewResolver(db, "")
		admin := auth.NewContext(context.Background(), &auth.Viewer{Name: "admin", Role: auth.Admin})
		editor := auth.NewContext(context.Background(), &auth.Viewer{Name: "editor", Role: auth.Editor,
			OrganizationID: &k.ClusterA.ID, Scope: []int{k.ClusterA.ID, k.DepartmentA1.ID}})
		find := func() int {
			var out struct{ Products struct{ TotalCount int } }
			if errs := runAs(t, context.Background(), r, `{ products(search: "pasjeszorg", first: 5) { totalCount } }`, nil, &out); len(errs) > 0 {
				t.Fatal(errs)
			}
			return out.Products.TotalCount
		}
		if n := find(); n != 0 {
			t.Fatalf("before the synonym the search finds %d products", n)
		}
		create := `mutation($m: ID!, $t: [String!]!, $l: String) { createSynonym(input: {municipalityID: $m, terms: $t, leadsTo: $l}) { id terms leadsTo active } }`
		m := strconv.Itoa(k.Municipality.ID)
		if errs := runAs(t, editor, r, create, map[string]any{"m": m, "t": []string{"pasjeszorg"}, "l": "afvalpas"}, nil); len(errs) == 0 {
			t.Error("an editor added a synonym")
		}
		if errs := runAs(t, admin, r, create, map[string]any{"m": m, "t": []string{"de"}, "l": "afvalpas"}, nil); len(errs) == 0 || errs[0].Extensions["field"] != "terms" {
			t.Errorf("a synonym of stop words only: %+v", errs)
		}
		var made struct{ CreateSynonym struct{ ID string } }
		if errs := runAs(t, admin, r, create, map[string]any{"m": m, "t": []string{"pasjeszorg"}, "l": "afvalpas"}, &made); len(errs) > 0 {
			t.Fatal(errs)
		}
		if n := find(); n != 1 {
			t.Errorf("with the synonym the search finds %d products, want 1", n)
		}
		if errs := runAs(t, admin, r, `mutation($id: ID!) { updateSynonym(id: $id, input: {active: false}) { active } }`,
			map[string]any{"id": made.CreateSynonym.ID}, nil); len(errs) > 0 {
			t.Fatal(errs)
		}
		if n := find(); n != 0 {
			t.Errorf("with the synonym switched off the search finds %d products", n)
		}
		events, err := db.Client.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntitySYNONYM)).Count(auth.Allow(context.Background()))
		if err != nil || events != 2 {
			t.Errorf("%d synonym events in the change log (%v), want 2", events, err)
		}
		var list struct{ Synonyms []struct{ Terms []string } }
		if errs := runAs(t, context.Background(), r, `{ synonyms { terms } builtinSynonyms { terms leadsTo } }`, nil, &list); len(errs) > 0 || len(list.Synonyms) != 1 {
			t.Errorf("synonyms: %+v %v", list, errs)
		}
	})
}
