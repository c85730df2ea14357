package graph

import (
	"context"
	"reflect"
	"strings"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"
	"github.com/99designs/gqlgen/graphql"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	entproduct "github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// productFilters applies the plain arguments a website uses.
func (r *Resolver) productFilters(ctx context.Context, q *ent.ProductQuery, m *ent.Organization, theme *string, audience *catalog.Audience, owner, availableOn *string) (*ent.ProductQuery, error) {
	if theme != nil {
		q = q.Where(entproduct.Theme(*theme))
	}
	if audience != nil {
		a := string(*audience)
		q = q.Where(func(s *sql.Selector) { s.Where(sqljson.ValueContains(entproduct.FieldAudiences, a)) })
	}
	if owner != nil {
		o, err := orgtree.Within(ctx, r.Client, m, *owner, "owner")
		if err != nil {
			return nil, err
		}
		ids, err := orgtree.Subtree(ctx, r.Client, o.ID)
		if err != nil {
			return nil, err
		}
		q = q.Where(entproduct.OwnerIDIn(ids...))
	}
	if availableOn != nil {
		ids, err := r.channelIDs(ctx, []string{*availableOn})
		if err != nil {
			return nil, err
		}
		q = q.Where(entproduct.HasAvailabilitiesWith(availability.ChannelID(ids[0]), availability.StatusEQ(availability.StatusAVAILABLE)))
	}
	return q, nil
}

// Bounds of a where input, so that nobody sends a filter that takes the
// database down.
const (
	MaxWhereDepth      = 5
	MaxWherePredicates = 50
)

// checkWhere bounds the size and depth of a generated where input.
func checkWhere(where any) error {
	n, depth := whereSize(reflect.ValueOf(where), 1)
	switch {
	case depth > MaxWhereDepth:
		return catalog.BadArgument("where", "too_deep", "the where filter nests %d levels deep; at most %d are allowed", depth, MaxWhereDepth)
	case n > MaxWherePredicates:
		return catalog.BadArgument("where", "too_large", "the where filter holds %d conditions; at most %d are allowed", n, MaxWherePredicates)
	}
	return nil
}

// whereSize counts the conditions of a where input and its nesting depth.
func whereSize(v reflect.Value, level int) (n, depth int) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return 0, 0
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0, 0
	}
	depth = level
	for i := 0; i < v.NumField(); i++ {
		f, sf := v.Field(i), v.Type().Field(i)
		if !sf.IsExported() || sf.Name == "Predicates" {
			continue
		}
		switch {
		case f.Kind() == reflect.Slice && isWhere(sf.Type.Elem()):
			for j := 0; j < f.Len(); j++ {
				cn, cd := whereSize(f.Index(j), level+1)
				n, depth = n+cn, max(depth, cd)
			}
		case f.Kind() == reflect.Pointer && isWhere(sf.Type):
			cn, cd := whereSize(f, level+1)
			n, depth = n+cn, max(depth, cd)
		case !f.IsZero():
			n++
		}
	}
	return n, depth
}

func isWhere(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return strings.HasSuffix(t.Name(), "WhereInput")
}

// searchProducts returns the municipality's products that match the words,
// best first.
func (r *Resolver) searchProducts(ctx context.Context, m *ent.Organization, text string) ([]int, error) {
	res, err := r.Search.Products(ctx, m.ID, text)
	return res.IDs, err
}

// didYouMean is a product search's correction when it found nothing: read
// from the arguments of the products field the connection answers.
func (r *Resolver) didYouMean(ctx context.Context, conn *ent.ProductConnection) (*string, error) {
	if conn == nil || len(conn.Edges) > 0 {
		return nil, nil
	}
	fc := graphql.GetFieldContext(ctx)
	for fc != nil && fc.Field.Name != "products" {
		fc = fc.Parent
	}
	if fc == nil {
		return nil, nil
	}
	text, _ := fc.Args["search"].(*string)
	if text == nil {
		return nil, nil
	}
	code, _ := fc.Args["municipality"].(*string)
	m, err := r.municipality(ctx, code)
	if err != nil {
		return nil, err
	}
	res, err := r.Search.Products(ctx, m.ID, *text)
	if err != nil || len(res.IDs) > 0 || res.DidYouMean == "" {
		return nil, err
	}
	return &res.DidYouMean, nil
}
