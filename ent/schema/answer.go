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
	"github.com/gemeente-rotterdam/catalogus/internal/search"
)

// Answer is one entry of the question-and-answer base (vraag-antwoord
// database) that every channel shares: the question as residents ask it, the
// answer in plain Dutch, and per channel a variant worded for it (a phone
// script for 14010, a chat reply, …). It belongs to one or more products and
// is kept by the organization that owns it, which reviews it at least once per
// review interval. Public answers may be shown to residents; internal ones are
// for colleagues only.
type Answer struct {
	ent.Schema
}

// Mixin of Answer.
func (Answer) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of Answer.
func (Answer) Fields() []ent.Field {
	return []ent.Field{
		field.String("question").
			NotEmpty().
			MaxLen(500).
			Comment("The question as residents ask it: Ik ben mijn paspoort kwijt, wat moet ik doen?"),
		field.Text("text").
			NotEmpty().
			Comment("The answer in plain Dutch (B1), the same on every channel."),
		field.JSON("variants", []catalog.AnswerVariant{}).
			Optional().
			Annotations(entgql.Type("[AnswerVariant!]"), entgql.Skip(entgql.SkipWhereInput)).
			Comment("Per channel the answer worded for it; a variant may leave facts out but never states other costs, durations, web addresses or phone numbers than the main answer."),
		field.Enum("visibility").
			Values("PUBLIC", "INTERNAL").
			Default("PUBLIC").
			Comment("PUBLIC: may be shown to residents. INTERNAL: for colleagues only (werkinstructie)."),
		field.Enum("status").
			Values("DRAFT", "PUBLISHED", "ARCHIVED").
			Default("DRAFT").
			Comment("DRAFT: being written. PUBLISHED: in use on every channel. ARCHIVED: no longer in use."),
		field.Strings("keywords").
			Optional().
			Annotations(entgql.Skip(entgql.SkipWhereInput)).
			Comment("Other words residents use for this question (kwijt, verloren, gestolen); search finds them too."),
		field.Time("last_reviewed").
			SchemaType(dateType).
			Annotations(dateAnnotation).
			Comment("When the owner last checked that the answer is still right."),
		field.Int("review_interval_days").
			Default(365).
			Positive().
			Max(3650).
			Comment("How often the answer must be reviewed, in days; after that it is overdue and no longer current."),
		field.Int("owner_id").
			Comment("The organization that keeps the answer."),
		field.Int("municipality_id").
			Comment("The municipality the answer belongs to: the root above its owner, kept in step by a hook."),
		field.Int("version").
			Default(1).
			Comment("Goes up by one with every change to the answer; editors send the version they saw so that nobody overwrites a colleague's newer wording unseen."),
	}
}

// Edges of Answer.
func (Answer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("owner", Organization.Type).
			Unique().
			Required().
			Field("owner_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("municipality", Organization.Type).
			Unique().
			Required().
			Field("municipality_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("products", Product.Type).
			Annotations(entgql.Skip(entgql.SkipWhereInput)).
			Comment("The products the answer is about (one or more)."),
	}
}

// Indexes of Answer.
func (Answer) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("municipality_id", "status"),
		index.Fields("owner_id"),
	}
}

// Annotations of Answer.
func (Answer) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
	}
}

// Hooks of Answer: its rules, then the change log, then the search index.
func (Answer) Hooks() []ent.Hook {
	return []ent.Hook{
		answerRules(),
		changelog.Hook(),
		search.IndexHook(),
	}
}

// Policy of Answer: see internal/auth/knowledge.go.
func (Answer) Policy() ent.Policy {
	return auth.AnswerPolicy()
}
