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

// Organization is a part of a municipality: the municipality (gemeente) itself
// at the root, its clusters below it (Dienstverlening, Werk en Inkomen, …), and
// their departments (afdelingen) and teams. Every product has an owning
// organization; coverage is reported per organization, rolled up through this
// tree. One deployment can hold several municipalities side by side.
type Organization struct {
	ent.Schema
}

// Mixin of Organization.
func (Organization) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of Organization.
func (Organization) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			Unique().
			MaxLen(64).
			Match(regexp.MustCompile(codePattern)).
			Comment("Short stable code, e.g. rotterdam, dienstverlening, publiekszaken."),
		field.String("name").
			NotEmpty().
			MaxLen(200).
			Comment("Name as the organization calls itself, e.g. Cluster Dienstverlening."),
		field.Enum("kind").
			Values("MUNICIPALITY", "CLUSTER", "DEPARTMENT", "TEAM").
			Comment("Level in the tree: a municipality is always a root, and only a root."),
		field.Int("parent_id").
			Optional().
			Nillable().
			Comment("The organization this one is part of; empty for a municipality."),
	}
}

// Edges of Organization.
func (Organization) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Organization.Type).
			// Units move by changing their own parent, so that each move is logged.
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			From("parent").
			Unique().
			Field("parent_id").
			Comment("Sub-units (children) and the unit this one belongs to (parent)."),
		edge.To("products", Product.Type).
			Comment("Products this organization owns.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of Organization.
func (Organization) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("parent_id"),
	}
}

// Hooks of Organization: the tree's rules, then the change log.
func (Organization) Hooks() []ent.Hook {
	return []ent.Hook{
		organizationRules(),
		changelog.Hook(),
	}
}

// Policy of Organization: see internal/auth/rules.go.
func (Organization) Policy() ent.Policy {
	return auth.OrganizationPolicy()
}

// Annotations of Organization: admins create and update it through the API.
func (Organization) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
