package rules

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/contactvolume"
	"github.com/gemeente-rotterdam/catalogus/ent/hook"
	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/satisfactiontarget"
	"github.com/gemeente-rotterdam/catalogus/ent/surveyresult"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// measurementKey reads and checks the key of a survey result or contact
// volume: a real period start, a municipality at the top of its tree, and a
// product and unit of that municipality.
func measurementKey(ctx context.Context, c *gen.Client, m ent.Mutation, entity string) (catalog.MeasurementKey, error) {
	var k catalog.MeasurementKey
	mid, err := value[int](ctx, m, "municipality_id")
	if err != nil {
		return k, err
	}
	ch, err := value[int](ctx, m, "channel_id")
	if err != nil {
		return k, err
	}
	period, err := str(ctx, m, "period")
	if err != nil {
		return k, err
	}
	start, err := value[time.Time](ctx, m, "period_start")
	if err != nil {
		return k, err
	}
	if mid == nil || ch == nil || start == nil || period == "" {
		return k, &catalog.FieldError{Entity: entity, Field: "periodStart", Code: "required",
			Message: "a measurement needs a municipality, a channel, a period and its start"}
	}
	k = catalog.MeasurementKey{Municipality: *mid, Channel: *ch, Period: period, Start: *start}
	if err := catalog.CheckPeriodStart(entity, period, *start); err != nil {
		return k, err
	}
	allow := auth.Allow(ctx)
	if root, err := orgtree.Root(allow, c, k.Municipality); err != nil {
		return k, err
	} else if root != k.Municipality {
		return k, &catalog.FieldError{Entity: entity, Field: "municipality", Code: "kind",
			Message: "measurements belong to a municipality, not to a unit within one; name the unit as organization"}
	}
	if k.Product, err = value[int](ctx, m, "product_id"); err != nil {
		return k, err
	}
	if k.Product != nil {
		pm, err := c.Product.Query().Where(product.ID(*k.Product)).Select(product.FieldMunicipalityID).Int(allow)
		if err != nil {
			return k, err
		}
		if pm != k.Municipality {
			return k, &catalog.FieldError{Entity: entity, Field: "product", Code: "municipality",
				Message: "the product belongs to another municipality"}
		}
	}
	if k.Organization, err = value[int](ctx, m, "organization_id"); err != nil {
		return k, err
	}
	if k.Organization != nil {
		root, err := orgtree.Root(allow, c, *k.Organization)
		if err != nil {
			return k, err
		}
		if root != k.Municipality {
			return k, &catalog.FieldError{Entity: entity, Field: "organization", Code: "municipality",
				Message: "the organization belongs to another municipality"}
		}
	}
	return k, nil
}

// unique refuses a second measurement with the same key: an import or
// correction changes the one there is. exist asks whether another is stored.
func unique(ctx context.Context, exist func(context.Context) (bool, error), entity string, k catalog.MeasurementKey) error {
	found, err := exist(auth.Allow(ctx))
	if err != nil || !found {
		return err
	}
	return &catalog.FieldError{Entity: entity, Field: "periodStart", Code: "duplicate",
		Message: fmt.Sprintf("there already is a %s for this channel, %s from %s and product or unit; change that one",
			entity, k.Period, k.Start.Format(time.DateOnly))}
}

func Measurement() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			switch m := m.(type) {
			case *gen.SurveyResultMutation:
				if err := surveyResultRules(ctx, m); err != nil {
					return nil, err
				}
			case *gen.ContactVolumeMutation:
				if err := contactVolumeRules(ctx, m); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}, writeOps)
}

