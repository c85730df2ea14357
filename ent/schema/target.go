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

// Target is a coverage goal with a deadline: "Alle producten via alle passende
// kanalen" by 31 December 2026, share 1.0. Coverage reports measure progress
// against the primary target.
type Target struct {
	ent.Schema
}

// Mixin of Target.
func (Target) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of Target.
func (Target) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			NotEmpty().
			MaxLen(200),
		field.Text("description").
			Default(""),
		field.Time("deadline").
			SchemaType(dateType).
			Annotations(dateAnnotation).
			Comment("The date by which the share must be reached."),
		field.Float("share").
			Min(0).
			Max(1).
			Comment("Required share of applicable cells that are AVAILABLE, between 0 and 1."),
		field.Bool("primary").
			Default(false).
			Comment("The target coverage reports measure against; one per municipality."),
		field.Int("municipality_id").
			Optional().
			Nillable().
			Comment("The municipality the target is for; empty means every municipality."),
	}
}

// Edges of Target.
func (Target) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("municipality", Organization.Type).
			Unique().
			Field("municipality_id"),
	}
}

// Hooks of Target: its rules, then the change log.
func (Target) Hooks() []ent.Hook {
	return []ent.Hook{
		targetRules(),
		changelog.Hook(),
	}
}

// Policy of Target: see internal/auth/rules.go.
func (Target) Policy() ent.Policy {
	return auth.MunicipalityPolicy()
}

// Annotations of Target: admins create and update it through the API.
func (Target) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
