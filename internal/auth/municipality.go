package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
)

// MunicipalityPolicy is the policy of records that belong to a municipality
// (locations, targets, synonyms, survey results, contact volumes,
// satisfaction targets): an admin whose scope holds the municipality changes them.
func MunicipalityPolicy() ent.Policy {
	return policyOf(nil, mutationRule(admin, func(ctx context.Context, v *Viewer, m gen.Mutation) error {
		mid, err := municipalityOf(ctx, m)
		if err != nil {
			return err
		}
		if mid == nil || !v.Reaches(*mid) {
			return deny("this belongs to a municipality outside %s's organization", v.Name)
		}
		return nil
	}))
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