func surveyResultRules(ctx context.Context, m *gen.SurveyResultMutation) error {
	const entity = "survey result"
	var counts catalog.SurveyCounts
	targets := []*int{&counts.Respondents, &counts.Dissatisfied[0], &counts.Dissatisfied[1], &counts.Dissatisfied[2],
		&counts.Dissatisfied[3], &counts.Promoters, &counts.Passives, &counts.Detractors}
	for i, f := range []string{surveyresult.FieldRespondents, surveyresult.FieldDissatisfiedGeneral,
		surveyresult.FieldDissatisfiedClarity, surveyresult.FieldDissatisfiedFriendliness,
		surveyresult.FieldDissatisfiedTimeliness, surveyresult.FieldNpsPromoters,
		surveyresult.FieldNpsPassives, surveyresult.FieldNpsDetractors} {
		v, err := value[int](ctx, m, f)
		if err != nil {
			return err
		}
		if v != nil {
			*targets[i] = *v
		}
	}
	if err := counts.Check(); err != nil {
		return err
	}
	k, err := measurementKey(ctx, m.Client(), m, entity)
	if err != nil {
		return err
	}
	q := m.Client().SurveyResult.Query().Where(predicate.SurveyResult(MeasurementKeyIs(k)))
	if id, ok := m.ID(); ok {
		q = q.Where(surveyresult.IDNEQ(id))
	}
	return unique(ctx, q.Exist, entity, k)
}

func contactVolumeRules(ctx context.Context, m *gen.ContactVolumeMutation) error {
	const entity = "contact volume"
	k, err := measurementKey(ctx, m.Client(), m, entity)
	if err != nil {
		return err
	}
	q := m.Client().ContactVolume.Query().Where(predicate.ContactVolume(MeasurementKeyIs(k)))
	if id, ok := m.ID(); ok {
		q = q.Where(contactvolume.IDNEQ(id))
	}
	return unique(ctx, q.Exist, entity, k)
}

// SatisfactionTarget: real dates in order, a reduction above zero, and
// one target per municipality and one for all of them.
func SatisfactionTarget() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.SatisfactionTargetFunc(func(ctx context.Context, m *gen.SatisfactionTargetMutation) (ent.Value, error) {
			const entity = "satisfaction target"
			if r, ok := m.Reduction(); ok && r <= 0 {
				return nil, &catalog.FieldError{Entity: entity, Field: "reduction", Code: "range",
					Message: "the reduction must be more than 0 and at most 1 (0.30 is 30% fewer dissatisfied)"}
			}
			var dates [3]time.Time
			for i, f := range []string{satisfactiontarget.FieldBaselineFrom, satisfactiontarget.FieldBaselineTo, satisfactiontarget.FieldDeadline} {
				v, err := value[time.Time](ctx, m, f)
				if err != nil {
					return nil, err
				}
				if v != nil {
					if !catalog.IsDate(*v) {
						return nil, &catalog.FieldError{Entity: entity, Field: []string{"baselineFrom", "baselineTo", "deadline"}[i],
							Code: "format", Message: "a calendar date without a time of day"}
					}
					dates[i] = *v
				}
			}
			if dates[1].Before(dates[0]) {
				return nil, &catalog.FieldError{Entity: entity, Field: "baselineTo", Code: "order",
					Message: "the baseline period ends before it starts"}
			}
			if !dates[2].After(dates[1]) {
				return nil, &catalog.FieldError{Entity: entity, Field: "deadline", Code: "order",
					Message: "the deadline must come after the baseline period"}
			}
			mid, err := value[int](ctx, m, satisfactiontarget.FieldMunicipalityID)
			if err != nil {
				return nil, err
			}
			q := m.Client().SatisfactionTarget.Query().Where(satisfactiontarget.MunicipalityIDIsNil())
			if mid != nil {
				q = m.Client().SatisfactionTarget.Query().Where(satisfactiontarget.MunicipalityID(*mid))
			}
			if id, ok := m.ID(); ok {
				q = q.Where(satisfactiontarget.IDNEQ(id))
			}
			if n, err := q.Count(auth.Allow(ctx)); err != nil {
				return nil, err
			} else if n > 0 {
				return nil, &catalog.FieldError{Entity: entity, Field: "municipality", Code: "duplicate",
					Message: "this municipality (or, without one, every municipality) already has a satisfaction target; change that one"}
			}
			return next.Mutate(ctx, m)
		})
	}, writeOps)
}
