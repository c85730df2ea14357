package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
)

// The privacy policies the Ent schema installs. Queries are narrowed to what
// the viewer may see; mutations are denied unless a rule allows them. The
// catalogue's own jobs pass through System contexts.
//
// Who sees what:
//   - anonymous callers see PUBLISHED products only, and only active channels;
//   - editors and admins also see every product of their scope, drafts and
//     retired ones included;
//   - admins see inactive channels; an admin without organization sees all.
//
// Who changes what:
//   - an editor changes the products owned within its scope, and their
//     availability;
//   - an admin also changes organizations, locations and targets within its
//     scope; channels and UPL names are for an admin of everything.

// Allow returns a context that passes every privacy rule, for the lookups a
// rule or hook makes on the catalogue's behalf (a duplicate check must see
// drafts the caller may not).
func Allow(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

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

// channelFilter: inactive channels are for admins.
func channelFilter(v *Viewer) predicate.Channel {
	if v == nil || v.Role != Admin {
		return channel.Active(true)
	}
	return nil
}

// ProductPolicy is the policy of products.
func ProductPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.ProductQueryRuleFunc(func(ctx context.Context, q *gen.ProductQuery) error {
				p := productFilter(FromContext(ctx))
				if p == nil {
					return privacy.Allow
				}
				q.Where(p)
				return privacy.Skip
			}),
		},
		Mutation: privacy.MutationPolicy{
			privacy.ProductMutationRuleFunc(func(ctx context.Context, m *gen.ProductMutation) error {
				v, err := changer(ctx)
				if err != nil || v.Unlimited() {
					return decided(err)
				}
				if owner, set := m.OwnerID(); set && !v.Reaches(owner) {
					return deny("the new owner lies outside %s's organization", v.Name)
				}
				if !m.Op().Is(ent.OpCreate) {
					id, ok := m.ID()
					if !ok {
						return deny("products are changed one at a time")
					}
					// Read as the viewer: a product they may not see is "not found".
					p, err := m.Client().Product.Get(ctx, id)
					if err != nil {
						return err
					}
					if !v.Reaches(p.OwnerID) {
						return deny("product %s belongs to another organization", p.Slug)
					}
				}
				return privacy.Allow
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// AvailabilityPolicy is the policy of availabilities: they follow their product.
func AvailabilityPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.AvailabilityQueryRuleFunc(func(ctx context.Context, q *gen.AvailabilityQuery) error {
				ps := availabilityFilter(FromContext(ctx))
				if ps == nil {
					return privacy.Allow
				}
				q.Where(ps...)
				return privacy.Skip
			}),
		},
		Mutation: privacy.MutationPolicy{
			privacy.AvailabilityMutationRuleFunc(func(ctx context.Context, m *gen.AvailabilityMutation) error {
				v, err := changer(ctx)
				if err != nil || v.Unlimited() {
					return decided(err)
				}
				pid, set := m.ProductID()
				if !set {
					id, ok := m.ID()
					if !ok {
						return deny("availabilities are changed one at a time")
					}
					a, err := m.Client().Availability.Get(ctx, id)
					if err != nil {
						return err
					}
					pid = a.ProductID
				}
				p, err := m.Client().Product.Get(ctx, pid)
				if err != nil {
					return err
				}
				if !v.Reaches(p.OwnerID) {
					return deny("product %s belongs to another organization", p.Slug)
				}
				return privacy.Allow
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// ChannelPolicy: inactive channels are for admins; channels are changed by
// an admin of everything.
func ChannelPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.ChannelQueryRuleFunc(func(ctx context.Context, q *gen.ChannelQuery) error {
				if p := channelFilter(FromContext(ctx)); p != nil {
					q.Where(p)
				}
				return privacy.Skip
			}),
		},
		Mutation: privacy.MutationPolicy{unlimitedAdminRule()},
	}
}

// OrganizationPolicy: organizations are public; an admin changes the units
// within its scope.
func OrganizationPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			privacy.OrganizationMutationRuleFunc(func(ctx context.Context, m *gen.OrganizationMutation) error {
				v, err := admin(ctx)
				if err != nil || v.Unlimited() {
					return decided(err)
				}
				if parent, set := m.ParentID(); set && !v.Reaches(parent) {
					return deny("the new parent lies outside %s's organization", v.Name)
				}
				if id, ok := m.ID(); ok && !m.Op().Is(ent.OpCreate) && !v.Reaches(id) {
					return deny("this organization lies outside %s's organization", v.Name)
				}
				if m.Op().Is(ent.OpCreate) {
					if _, set := m.ParentID(); !set {
						return deny("only an admin of everything adds a municipality")
					}
				}
				return privacy.Allow
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// MunicipalityPolicy is the policy of records that belong to a municipality
// (locations, targets): an admin whose scope holds the municipality changes them.
func MunicipalityPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			privacy.MutationRuleFunc(func(ctx context.Context, m gen.Mutation) error {
				v, err := admin(ctx)
				if err != nil || v.Unlimited() {
					return decided(err)
				}
				mid, err := municipalityOf(ctx, m)
				if err != nil {
					return err
				}
				if mid == nil || !v.Reaches(*mid) {
					return deny("this belongs to a municipality outside %s's organization", v.Name)
				}
				return privacy.Allow
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// municipalityOf reads the municipality a location or target mutation is
// about: the new one when set, else the stored one.
func municipalityOf(ctx context.Context, m gen.Mutation) (*int, error) {
	if v, ok := m.Field("municipality_id"); ok {
		id := v.(int)
		return &id, nil
	}
	if m.Op().Is(ent.OpCreate) {
		return nil, nil
	}
	old, err := m.OldField(ctx, "municipality_id")
	if err != nil {
		return nil, err
	}
	switch o := old.(type) {
	case int:
		return &o, nil
	case *int:
		return o, nil
	}
	return nil, nil
}

// unlimitedAdminRule lets only an admin of everything change a record.
func unlimitedAdminRule() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m gen.Mutation) error {
		v, err := admin(ctx)
		if err != nil {
			return err
		}
		if v.Unlimited() {
			return privacy.Allow
		}
		return deny("only an admin of everything changes %s records", m.Type())
	})
}

// UnlimitedAdminPolicy is the policy of UPL names: public, changed by an
// admin of everything.
func UnlimitedAdminPolicy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{unlimitedAdminRule()}}
}

// TokenPolicy: tokens are never read or written through the API; the Tokens
// methods pass with an Allow context.
func TokenPolicy() ent.Policy { return InternalPolicy() }

// InternalPolicy is for records only the catalogue itself reads and writes
// (tokens, the security log): every query and mutation is denied unless it
// runs in an Allow context.
func InternalPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// changer returns the viewer who may try to change products, or the error
// that ends the attempt.
func changer(ctx context.Context) (*Viewer, error) {
	v := FromContext(ctx)
	if v == nil {
		return nil, ErrUnauthenticated
	}
	return v, nil
}

// RequireAdmin returns the viewer when it is an admin, for the API's
// admin-only operations that are more than one write (the spreadsheet import).
func RequireAdmin(ctx context.Context) (*Viewer, error) { return admin(ctx) }

// admin returns the viewer when it is an admin.
func admin(ctx context.Context) (*Viewer, error) {
	v, err := changer(ctx)
	if err != nil {
		return nil, err
	}
	if v.Role != Admin {
		return nil, deny("only admins change this")
	}
	return v, nil
}

// decided turns "no error, unlimited" into Allow.
func decided(err error) error {
	if err != nil {
		return err
	}
	return privacy.Allow
}
