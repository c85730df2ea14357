package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
)

// visibleProducts is what the viewer may see of products.
func visibleProducts(v *Viewer) predicate.Product {
	if v == nil {
		return product.StatusEQ(product.StatusPUBLISHED)
	}
	return product.Or(product.StatusEQ(product.StatusPUBLISHED), product.OwnerIDIn(v.Scope...))
}

// The filters below are what the query policies narrow each type to, and
// what NarrowWhere (where.go) narrows the edges of a where filter to: one
// definition, so that what a caller cannot see they cannot filter by either.
// Each returns nil when the viewer sees every record of the type.

// productFilter: published products, and those within the viewer's scope.
func productFilter(v *Viewer) predicate.Product {
	if v.Unlimited() {
		return nil
	}
	return visibleProducts(v)
}

// ProductPolicy is the policy of products.
func ProductPolicy() ent.Policy {
	return policyOf(
		privacy.ProductQueryRuleFunc(func(ctx context.Context, q *gen.ProductQuery) error {
			p := productFilter(FromContext(ctx))
			if p == nil {
				return privacy.Allow
			}
			q.Where(p)
			return privacy.Skip
		}),
		mutationRule(changer, func(ctx context.Context, v *Viewer, m *gen.ProductMutation) error {
			if owner, set := m.OwnerID(); set && !v.Reaches(owner) {
				return deny("the new owner lies outside %s's organization", v.Name)
			}
			if m.Op().Is(ent.OpCreate) {
				return nil
			}
			id, err := storedID(m, "products")
			if err != nil {
				return err
			}
			return productWithinScope(ctx, m.Client(), v, id)
		}),
	)
}

// productWithinScope allows a change to a product, or to what follows it
// (its availability), when the product's owner lies within the viewer's
// scope. It reads the product as the viewer: one they may not see is "not
// found".
func productWithinScope(ctx context.Context, c *gen.Client, v *Viewer, id int) error {
	p, err := c.Product.Get(ctx, id)
	if err != nil {
		return err
	}
	if !v.Reaches(p.OwnerID) {
		return deny("product %s belongs to another organization", p.Slug)
	}
	return nil
}
