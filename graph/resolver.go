package graph

import (
	"context"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	entproduct "github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/change"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/editing"
	"github.com/gemeente-rotterdam/catalogus/internal/knowledge"
	"github.com/gemeente-rotterdam/catalogus/internal/live"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
	"github.com/gemeente-rotterdam/catalogus/internal/readiness"
	"github.com/gemeente-rotterdam/catalogus/internal/search"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/webhook"
)

// Resolver holds what the resolvers share.
type Resolver struct {
	Client          *ent.Client
	CoverageService *coverage.Service
	Editing         *editing.Service
	KnowledgeBase   *knowledge.Service
	// Search ranks products and answers; the knowledge base shares it.
	Search *search.Engine
	// Dialect is the database's, for the few queries written by hand.
	Dialect string
	// Municipality is the code of the default municipality, used where a query
	// names none; empty means "the only one in the database".
	Municipality string
	// SiteURL is the base of the product pages that published documents link
	// to; empty means publish.DefaultSiteURL.
	SiteURL string
	// Live wakes the subscriptions when the catalogue changes; LiveGap is
	// the least time between two answers of one subscription (0: a second).
	Live    *live.Hub
	LiveGap time.Duration
	// liveCoverage: the anonymous coverage streams' answers, shared.
	liveCoverage live.Shared[*coverage.Report]
	// Webhooks manages webhook subscriptions; its allow-list is the
	// server's (none: no callback URL is accepted).
	Webhooks *webhook.Service
	// Readiness holds the readiness checklist's intervals (zero: the
	// defaults, internal/readiness).
	ReadinessSettings readiness.Settings
}

// municipality resolves the municipality a query is about: the one named, or
// the default.
func (r *Resolver) municipality(ctx context.Context, code *string) (*ent.Organization, error) {
	want := r.Municipality
	if code != nil {
		want = *code
	}
	return orgtree.Municipality(ctx, r.Client, want)
}

// inMunicipality narrows a product query to the municipality a query is
// about inside the query itself, so that the hottest reads (a product by
// slug, a page) do not first look the municipality up in a statement of their
// own. It reports false when the municipality is not named (the only one in
// the database is meant) and the query must look it up after all. A query
// narrowed this way that finds nothing calls explainEmpty, because "there is
// no such municipality" is an error and "no such product" is not.
func (r *Resolver) inMunicipality(q *ent.ProductQuery, code *string) bool {
	want := r.Municipality
	if code != nil {
		want = *code
	}
	if want == "" {
		return false
	}
	q.Where(entproduct.HasMunicipalityWith(organization.KindEQ(organization.KindMUNICIPALITY), organization.Code(want)))
	return true
}

// explainEmpty returns the error of a query narrowed by inMunicipality that
// found nothing: none when the municipality exists.
func (r *Resolver) explainEmpty(ctx context.Context, code *string) error {
	_, err := r.municipality(ctx, code)
	return err
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
			field := "first"
			if n == last {
				field = "last"
			}
			return nil, catalog.BadArgument(field, "range", "a page holds 0 to %d items; ask for fewer and page on with the cursor", MaxPageSize)
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
	engine := search.NewEngine(db.Client, db.Target.Dialect)
	return &Resolver{
		Client:          db.Client,
		CoverageService: &coverage.Service{Client: db.Client, Dialect: db.Target.Dialect},
		Editing:         &editing.Service{Client: db.Client, Municipality: municipality},
		KnowledgeBase:   &knowledge.Service{Client: db.Client, Dialect: db.Target.Dialect, Municipality: municipality, Search: engine},
		Search:          engine,
		Webhooks:        &webhook.Service{Client: db.Client},
		Dialect:         db.Target.Dialect,
		Municipality:    municipality,
		Live:            live.New(db.Version, LivePoll),
	}
}

// adminChange runs an admin's change (editing.Service.Admin) and reads what it
// saved again after the commit (change.Reread): an entity made inside the
// transaction would load the edges the caller selects — a location's
// municipality, an organization's parent and children — through the
// committed transaction, and fail after the change was saved.
func adminChange[T any](ctx context.Context, r *Resolver, action string, get func(context.Context, int) (T, error),
	write func(ctx context.Context, tx *ent.Client) (id int, what string, err error)) (T, error) {
	var id int
	err := r.Editing.Admin(ctx, action, func(ctx context.Context, tx *ent.Client) (string, error) {
		var what string
		var err error
		id, what, err = write(ctx, tx)
		return what, err
	})
	if err != nil {
		var none T
		return none, err
	}
	return change.Reread(ctx, id, get)
}

// adminSave is adminChange for the admin's mutations that save one record
// from its input (create and update of channels, organizations, locations
// and targets): key names what was saved for the security log.
func adminSave[T any](ctx context.Context, r *Resolver, action string, get func(context.Context, int) (T, error),
	key func(T) (int, string), save func(ctx context.Context, tx *ent.Client) (T, error)) (T, error) {
	return adminChange(ctx, r, action, get, func(ctx context.Context, tx *ent.Client) (int, string, error) {
		out, err := save(ctx, tx)
		if err != nil {
			return 0, "", err
		}
		id, what := key(out)
		return id, what, nil
	})
}

// What the security log names a saved record by.
func channelKey(c *ent.Channel) (int, string)           { return c.ID, c.Code }
func organizationKey(o *ent.Organization) (int, string) { return o.ID, o.Code }
func locationKey(l *ent.Location) (int, string)         { return l.ID, l.Code }
func targetKey(t *ent.Target) (int, string)             { return t.ID, t.Name }
