package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// Availability says whether a product can be requested through one channel,
// and how: one cell of the product × channel matrix that coverage is measured
// on. A product has at most one per channel; no availability at all means the
// cell is not assessed yet.
//
// The status tells the resident where they stand, and "no" is an answer too
// (Nee is ook een antwoord): UNAVAILABLE and NOT_APPLICABLE carry a public
// reason saying why and what to do instead; PLANNED carries the date it is
// expected; AVAILABLE carries the date since when.
type Availability struct {
	ent.Schema
}

// Mixin of Availability.
func (Availability) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of Availability.
func (Availability) Fields() []ent.Field {
	return []ent.Field{
		field.Int("product_id").
			Immutable(),
		field.Int("channel_id").
			Immutable(),
		field.Enum("status").
			Values("AVAILABLE", "PARTIAL", "PLANNED", "UNAVAILABLE", "NOT_APPLICABLE").
			Comment("AVAILABLE: can be requested here. PARTIAL: partly, e.g. information but no request. " +
				"PLANNED: coming, on the planned date. UNAVAILABLE: not here, with the reason. " +
				"NOT_APPLICABLE: this channel does not fit the product, with the reason."),
		field.Time("planned_date").
			Optional().
			Nillable().
			SchemaType(dateType).
			Annotations(dateAnnotation).
			Comment("When a PLANNED channel is expected to become available."),
		field.Time("available_since").
			Optional().
			Nillable().
			SchemaType(dateType).
			Annotations(dateAnnotation).
			Comment("Since when the product has been AVAILABLE on this channel."),
		field.Text("reason").
			Optional().
			Nillable().
			Comment("Public reason for UNAVAILABLE or NOT_APPLICABLE: why, and what to do instead."),
		field.Time("last_reviewed").
			SchemaType(dateType).
			Annotations(dateAnnotation).
			Comment("When the owner last checked this cell, changed or not."),
		field.String("url").
			Optional().
			Nillable().
			MaxLen(2000).
			Comment("Where to do it online (http or https)."),
		field.String("phone").
			Optional().
			Nillable().
			MaxLen(30).
			Comment("Phone number to call, e.g. 14010."),
		field.Text("instructions").
			Optional().
			Nillable().
			Comment("How to use this channel for this product: book an appointment first, bring a photo, …"),
		field.String("processing_time").
			Optional().
			Nillable().
			MaxLen(40).
			Comment("How long handling takes, as an ISO 8601 duration: P5D is five days, PT10M ten minutes."),
		field.Int("cost_cents").
			Optional().
			Nillable().
			NonNegative().
			Comment("What the product costs through this channel, in cents."),
		field.String("cost_currency").
			Default("EUR").
			MaxLen(3).
			Comment("Currency of the cost (ISO 4217)."),
		field.Enum("identification").
			Values("NONE", "DIGID", "EHERKENNING", "EIDAS", "ID_DOCUMENT").
			Default("NONE").
			Comment("What the resident needs to identify themselves: nothing, DigiD, eHerkenning, eIDAS, or an ID document."),
		field.Strings("languages").
			Optional().
			Comment("Languages the channel offers for this product (ISO 639-1), e.g. nl, en, tr, ar."),
	}
}

// Edges of Availability.
func (Availability) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("product", Product.Type).
			Ref("availabilities").
			Unique().
			Required().
			Immutable().
			Field("product_id"),
		edge.From("channel", Channel.Type).
			Ref("availabilities").
			Unique().
			Required().
			Immutable().
			Field("channel_id"),
		edge.To("locations", Location.Type).
			Comment("Where the product is served, for in-person channels."),
	}
}

// Indexes of Availability.
func (Availability) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("product_id", "channel_id").Unique(),
		index.Fields("channel_id", "status"),
	}
}

// Hooks of Availability: its rules, then the change log.
func (Availability) Hooks() []ent.Hook {
	return []ent.Hook{
		availabilityRules(),
		changelog.Hook(),
	}
}

// Policy of Availability: see internal/auth/rules.go.
func (Availability) Policy() ent.Policy {
	return auth.AvailabilityPolicy()
}
