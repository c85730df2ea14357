package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// Location is a public place where residents are helped in person: a city
// office (stadswinkel) or a neighbourhood hub (wijkhub). An availability on an
// in-person channel lists the locations where the product is served.
type Location struct {
	ent.Schema
}

// Mixin of Location.
func (Location) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of Location.
func (Location) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			Unique().
			MaxLen(64).
			Match(regexp.MustCompile(codePattern)).
			Comment("Stable code, e.g. stadswinkel-centrum, wijkhub-delfshaven."),
		field.String("name").
			NotEmpty().
			MaxLen(200),
		field.Enum("kind").
			Values("CITY_OFFICE", "WIJKHUB", "OTHER").
			Comment("CITY_OFFICE: a stadswinkel; WIJKHUB: a neighbourhood hub; OTHER: any other public desk."),
		field.String("street").
			NotEmpty().
			MaxLen(200).
			Comment("Street and number."),
		field.String("postal_code").
			NotEmpty().
			MaxLen(10),
		field.String("city").
			NotEmpty().
			MaxLen(100),
		field.Text("opening_hours").
			Default("").
			Comment("Opening hours as residents read them, e.g. ma–vr 9.00–17.00, do tot 20.00."),
		field.Enum("visit").
			Values("APPOINTMENT", "WALK_IN", "BOTH").
			Comment("Whether residents come by appointment, walk in, or either."),
		field.Int("municipality_id").
			Comment("The municipality that runs the location."),
	}
}

// Edges of Location.
func (Location) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("municipality", Organization.Type).
			Unique().
			Required().
			Field("municipality_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("availabilities", Availability.Type).
			Ref("locations").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of Location.
func (Location) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("municipality_id"),
	}
}

// Hooks of Location: the change log.
func (Location) Hooks() []ent.Hook {
	return []ent.Hook{
		changelog.Hook(),
	}
}

// Policy of Location: see internal/auth/rules.go.
func (Location) Policy() ent.Policy {
	return auth.MunicipalityPolicy()
}

// Annotations of Location: admins create and update it through the API.
func (Location) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
