package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// SatisfactionTarget is the college target the plan measures itself by: 30%
// fewer residents dissatisfied with their contact with the city by the end of
// 2026 than in the baseline period, on each of the four indicators.
type SatisfactionTarget struct {
	ent.Schema
}

// Mixin of SatisfactionTarget.
func (SatisfactionTarget) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of SatisfactionTarget.
func (SatisfactionTarget) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty().
			MaxLen(200),
		field.Time("baseline_from").
			SchemaType(dateType).
			Annotations(dateAnnotation).
			Comment("First day of the baseline period."),
		field.Time("baseline_to").
			SchemaType(dateType).
			Annotations(dateAnnotation).
			Comment("Last day of the baseline period."),
		field.Float("reduction").
			Min(0).
			Max(1).
			Comment("Required reduction of the dissatisfied share, e.g. 0.30 for 30% fewer dissatisfied."),
		field.Time("deadline").
			SchemaType(dateType).
			Annotations(dateAnnotation).
			Comment("The date by which the reduction must be reached."),
		field.Int("municipality_id").
			Optional().
			Nillable().
			Comment("The municipality the target is for; empty means every municipality without its own. One per municipality."),
	}
}

// Edges of SatisfactionTarget.
func (SatisfactionTarget) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("municipality", Organization.Type).
			Unique().
			Field("municipality_id"),
	}
}

// Annotations of SatisfactionTarget: reports show it through their own types.
func (SatisfactionTarget) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Hooks of SatisfactionTarget: its rules, then the change log.
func (SatisfactionTarget) Hooks() []ent.Hook {
	return []ent.Hook{
		satisfactionTargetRules(),
		changelog.Hook(),
	}
}

// Policy of SatisfactionTarget: changed by the municipality's admins.
func (SatisfactionTarget) Policy() ent.Policy {
	return auth.MunicipalityPolicy()
}
