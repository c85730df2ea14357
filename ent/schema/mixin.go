package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
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
