package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// ResidentTest records a test of a product, or of one channel of it, with
// residents ("we testen de producten … voordat we ze in gebruik nemen"):
// when, how, with how many people, which groups it reached, what it found
// and what will be done about it. The readiness checklist asks for a test
// within the last months (internal/readiness). Product owners of the
// product's organization keep them, like the product's availability.
type ResidentTest struct {
	ent.Schema
}

// Mixin of ResidentTest.
func (ResidentTest) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of ResidentTest.
func (ResidentTest) Fields() []ent.Field {
	return []ent.Field{
		field.Int("product_id").
			Immutable().
			Comment("The product tested."),
		field.Int("channel_id").
			Optional().
			Nillable().
			Comment("The one channel tested; empty when the test was of the product as a whole."),
		field.Time("tested_on").
			SchemaType(dateType).
			Annotations(dateAnnotation).
			Comment("The day of the test (the last day, for a test over several days)."),
		field.Enum("method").
			Values("INTERVIEW", "USABILITY_TEST", "SURVEY").
			Comment("INTERVIEW: talks with residents. USABILITY_TEST: residents use the product while we watch. SURVEY: a questionnaire."),
		field.Int("participants").
			Positive().
			Comment("How many residents took part."),
		field.JSON("groups", []catalog.ResidentGroup{}).
			Optional().
			Annotations(entgql.Type("[ResidentGroup!]")).
			Comment("The groups the test reached: young people, residents with limited digital skills, residents who have difficulty with language."),
		field.Text("findings").
			Optional().
			Comment("What the test found, in a few sentences."),
		field.JSON("follow_ups", []catalog.FollowUp{}).
			Optional().
			Annotations(entgql.Type("[FollowUp!]")).
			Comment("What will be done about the findings: the action, who does it (a team or role) and by when."),
	}
}

// Edges of ResidentTest.
func (ResidentTest) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("product", Product.Type).Unique().Required().Immutable().Field("product_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("channel", Channel.Type).Unique().Field("channel_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Indexes of ResidentTest: a product's tests, newest first; the list of
// products due for a test reads each product's last one.
func (ResidentTest) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("product_id", "tested_on"),
	}
}

// Annotations of ResidentTest: written through the API's own mutations
// (graph/residents.graphql), read through the product.
func (ResidentTest) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Hooks of ResidentTest: its rules, then the change log.
func (ResidentTest) Hooks() []ent.Hook {
	return []ent.Hook{
		residentTestRules(),
		changelog.Hook(),
	}
}

// Policy of ResidentTest: they follow their product, like availability
// (internal/auth/residenttest.go).
func (ResidentTest) Policy() ent.Policy {
	return auth.ResidentTestPolicy()
}
