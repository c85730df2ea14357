package schema

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

// key is what a measurement is about, after the mutation.
type key struct {
	municipality, channel int
	product, organization *int
	period                string
	start                 time.Time
}

// measurementKey reads and checks the key of a survey result or contact
// volume: a real period start, a municipality at the top of its tree, and a
// product and unit of that municipality.
func measurementKey(ctx context.Context, c *gen.Client, m ent.Mutation, entity string) (key, error) {
	var k key
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
	k = key{municipality: *mid, channel: *ch, period: period, start: *start}
	if err := catalog.CheckPeriodStart(entity, period, *start); err != nil {
		return k, err
	}
	allow := auth.Allow(ctx)
	if root, err := orgtree.Root(allow, c, k.municipality); err != nil {
		return k, err
	} else if root != k.municipality {
		return k, &catalog.FieldError{Entity: entity, Field: "municipality", Code: "kind",
			Message: "measurements belong to a municipality, not to a unit within one; name the unit as organization"}
	}
	if k.product, err = value[int](ctx, m, "product_id"); err != nil {
		return k, err
	}
	if k.product != nil {
		pm, err := c.Product.Query().Where(product.ID(*k.product)).Select(product.FieldMunicipalityID).Int(allow)
		if err != nil {
			return k, err
		}
		if pm != k.municipality {
			return k, &catalog.FieldError{Entity: entity, Field: "product", Code: "municipality",
				Message: "the product belongs to another municipality"}
		}
	}
	if k.organization, err = value[int](ctx, m, "organization_id"); err != nil {
		return k, err
	}
	if k.organization != nil {
		root, err := orgtree.Root(allow, c, *k.organization)
		if err != nil {
			return k, err
		}
		if root != k.municipality {
			return k, &catalog.FieldError{Entity: entity, Field: "organization", Code: "municipality",
				Message: "the organization belongs to another municipality"}
		}
	}
	return k, nil
}

// duplicate is the error for a second measurement with the same key: an
// import or correction changes the one there is.
func duplicate(entity string, k key) error {
	return &catalog.FieldError{Entity: entity, Field: "periodStart", Code: "duplicate",
		Message: fmt.Sprintf("there already is a %s for this channel, %s from %s and product or unit; change that one",
			entity, k.period, k.start.Format(time.DateOnly))}
}

func measurementRules() ent.Hook {
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
	ps := []predicate.SurveyResult{surveyresult.MunicipalityID(k.municipality), surveyresult.ChannelID(k.channel),
		surveyresult.PeriodEQ(surveyresult.Period(k.period)), surveyresult.PeriodStart(k.start)}
	if k.product == nil {
		ps = append(ps, surveyresult.ProductIDIsNil())
	} else {
		ps = append(ps, surveyresult.ProductID(*k.product))
	}
	if k.organization == nil {
		ps = append(ps, surveyresult.OrganizationIDIsNil())
	} else {
		ps = append(ps, surveyresult.OrganizationID(*k.organization))
	}
	if id, ok := m.ID(); ok {
		ps = append(ps, surveyresult.IDNEQ(id))
	}
	exists, err := m.Client().SurveyResult.Query().Where(ps...).Exist(auth.Allow(ctx))
	if err != nil {
		return err
	}
	if exists {
		return duplicate(entity, k)
	}
	return nil
}

func contactVolumeRules(ctx context.Context, m *gen.ContactVolumeMutation) error {
	const entity = "contact volume"
	k, err := measurementKey(ctx, m.Client(), m, entity)
	if err != nil {
		return err
	}
	ps := []predicate.ContactVolume{contactvolume.MunicipalityID(k.municipality), contactvolume.ChannelID(k.channel),
		contactvolume.PeriodEQ(contactvolume.Period(k.period)), contactvolume.PeriodStart(k.start)}
	if k.product == nil {
		ps = append(ps, contactvolume.ProductIDIsNil())
	} else {
		ps = append(ps, contactvolume.ProductID(*k.product))
	}
	if k.organization == nil {
		ps = append(ps, contactvolume.OrganizationIDIsNil())
	} else {
		ps = append(ps, contactvolume.OrganizationID(*k.organization))
	}
	if id, ok := m.ID(); ok {
		ps = append(ps, contactvolume.IDNEQ(id))
	}
	exists, err := m.Client().ContactVolume.Query().Where(ps...).Exist(auth.Allow(ctx))
	if err != nil {
		return err
	}
	if exists {
		return duplicate(entity, k)
	}
	return nil
}

// satisfactionTargetRules: real dates in order, a reduction above zero, and
// one target per municipality and one for all of them.
func satisfactionTargetRules() ent.Hook {
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
