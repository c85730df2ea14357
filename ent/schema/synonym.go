package schema

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/hook"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
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

// synonymRules: the entry must be one search can use, and belong to a
// municipality (the root of the organization tree).
func synonymRules() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.SynonymFunc(func(ctx context.Context, m *gen.SynonymMutation) (ent.Value, error) {
			terms, err := value[[]string](ctx, m, "terms")
			if err != nil {
				return nil, err
			}
			leadsTo, err := str(ctx, m, "leads_to")
			if err != nil {
				return nil, err
			}
			s := search.Synonym{LeadsTo: leadsTo}
			if terms != nil {
				s.Terms = cleanKeywords(*terms)
			}
			if err := s.Check(); err != nil {
				field := "terms"
				if leadsTo != "" && (search.Synonym{Terms: []string{"x"}, LeadsTo: leadsTo}).Check() != nil {
					field = "leadsTo"
				}
				return nil, &catalog.FieldError{Entity: "synonym", Field: field, Code: "invalid", Message: err.Error()}
			}
			if _, set := m.Terms(); set {
				m.SetTerms(s.Terms)
			}
			if mid, ok := m.MunicipalityID(); ok {
				kind, err := m.Client().Organization.Query().Where(organization.ID(mid)).Select(organization.FieldKind).String(auth.Allow(ctx))
				if err != nil || kind != organization.KindMUNICIPALITY.String() {
					return nil, &catalog.FieldError{Entity: "synonym", Field: "municipalityID", Code: "not_municipality",
						Message: fmt.Sprintf("organization %d is not a municipality: synonyms belong to a municipality", mid)}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}
