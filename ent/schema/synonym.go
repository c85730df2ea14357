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
	"github.com/gemeente-rotterdam/catalogus/internal/search"
)

// Synonym is an entry a municipality adds to search's shared synonym list
// (internal/search/synonyms.txt), in residents' words: terms that mean the
// same (ID-kaart = identiteitskaart), or terms that lead to the word the
// catalogue uses (bankstel, matras → grofvuil). Admins keep them; entries
// are switched off, never deleted, so that their history stays readable.
type Synonym struct {
	ent.Schema
}

// Mixin of Synonym.
func (Synonym) Mixin() []ent.Mixin {
	return []ent.Mixin{Timestamps{}}
}

// Fields of Synonym.
func (Synonym) Fields() []ent.Field {
	return []ent.Field{
		field.Strings("terms").
			Comment("Words or short phrases residents use (at least two when they mean the same; one or more that lead to leadsTo)."),
		field.String("leads_to").
			Optional().
			MaxLen(search.MaxTermLength).
			Comment("The catalogue's word the terms lead to (not back); empty when the terms mean the same."),
		field.Bool("active").
			Default(true).
			Comment("Whether search applies the entry; switched off instead of deleted."),
		field.Int("municipality_id").
			Comment("The municipality whose search applies the entry."),
	}
}

// Edges of Synonym.
func (Synonym) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("municipality", Organization.Type).
			Unique().
			Required().
			Field("municipality_id").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Indexes of Synonym.
func (Synonym) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("municipality_id"),
	}
}

// Annotations of Synonym: admins create and update entries through the API.
func (Synonym) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Hooks of Synonym: its rules, then the change log, then search's version.
func (Synonym) Hooks() []ent.Hook {
	return []ent.Hook{
		synonymRules(),
		changelog.Hook(),
		search.SynonymHook(),
	}
}

// Policy of Synonym: admins of the municipality (internal/auth/rules.go).
func (Synonym) Policy() ent.Policy {
	return auth.MunicipalityPolicy()
}
