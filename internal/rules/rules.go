// Package rules holds the rule hooks the Ent schema installs on the
// catalogue's entities: they fill in derived values (a product's
// municipality, an availability's dates) and refuse what breaks the
// catalogue's rules with a catalog.FieldError before anything is written.
// The rules themselves are plain Go in internal/catalog; these hooks read
// the mutation and the stored record for them.
package rules

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/hook"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/target"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// The rule hooks run before the change-log hook: they fill in derived values
// (a product's municipality, an availability's dates) and refuse what breaks
// the catalogue's rules with a catalog.FieldError, before anything is written.
// The rules themselves are plain Go in internal/catalog.

const writeOps = ent.OpCreate | ent.OpUpdateOne

func Product() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ProductFunc(func(ctx context.Context, m *gen.ProductMutation) (ent.Value, error) {
			c := m.Client()
			lookup := auth.Allow(ctx) // the checks must see drafts the caller may not
			if owner, ok := m.OwnerID(); ok {
				root, err := orgtree.Root(lookup, c, owner)
				if err != nil {
					return nil, &catalog.FieldError{Entity: "product", Field: "owner", Code: "not_found", Message: err.Error()}
				}
				if old, err := value[int](ctx, m, product.FieldMunicipalityID); err == nil && old != nil && *old != root {
					return nil, &catalog.FieldError{Entity: "product", Field: "owner", Code: "municipality",
						Message: "a product cannot move to another municipality; choose an owner within its own municipality"}
				}
				m.SetMunicipalityID(root)
			}
			var p catalog.Product
			var err error
			if p.Slug, err = str(ctx, m, product.FieldSlug); err != nil {
				return nil, err
			}
			if p.Name, err = str(ctx, m, product.FieldName); err != nil {
				return nil, err
			}
			if p.Theme, err = str(ctx, m, product.FieldTheme); err != nil {
				return nil, err
			}
			aud, err := value[[]catalog.Audience](ctx, m, product.FieldAudiences)
			if err != nil {
				return nil, err
			}
			if aud != nil {
				p.Audiences = *aud
			}
			if err := p.Check(); err != nil {
				return nil, err
			}
			if kw, set := m.Keywords(); set {
				kw = cleanKeywords(kw)
				if err := catalog.CheckKeywords(kw); err != nil {
					return nil, err
				}
				m.SetKeywords(kw)
			}
			_, slugSet := m.Slug()
			if slugSet || m.Op().Is(ent.OpCreate) {
				mid, err := value[int](ctx, m, product.FieldMunicipalityID)
				if err != nil {
					return nil, err
				}
				if mid == nil {
					return nil, &catalog.FieldError{Entity: "product", Field: "owner", Code: "required", Message: "every product needs an owning organization"}
				}
				q := c.Product.Query().Where(product.MunicipalityID(*mid), product.Slug(p.Slug))
				if id, ok := m.ID(); ok {
					q = q.Where(product.IDNEQ(id))
				}
				taken, err := q.Exist(lookup)
				if err != nil {
					return nil, err
				}
				if taken {
					return nil, &catalog.FieldError{Entity: "product", Field: "slug", Code: "duplicate",
						Message: fmt.Sprintf("another product of this municipality already has the slug %q; choose another", p.Slug)}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, writeOps)
}

func Availability() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AvailabilityFunc(func(ctx context.Context, m *gen.AvailabilityMutation) (ent.Value, error) {
			today := catalog.DateOf(changelog.Now(ctx, m))
			create := m.Op().Is(ent.OpCreate)
			status, err := str(ctx, m, availability.FieldStatus)
			if err != nil {
				return nil, err
			}
			// Dates belong to their status: since to AVAILABLE, planned to PLANNED.
			since, err := value[time.Time](ctx, m, availability.FieldAvailableSince)
			if err != nil {
				return nil, err
			}
			switch {
			case status == availability.StatusAVAILABLE.String() && since == nil:
				m.SetAvailableSince(today)
			case status != availability.StatusAVAILABLE.String() && since != nil:
				m.ClearAvailableSince()
			}
			planned, err := value[time.Time](ctx, m, availability.FieldPlannedDate)
			if err != nil {
				return nil, err
			}
			if status != availability.StatusPLANNED.String() && planned != nil {
				m.ClearPlannedDate()
				planned = nil
			}
			if p, set := m.PlannedDate(); set && status == availability.StatusPLANNED.String() {
				old, err := value[time.Time](ctx, oldOnly{m}, availability.FieldPlannedDate)
				if err != nil {
					return nil, err
				}
				if (old == nil || !old.Equal(p)) && p.Before(today) {
					return nil, &catalog.FieldError{Entity: "availability", Field: "plannedDate", Code: "past",
						Message: fmt.Sprintf("the planned date %s lies in the past; give today's date or a later one", p.Format(time.DateOnly))}
				}
			}
			a := catalog.Availability{Status: status, PlannedDate: planned}
			if a.AvailableSince, err = value[time.Time](ctx, m, availability.FieldAvailableSince); err != nil {
				return nil, err
			}
			for _, f := range []struct {
				name string
				dst  *string
			}{
				{availability.FieldReason, &a.Reason},
				{availability.FieldURL, &a.URL},
				{availability.FieldPhone, &a.Phone},
				{availability.FieldProcessingTime, &a.ProcessingTime},
				{availability.FieldCostCurrency, &a.CostCurrency},
			} {
				if *f.dst, err = str(ctx, m, f.name); err != nil {
					return nil, err
				}
			}
			if langs, err := value[[]string](ctx, m, availability.FieldLanguages); err != nil {
				return nil, err
			} else if langs != nil {
				a.Languages = *langs
			}
			if err := a.Check(); err != nil {
				return nil, err
			}
			if create {
				if err := uniqueCell(ctx, m); err != nil {
					return nil, err
				}
			}
			// Every change counts as a review; marking a cell reviewed without
			// changing it is done by setting last_reviewed alone.
			if _, set := m.LastReviewed(); !set {
				changes, err := changelog.Changes(ctx, m)
				if err != nil {
					return nil, err
				}
				if create || len(changes) > 0 {
					m.SetLastReviewed(today)
				}
			}
			return next.Mutate(ctx, m)
		})
	}, writeOps)
}

