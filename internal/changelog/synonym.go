package changelog

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/synonym"
)

// Search's synonyms that admins add for their municipality (internal/search):
// logged like every other record, so that who added or changed an entry, and
// when, stays readable.
func init() {
	entities[gen.TypeSynonym] = entitySpec{
		entity:   changeevent.EntitySYNONYM,
		columns:  synonym.Columns,
		edges:    []string{synonym.EdgeMunicipality},
		noDelete: "synonyms are switched off (active: false), not deleted, so that their history stays readable",
		describe: func(_ context.Context, _ *gen.Client, v ent.Value, _ *int) (about, error) {
			s, ok := v.(*gen.Synonym)
			if !ok {
				return about{}, unexpected(v)
			}
			state := "ACTIVE"
			if !s.Active {
				state = "INACTIVE"
			}
			return about{municipalityID: &s.MunicipalityID, state: &state}, nil
		},
	}
}
