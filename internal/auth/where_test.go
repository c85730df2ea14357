package auth_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// TestEveryEdgeOfAWhereFilterIsKnown walks every where input a products
// filter can reach through its edges (the API's only where argument; graph
// holds it to that): each must be narrowed by its policy's filter or be
// declared public, or an edge added to the schema could reach records its
// policy hides.
func TestEveryEdgeOfAWhereFilterIsKnown(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		if !auth.KnowsWhere(typ) {
			t.Errorf("%s has no visibility rule in internal/auth/where.go", typ)
		}
		s := typ.Elem()
		for i := range s.NumField() {
			f := s.Field(i)
			if strings.HasPrefix(f.Name, "Has") && strings.HasSuffix(f.Name, "With") {
				walk(f.Type.Elem())
			}
		}
	}
	walk(reflect.TypeFor[*gen.ProductWhereInput]())
	if len(seen) < 5 {
		t.Errorf("the walk reached only %d types", len(seen))
	}
}

// TestNarrowWhere checks the rewriting itself: the caller's conditions stay,
// each edge to a narrowed type gains the policy's filter, public edges and
// the unlimited admin's filters are left as they were.
func TestNarrowWhere(t *testing.T) {
	yes, no := true, false
	code := "app"
	where := func() *gen.ProductWhereInput {
		return &gen.ProductWhereInput{
			HasAvailabilitiesWith: []*gen.AvailabilityWhereInput{{HasChannelWith: []*gen.ChannelWhereInput{{Code: &code}}}},
			HasOwner:              &yes,
			Not:                   &gen.ProductWhereInput{HasAvailabilities: &yes},
			Or:                    []*gen.ProductWhereInput{{HasAvailabilities: &no}},
		}
	}
	w := where()
	if err := auth.NarrowWhere(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	avail := w.HasAvailabilitiesWith
	if len(avail) != 2 || len(avail[1].Predicates) == 0 || avail[0].HasChannelWith[0].Code != &code ||
		len(avail[0].HasChannelWith) != 2 || len(avail[0].HasChannelWith[1].Predicates) != 1 {
		t.Errorf("the edges to availabilities and channels were not narrowed: %+v", avail)
	}
	if w.HasOwner != &yes {
		t.Error("an edge to public organizations was changed")
	}
	if n := w.Not; n.HasAvailabilities != nil || len(n.HasAvailabilitiesWith) != 1 {
		t.Errorf("hasAvailabilities: true is not 'has a visible one': %+v", n)
	}
	if o := w.Or[0]; o.HasAvailabilities != nil || len(o.And) != 1 || o.And[0].Not == nil || len(o.And[0].Not.HasAvailabilitiesWith) != 1 {
		t.Errorf("hasAvailabilities: false is not 'has no visible one': %+v", o)
	}
	for _, bad := range []any{(*gen.ProductWhereInput)(nil), nil} {
		if err := auth.NarrowWhere(context.Background(), bad); err != nil {
			t.Errorf("NarrowWhere(%v): %v", bad, err)
		}
	}
	root := auth.NewContext(context.Background(), &auth.Viewer{Name: "root", Role: auth.Admin})
	w = where()
	if err := auth.NarrowWhere(root, w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(w, where()) {
		t.Errorf("the admin of everything's filter changed: %+v", w)
	}
}