// uniqueCell refuses a second availability for the same product and channel.
func uniqueCell(ctx context.Context, m *gen.AvailabilityMutation) error {
	ctx = auth.Allow(ctx)
	pid, _ := m.ProductID()
	cid, _ := m.ChannelID()
	c := m.Client()
	taken, err := c.Availability.Query().Where(availability.ProductID(pid), availability.ChannelID(cid)).Exist(ctx)
	if err != nil || !taken {
		return err
	}
	code, err := c.Channel.Query().Where(channel.ID(cid)).Select(channel.FieldCode).String(ctx)
	if err != nil {
		return err
	}
	return &catalog.FieldError{Entity: "availability", Field: "channel", Code: "duplicate",
		Message: fmt.Sprintf("this product already has an availability for channel %s; change that one instead", code)}
}

func Organization() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.OrganizationFunc(func(ctx context.Context, m *gen.OrganizationMutation) (ent.Value, error) {
			kind, err := str(ctx, m, organization.FieldKind)
			if err != nil {
				return nil, err
			}
			parent, err := value[int](ctx, m, organization.FieldParentID)
			if err != nil {
				return nil, err
			}
			isMunicipality := kind == organization.KindMUNICIPALITY.String()
			switch {
			case isMunicipality && parent != nil:
				return nil, &catalog.FieldError{Entity: "organization", Field: "parent", Code: "invalid",
					Message: "a municipality is the root of its tree and has no parent"}
			case !isMunicipality && parent == nil:
				return nil, &catalog.FieldError{Entity: "organization", Field: "parent", Code: "required",
					Message: "a cluster, department or team needs the organization it is part of"}
			}
			id, exists := m.ID()
			if !exists || m.Op().Is(ent.OpCreate) {
				return next.Mutate(ctx, m)
			}
			oldKind, err := m.OldKind(ctx)
			if err != nil {
				return nil, err
			}
			if (oldKind == organization.KindMUNICIPALITY) != isMunicipality {
				return nil, &catalog.FieldError{Entity: "organization", Field: "kind", Code: "invalid",
					Message: "a municipality cannot become part of another organization, nor a unit become a municipality"}
			}
			if newParent, set := m.ParentID(); set && parent != nil {
				ctx := auth.Allow(ctx)
				cycle, err := orgtree.IsAncestor(ctx, m.Client(), id, newParent)
				if err != nil {
					return nil, err
				}
				if cycle {
					return nil, &catalog.FieldError{Entity: "organization", Field: "parent", Code: "cycle",
						Message: "an organization cannot be placed under itself or one of its own units"}
				}
				oldRoot, err := orgtree.Root(ctx, m.Client(), id)
				if err != nil {
					return nil, err
				}
				newRoot, err := orgtree.Root(ctx, m.Client(), newParent)
				if err != nil {
					return nil, err
				}
				if oldRoot != newRoot {
					return nil, &catalog.FieldError{Entity: "organization", Field: "parent", Code: "municipality",
						Message: "an organization cannot move to another municipality"}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, writeOps)
}

func Target() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.TargetFunc(func(ctx context.Context, m *gen.TargetMutation) (ent.Value, error) {
			if share, ok := m.Share(); ok && share <= 0 {
				return nil, &catalog.FieldError{Entity: "target", Field: "share", Code: "range",
					Message: "the share must be more than 0 and at most 1 (1 is every applicable channel)"}
			}
			if d, ok := m.Deadline(); ok && !catalog.IsDate(d) {
				return nil, &catalog.FieldError{Entity: "target", Field: "deadline", Code: "format",
					Message: "the deadline must be a calendar date without a time of day"}
			}
			primary, err := value[bool](ctx, m, target.FieldPrimary)
			if err != nil {
				return nil, err
			}
			if primary == nil || !*primary {
				return next.Mutate(ctx, m)
			}
			mid, err := value[int](ctx, m, target.FieldMunicipalityID)
			if err != nil {
				return nil, err
			}
			q := m.Client().Target.Query().Where(target.Primary(true))
			if mid == nil {
				q = q.Where(target.MunicipalityIDIsNil())
			} else {
				q = q.Where(target.MunicipalityID(*mid))
			}
			if id, ok := m.ID(); ok {
				q = q.Where(target.IDNEQ(id))
			}
			other, err := q.First(auth.Allow(ctx))
			switch {
			case gen.IsNotFound(err):
				return next.Mutate(ctx, m)
			case err != nil:
				return nil, err
			}
			return nil, &catalog.FieldError{Entity: "target", Field: "primary", Code: "duplicate",
				Message: fmt.Sprintf("%q is already the primary target; unmark it first", other.Name)}
		})
	}, writeOps)
}

