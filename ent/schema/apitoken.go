package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// APIToken lets a system or person call the API with a role: an ADMIN
// administers its organization and the units below it (everything, without
// an organization); an EDITOR keeps the products of its organization and the
// units below it up to date. The token itself is shown once, when it is
// created; only its SHA-256 hash is stored.
type APIToken struct {
	ent.Schema
}

// Fields of APIToken.
func (APIToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").
			Unique().
			MaxLen(64).
			Match(regexp.MustCompile(codePattern)).
			Comment("Who or what uses the token, e.g. website-rotterdam-nl or editor-publiekszaken."),
		field.Enum("role").
			Values("ADMIN", "EDITOR"),
		field.Int("organization_id").
			Optional().
			Nillable().
			Comment("The organization the token acts for, with the units below it; empty for an admin of everything."),
		field.String("hash").
			Unique().
			Sensitive().
			Comment("SHA-256 of the token, hex-encoded."),
		field.Time("created_at").
			Immutable(),
		field.Time("revoked_at").
			Optional().
			Nillable().
			Comment("When the token was revoked; a revoked token is refused."),
	}
}

// Edges of APIToken.
func (APIToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("organization", Organization.Type).
			Unique().
			Field("organization_id"),
	}
}

// Annotations of APIToken: tokens are managed on the command line, never over the API.
func (APIToken) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}

// Policy of APIToken: see internal/auth/rules.go.
func (APIToken) Policy() ent.Policy {
	return auth.TokenPolicy()
}
