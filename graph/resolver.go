package graph

import (
	"context"
	"fmt"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// Resolver holds what the resolvers share.
type Resolver struct {
	Client          *ent.Client
	CoverageService *coverage.Service
	// Municipality is the code of the default municipality, used where a query
	// names none; empty means "the only one in the database".
	Municipality string
}

// ErrUnknownMunicipality is returned for a municipality code that is not a root.
type ErrUnknownMunicipality struct{ Code string }

func (e ErrUnknownMunicipality) Error() string {
	return fmt.Sprintf("there is no municipality with code %q", e.Code)
}

// municipality resolves the municipality a query is about: the one named, or
// the default.
func (r *Resolver) municipality(ctx context.Context, code *string) (*ent.Organization, error) {
	want := r.Municipality
	if code != nil {
		want = *code
	}
	q := r.Client.Organization.Query().Where(organization.KindEQ(organization.KindMUNICIPALITY))
	if want != "" {
		m, err := q.Where(organization.Code(want)).Only(ctx)
		if ent.IsNotFound(err) {
			return nil, ErrUnknownMunicipality{Code: want}
		}
		return m, err
	}
	roots, err := q.Limit(2).All(ctx)
	switch {
	case err != nil:
		return nil, err
	case len(roots) == 1:
		return roots[0], nil
	case len(roots) == 0:
		return nil, fmt.Errorf("the catalogue holds no municipality yet")
	}
	return nil, fmt.Errorf("the catalogue holds several municipalities; name one with the municipality argument")
}

// Page sizes of connections: a default when the caller asks for none, and a
// maximum, so that nobody pulls every row at once.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// pageSize applies the page-size rules to first/last and returns first.
func pageSize(first, last *int) (*int, error) {
	for _, n := range []*int{first, last} {
		if n != nil && (*n < 0 || *n > MaxPageSize) {
			return nil, fmt.Errorf("a page holds 0 to %d items; ask for fewer and page on with the cursor", MaxPageSize)
		}
	}
	if first == nil && last == nil {
		n := DefaultPageSize
		return &n, nil
	}
	return first, nil
}

// NewResolver returns the resolvers for a database and default municipality.
func NewResolver(db *store.DB, municipality string) *Resolver {
	return &Resolver{
		Client:          db.Client,
		CoverageService: &coverage.Service{Client: db.Client, Dialect: db.Target.Dialect},
		Municipality:    municipality,
	}
}
