package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/ent/residenttest"
)

// residentTestFilter: the tests of visible products (published ones for
// everybody, like their availability; drafts within the viewer's scope).
func residentTestFilter(v *Viewer) []predicate.ResidentTest {
	if v.Unlimited() {
		return nil
	}
	return []predicate.ResidentTest{residenttest.HasProductWith(visibleProducts(v))}
}

// ResidentTestPolicy is the policy of tests with residents: like
// availability, they follow their product; product owners of the product's
// organization (and the units above it) record, change and delete them.
func ResidentTestPolicy() ent.Policy {
	return policyOf(
		privacy.ResidentTestQueryRuleFunc(func(ctx context.Context, q *gen.ResidentTestQuery) error {
			ps := residentTestFilter(FromContext(ctx))
			if ps == nil {
				return privacy.Allow
			}
			q.Where(ps...)
			return privacy.Skip
		}),
		mutationRule(changer, func(ctx context.Context, v *Viewer, m *gen.ResidentTestMutation) error {
			pid, set := m.ProductID()
			if !set {
				id, err := storedID(m, "tests with residents")
				if err != nil {
					return err
				}
				t, err := m.Client().ResidentTest.Get(ctx, id)
				if err != nil {
					return err
				}
				pid = t.ProductID
			}
			return productWithinScope(ctx, m.Client(), v, pid)
		}),
	)
}