// value returns a field's value after the mutation: the new value when it is
// set, nil when it is cleared (or not set on a create), else the stored value.
func value[T any](ctx context.Context, m ent.Mutation, name string) (*T, error) {
	if v, ok := m.Field(name); ok {
		return as[T](v)
	}
	if m.FieldCleared(name) || m.Op().Is(ent.OpCreate) {
		return nil, nil
	}
	v, err := m.OldField(ctx, name)
	if err != nil {
		return nil, err
	}
	return as[T](v)
}

func as[T any](v ent.Value) (*T, error) {
	switch t := v.(type) {
	case T:
		return &t, nil
	case *T:
		return t, nil
	case fmt.Stringer: // Ent enums
		if s, ok := any(t.String()).(T); ok {
			return &s, nil
		}
	}
	return nil, fmt.Errorf("schema rules: unexpected value %T", v)
}

// str returns a string (or enum) field's value after the mutation, "" when empty.
func str(ctx context.Context, m ent.Mutation, name string) (string, error) {
	v, err := value[string](ctx, m, name)
	if err != nil || v == nil {
		return "", err
	}
	return *v, nil
}

// oldOnly reads the stored values of a mutation, ignoring what it sets.
type oldOnly struct{ ent.Mutation }

func (o oldOnly) Field(string) (ent.Value, bool) { return nil, false }
func (o oldOnly) FieldCleared(string) bool       { return false }
