package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// EditorSession is one person signed in to the editor (/beheer). The
// browser holds a signed cookie naming the session; this row says whether it
// still counts. Every instance sharing the database sees the same rows, so
// signing out — here, at the identity provider, or because the person lost
// their role — holds everywhere and survives restarts. Rows go when the
// session ends or expires; they are never part of a backup.
type EditorSession struct {
	ent.Schema
}

// Fields of EditorSession.
func (EditorSession) Fields() []ent.Field {
	return []ent.Field{
		field.String("secret_hash").
			Unique().
			Immutable().
			Sensitive().
			Comment("SHA-256 of the session's secret id, hex-encoded: the cookie carries the id, the database only its hash."),
		field.String("name").
			NotEmpty().
			MaxLen(200).
			Comment("Who is signed in, as the change log names them."),
		field.Enum("role").
			Values("ADMIN", "EDITOR"),
		field.String("organization_code").
			Default("").
			Comment("Code of the organization the person works for; empty for an admin of everything."),
		field.Bool("dev").
			Default(false).
			Immutable().
			Comment("A development sign-in (--dev-login), without an identity provider."),
		field.String("subject").
			Default("").
			Immutable().
			Comment("The identity provider's subject (sub) for the person, so that the provider can sign them out."),
		field.String("provider_session").
			Default("").
			Immutable().
			Comment("The identity provider's session id (sid), when it gives one, for back-channel logout."),
		field.Time("created_at").
			Immutable(),
		field.Time("expires_at").
			Comment("When the session ends at the latest."),
		field.Time("checked_at").
			Comment("When the person's role and organization were last confirmed by the identity provider."),
		field.Time("recheck_at").
			Comment("When the role and organization are next checked at the identity provider; the instance that checks moves it on first, so that only one does."),
		field.Bytes("credentials").
			Optional().
			Nillable().
			Sensitive().
			Comment("The provider's tokens for this session (ID token, refresh and access token), sealed with the session key."),
	}
}

// Indexes of EditorSession.
func (EditorSession) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("expires_at"),
		index.Fields("subject"),
		index.Fields("provider_session"),
	}
}

// Annotations of EditorSession: not part of the API.
func (EditorSession) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}

// Policy of EditorSession: read and written by the sign-in only.
func (EditorSession) Policy() ent.Policy {
	return auth.InternalPolicy()
}
