package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// Channel is a way residents contact the municipality: the counter at a city
// office (balie), the neighbourhood hub (wijkhub), officers on the street,
// phone (14010), the website, the app, chat, webcare on social media, e-mail.
// Channels are shared by every municipality in the deployment. A channel is
// deactivated rather than deleted, so past coverage stays as it was.
type Channel struct {
	ent.Schema
}

// Mixin of Channel.
func (Channel) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of Channel.
func (Channel) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			Unique().
			MaxLen(32).
			Match(regexp.MustCompile(codePattern)).
			Comment("Stable code: balie, wijkhub, straat, telefoon, website, app, chat, webcare, email."),
		field.String("name").
			NotEmpty().
			MaxLen(100).
			Comment("Dutch name, e.g. Balie in een stadswinkel."),
		field.String("name_en").
			NotEmpty().
			MaxLen(100).
			Comment("English name, e.g. Counter at a city office."),
		field.Text("description").
			Default("").
			Comment("What the channel is, for residents."),
		field.Bool("digital").
			Default(false).
			Comment("Used without a person: website, app, e-mail."),
		field.Bool("assisted").
			Default(false).
			Comment("A person helps: what residents with limited digital skills or difficulty with Dutch need."),
		field.Bool("youth").
			Default(false).
			Comment("One of the channels young people use (app, chat, social media)."),
		field.Bool("active").
			Default(true).
			Comment("Inactive channels are hidden from the public and left out of coverage."),
		field.Int("sort_order").
			Default(0).
			Comment("Position in lists: lower first."),
	}
}

// Edges of Channel.
func (Channel) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("availabilities", Availability.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Hooks of Channel: the change log.
func (Channel) Hooks() []ent.Hook {
	return []ent.Hook{
		changelog.Hook(),
	}
}

// Policy of Channel: see internal/auth/rules.go.
func (Channel) Policy() ent.Policy {
	return auth.ChannelPolicy()
}

// Annotations of Channel: admins create and update it through the API.
func (Channel) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
