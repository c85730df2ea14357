package rules

import (
	"context"
	"fmt"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/hook"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/search"
)

// Synonym: the entry must be one search can use, and belong to a
// municipality (the root of the organization tree).
func Synonym() ent.Hook {
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
