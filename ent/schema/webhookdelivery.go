package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// WebhookDelivery is one notification on its way to one subscription: the
// outbox row the change log writes in the same transaction as the change
// (internal/changelog/outbox.go), which the dispatcher (internal/webhook)
// POSTs, retries and finally marks delivered or dead.
type WebhookDelivery struct {
	ent.Schema
}

// Fields of WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("subscription_id").
			Immutable(),
		field.Int("event_id").
			Immutable().
			Comment("The change-log event the notification tells of."),
		field.String("idempotency_key").
			Immutable().
			Comment("Equal for every attempt of this notification to this subscription (Idempotency-Key header)."),
		field.JSON("payload", map[string]any{}).
			Immutable().
			Comment("What changed, as the feed says it; the dispatcher renders the Notificaties body from it."),
		field.Enum("state").
			Values("PENDING", "DELIVERED", "DEAD").
			Default("PENDING"),
		field.Int("attempts").
			Default(0),
		field.Time("next_attempt_at").
			Comment("When the dispatcher may try (again)."),
		field.Time("lease_until").
			Optional().
			Nillable().
			Comment("A dispatcher is POSTing it until then; another takes it over after."),
		field.String("lease_token").
			Optional().
			Comment("Which claim holds the lease: only that dispatcher records the outcome."),
		field.Text("last_error").
			Optional().
			Comment("What went wrong on the last attempt."),
		field.Int("last_status").
			Optional().
			Nillable().
			Comment("The receiver's HTTP status on the last attempt."),
		field.Time("delivered_at").
			Optional().
			Nillable(),
		field.Time("created_at").
			Immutable(),
	}
}

// Edges of WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("subscription", WebhookSubscription.Type).
			Ref("deliveries").
			Unique().
			Required().
			Immutable().
			Field("subscription_id"),
	}
}

// Indexes of WebhookDelivery: the dispatcher's claim reads the pending rows
// per subscription in id order; a notification is queued once per subscription.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("subscription_id", "idempotency_key").Unique(),
		index.Fields("state", "next_attempt_at"),
		index.Fields("subscription_id", "state"),
	}
}

// Annotations of WebhookDelivery: its GraphQL type is written by hand.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}

// Policy of WebhookDelivery: admins read the deliveries of the
// subscriptions they see; only the catalogue itself writes them.
func (WebhookDelivery) Policy() ent.Policy {
	return auth.WebhookDeliveryPolicy()
}
