package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
)

// availabilityFilter: the cells of visible products; on active channels
// unless the viewer is an admin.
func availabilityFilter(v *Viewer) []predicate.Availability {
	if v.Unlimited() {
		return nil
	}
	ps := []predicate.Availability{availability.HasProductWith(visibleProducts(v))}
	if p := channelFilter(v); p != nil {
		ps = append(ps, availability.HasChannelWith(p))
	}
	return ps
}

// AvailabilityPolicy is the policy of availabilities: they follow their
// product, the one they are moved to as well as the one they belong to.
func AvailabilityPolicy() ent.Policy {
	return policyOf(
		privacy.AvailabilityQueryRuleFunc(func(ctx context.Context, q *gen.AvailabilityQuery) error {
			ps := availabilityFilter(FromContext(ctx))
			if ps == nil {
				return privacy.Allow
			}
			q.Where(ps...)
			return privacy.Skip
		}),
		mutationRule(changer, func(ctx context.Context, v *Viewer, m *gen.AvailabilityMutation) error {
			pid, set := m.ProductID()
			if !set {
				id, err := storedID(m, "availabilities")
				if err != nil {
					return err
				}
				a, err := m.Client().Availability.Get(ctx, id)
				if err != nil {
					return err
				}
				pid = a.ProductID
			}
			return productWithinScope(ctx, m.Client(), v, pid)
		}),
	)
}
