package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// WebhookSubscription asks the catalogue to POST every public change of one
// municipality (or only some kinds of change) to a website's URL, signed with
// a secret the website chose (docs/notifications.md). Admins keep them; the
// secret is written, never read back through the API.
//
// Subscriptions are not logged in the change log: they are configuration
// holding a credential, as API tokens are, not part of the catalogue the log
// tells the history of (a backup leaves them out for the same reason).
// Admins' changes to them go to the security log.
type WebhookSubscription struct {
	ent.Schema
}

// Fields of WebhookSubscription.
func (WebhookSubscription) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").
			MaxLen(2000).
			Comment("Where the notifications are POSTed (http or https, a host on the allow-list)."),
		field.String("secret").
			Sensitive().
			MaxLen(200).
			Comment("The key of the HMAC-SHA256 signature; never returned by the API."),
		field.Int("municipality_id").
			Comment("The municipality whose changes are sent."),
		field.Strings("kinds").
			Optional().
			Comment("The change kinds sent (feed kinds: PRODUCT_CHANGED, …); empty: all."),
		field.Bool("active").
			Default(true).
			Comment("Whether new changes are queued and pending ones sent; paused otherwise."),
		field.String("created_by").
			Comment("Who created the subscription."),
		field.Time("created_at").
			Immutable(),
		field.Time("updated_at"),
	}
}

// Edges of WebhookSubscription.
func (WebhookSubscription) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("municipality", Organization.Type).
			Unique().
			Required().
			Field("municipality_id"),
		edge.To("deliveries", WebhookDelivery.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of WebhookSubscription.
func (WebhookSubscription) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("municipality_id", "active"),
	}
}

// Annotations of WebhookSubscription: its GraphQL type is written by hand
// (graph/webhooks.graphql), so that the secret never has a field.
func (WebhookSubscription) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}

// Policy of WebhookSubscription: admins whose scope holds its municipality
// (internal/auth/webhook.go).
func (WebhookSubscription) Policy() ent.Policy {
	return auth.WebhookSubscriptionPolicy()
}
