package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// SecurityEvent is one entry of the security log: a token made or revoked,
// a failed sign-in, an admin's change to the catalogue's structure, a
// retention run. Auditors read it; it is written once and never changed,
// except that actors' names are replaced by a pseudonym after the retention
// period (catalogus retention apply).
type SecurityEvent struct {
	ent.Schema
}

// Fields of SecurityEvent.
func (SecurityEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").
			Values("TOKEN_CREATED", "TOKEN_REVOKED", "AUTH_FAILED", "AUTH_THROTTLED", "ADMIN_ACTION", "RETENTION_APPLIED").
			Immutable(),
		field.String("actor").
			NotEmpty().
			Comment("Who acted: a token, a person, or the command line's user; for a failed sign-in, who was claimed."),
		field.String("client").
			Default("").
			Immutable().
			Comment("The client's address, for requests."),
		field.Text("detail").
			Default("").
			Immutable().
			Comment("What happened, in words."),
		field.Time("occurred_at").
			Immutable(),
	}
}

// Indexes of SecurityEvent.
func (SecurityEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("occurred_at"),
		index.Fields("kind", "occurred_at"),
	}
}

// Annotations of SecurityEvent: not part of the API.
func (SecurityEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}

// Policy of SecurityEvent: written and read by the catalogue itself only.
func (SecurityEvent) Policy() ent.Policy {
	return auth.InternalPolicy()
}
