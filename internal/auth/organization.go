package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
)

// OrganizationPolicy: organizations are public; an admin changes the units
// within its scope.
func OrganizationPolicy() ent.Policy {
	return policyOf(nil, mutationRule(admin, func(ctx context.Context, v *Viewer, m *gen.OrganizationMutation) error {
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
		return nil
	}))
}
