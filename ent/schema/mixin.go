package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
)

// Timestamps records when a record was created and last changed. The change
// log hook sets both from its clock, so they always equal the recorded time of
// the matching change-log event, also for history written by the importer.
type Timestamps struct {
	mixin.Schema
}

// Fields of the Timestamps mixin.
func (Timestamps) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Immutable().
			Comment("When the record was created.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("updated_at").
			Comment("When the record last changed.").
			Annotations(
				entgql.OrderField("UPDATED_AT"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
	}
}

// dateType stores calendar dates as a DATE column in PostgreSQL; SQLite keeps
// its usual text form. In Go a date is always midnight UTC (see catalog.Date).
var dateType = map[string]string{"postgres": "date"}

// dateAnnotation exposes a calendar date as the API's Date scalar (YYYY-MM-DD).
var dateAnnotation = entgql.Type("Date")

// codePattern is the shape of the short, stable codes that outside systems use
// to name organizations, channels and locations: lower case, digits, hyphens.
const codePattern = `^[a-z0-9]+(-[a-z0-9]+)*$`

// MeasurementKey says what a measurement (survey result, contact volume) is
// about: a municipality, a channel, a month or quarter, and optionally one
// product or one organization unit. A measurement without product or unit
// covers the whole channel.
type MeasurementKey struct {
	mixin.Schema
}

// Fields of the MeasurementKey mixin.
func (MeasurementKey) Fields() []ent.Field {
	return []ent.Field{
		field.Int("municipality_id"),
		field.Int("channel_id"),
		field.Int("product_id").
			Optional().
			Nillable().
			Comment("The product measured; empty for the channel as a whole."),
		field.Int("organization_id").
			Optional().
			Nillable().
			Comment("The organization unit measured; empty for the whole municipality."),
		field.Enum("period").
			Values("MONTH", "QUARTER").
			Comment("How long the measured period is."),
		field.Time("period_start").
			SchemaType(dateType).
			Annotations(dateAnnotation).
			Comment("First day of the measured month or quarter."),
	}
}

// Edges of the MeasurementKey mixin.
func (MeasurementKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("municipality", Organization.Type).
			Unique().
			Required().
			Field("municipality_id"),
		edge.To("channel", Channel.Type).
			Unique().
			Required().
			Field("channel_id"),
		edge.To("product", Product.Type).
			Unique().
			Field("product_id"),
		edge.To("organization", Organization.Type).
			Unique().
			Field("organization_id"),
	}
}
