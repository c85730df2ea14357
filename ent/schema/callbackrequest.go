package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// CallbackRequest (terugbelverzoek) records that a resident asked a question
// the answer base could not answer: a colleague on any channel files it, and
// it lands in the queue of the organization that owns the product. The
// resident's contact details are kept only while the request is open: closing
// it removes them in the same transaction, and the change log never holds
// them, so that what remains are the counts (AVG).
type CallbackRequest struct {
	ent.Schema
}

// Mixin of CallbackRequest.
func (CallbackRequest) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of CallbackRequest.
func (CallbackRequest) Fields() []ent.Field {
	return []ent.Field{
		field.String("question").
			NotEmpty().
			MaxLen(500).
			Comment("The resident's question, in general words and without personal details: it stays after closing."),
		field.Enum("status").
			Values("OPEN", "ASSIGNED", "CLOSED").
			Default("OPEN").
			Comment("OPEN: waiting in the owner's queue. ASSIGNED: a colleague is on it. CLOSED: handled; contact details removed."),
		field.String("contact_name").
			Optional().
			Nillable().
			MaxLen(200).
			Comment("Who to call back; removed when the request is closed."),
		field.String("contact").
			Optional().
			Nillable().
			MaxLen(200).
			Comment("A phone number or e-mail address to answer on; removed when the request is closed."),
		field.String("assignee").
			Optional().
			Nillable().
			MaxLen(200).
			Comment("The colleague handling the request."),
		field.Time("closed_at").
			Optional().
			Nillable().
			Comment("When the request was handled."),
		field.String("requested_by").
			Immutable().
			Comment("Who filed the request (the actor), set by a hook; they can follow it up."),
		field.Int("product_id").
			Immutable().
			Comment("The product the question is about."),
		field.Int("channel_id").
			Immutable().
			Comment("The channel the question came in through."),
		field.Int("reply_channel_id").
			Comment("The channel the resident prefers the answer on."),
		field.Int("organization_id").
			Comment("The organization whose queue the request is in: the product's owner, set by a hook."),
		field.Int("municipality_id").
			Comment("The municipality of the product, set by a hook."),
		field.Int("answer_id").
			Optional().
			Nillable().
			Comment("The answer that settled the request, when one was written or found."),
	}
}

// Edges of CallbackRequest.
func (CallbackRequest) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("product", Product.Type).Unique().Required().Immutable().Field("product_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("channel", Channel.Type).Unique().Required().Immutable().Field("channel_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("reply_channel", Channel.Type).Unique().Required().Field("reply_channel_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("organization", Organization.Type).Unique().Required().Field("organization_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("municipality", Organization.Type).Unique().Required().Field("municipality_id").
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("answer", Answer.Type).Unique().Field("answer_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Indexes of CallbackRequest: the queue reads by organization and status.
func (CallbackRequest) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id", "status"),
		index.Fields("municipality_id", "status"),
	}
}

// Annotations of CallbackRequest.
func (CallbackRequest) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
	}
}

// Hooks of CallbackRequest: its rules, then the change log.
func (CallbackRequest) Hooks() []ent.Hook {
	return []ent.Hook{
		callbackRules(),
		changelog.Hook(),
	}
}

// Policy of CallbackRequest: see internal/auth/knowledge.go.
func (CallbackRequest) Policy() ent.Policy {
	return auth.CallbackRequestPolicy()
}
