package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// ChangeEvent is one entry of the change log: which record changed, which
// fields went from what to what, who did it and when. Events are written by the
// change-log hook in the same transaction as the change itself and are never
// updated or deleted. The audit trail and the coverage history both read them:
// the state of the catalogue at any past moment is the result of the events
// recorded up to then, in (recorded_at, id) order.
//
// Product, channel and municipality are plain numbers rather than edges so that
// the log stays independent of the records it describes.
type ChangeEvent struct {
	ent.Schema
}

// Fields of ChangeEvent.
func (ChangeEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("entity").
			Values("PRODUCT", "AVAILABILITY", "CHANNEL", "ORGANIZATION", "LOCATION", "TARGET",
				"SURVEY_RESULT", "CONTACT_VOLUME", "SATISFACTION_TARGET", "ANSWER", "CALLBACK_REQUEST", "SYNONYM", "RESIDENT_TEST").
			Immutable().
			Comment("The kind of record that changed."),
		field.Int("entity_id").
			Immutable().
			Comment("The id of the record that changed."),
		field.Enum("action").
			Values("CREATE", "UPDATE", "DELETE").
			Immutable(),
		field.Int("product_id").
			Optional().
			Nillable().
			Immutable().
			Comment("The product the change is about, for products and availabilities."),
		field.Int("channel_id").
			Optional().
			Nillable().
			Immutable().
			Comment("The channel the change is about, for channels and availabilities."),
		field.Int("municipality_id").
			Optional().
			Nillable().
			Immutable().
			Comment("The municipality the changed record belongs to; empty for shared records (channels)."),
		field.String("state").
			Optional().
			Nillable().
			Immutable().
			Comment("The record's status after the change: product status, availability status, " +
				"ACTIVE/INACTIVE for a channel; empty after a delete or for records without a status."),
		field.Bool("other_language").
			Optional().
			Nillable().
			Immutable().
			Comment("For an availability: whether, after the change, the channel offers the product in a " +
				"language other than Dutch. Coverage reports count these for residents who have difficulty with Dutch."),
		field.JSON("changes", []catalog.FieldChange{}).
			Immutable().
			Comment("The changed fields, old and new value."),
		field.String("actor").
			NotEmpty().
			Immutable().
			Comment("Who made the change: a person, a token, or a system job such as the seed."),
		field.Int("actor_organization_id").
			Optional().
			Nillable().
			Immutable().
			Comment("The organization the actor acted for; shown to the public instead of the person."),
		field.Time("recorded_at").
			Immutable().
			Comment("When the change was made."),
		field.String("tx_id").
			NotEmpty().
			Immutable().
			Comment("Groups the events written by one transaction."),
	}
}

// Indexes of ChangeEvent: the audit trail reads by product and by record, the
// coverage history by municipality and channel over time.
func (ChangeEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("product_id", "recorded_at"),
		index.Fields("channel_id", "recorded_at"),
		index.Fields("municipality_id", "entity", "recorded_at"),
		index.Fields("entity", "entity_id", "recorded_at"),
		index.Fields("recorded_at"),
		index.Fields("tx_id"),
	}
}

// Annotations of ChangeEvent: the API exposes the log through its own types.
func (ChangeEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipAll),
	}
}

// Hooks of ChangeEvent: the log is append-only.
func (ChangeEvent) Hooks() []ent.Hook {
	return []ent.Hook{
		changelog.AppendOnly(),
	}
}
