package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// ContactVolume is how often residents used one channel in one month or
// quarter, optionally for one product or one organization unit, as the
// contact centre or a case system counts it: contacts (every call, chat,
// visit or e-mail) and, where known, requests (aanvragen actually made).
// Digital take-up is the share of requests made through digital channels.
type ContactVolume struct {
	ent.Schema
}

// Mixin of ContactVolume.
func (ContactVolume) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}, MeasurementKey{}}
}

// Fields of ContactVolume.
func (ContactVolume) Fields() []ent.Field {
	return []ent.Field{
		field.Int("contacts").
			NonNegative().
			Comment("Contacts through the channel: calls, chats, visits, messages."),
		field.Int("requests").
			Optional().
			Nillable().
			NonNegative().
			Comment("Requests (aanvragen) made through the channel; empty when the source does not count them."),
	}
}

// Indexes of ContactVolume: reports read a municipality's volumes by period.
func (ContactVolume) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("municipality_id", "period_start"),
	}
}

// Annotations of ContactVolume: the API has its own types for volumes.
func (ContactVolume) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Hooks of ContactVolume: its rules, then the change log.
func (ContactVolume) Hooks() []ent.Hook {
	return []ent.Hook{
		measurementRules(),
		changelog.Hook(),
	}
}

// Policy of ContactVolume: public figures, changed by the municipality's admins.
func (ContactVolume) Policy() ent.Policy {
	return auth.MunicipalityPolicy()
}
