// Package publish reads what the catalogue publishes in open standards
// (schema.org, CPSV-AP, Samenwerkende Catalogi): the published products of a
// municipality with their owner, UPL name and the availability on each active
// channel. The formats live in the packages below it; this one decides what
// they may show.
//
// Published documents are public, whoever asks for them: every read here runs
// as an anonymous viewer through the ordinary privacy policies, so drafts,
// retired products and inactive channels never reach a document, not even
// when an editor or the command line asks.
package publish

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// DefaultSiteURL is where Rotterdam's product pages live: a product's page is
// the site URL followed by its slug.
const DefaultSiteURL = "https://www.rotterdam.nl/"

// OWMSTerms is the namespace of the OWMS value lists (catalog.OWMSTerms).
const OWMSTerms = catalog.OWMSTerms

// The UPL list's entry for a product without a uniform name (catalog's).
const (
	UPLPlaceholderURI  = catalog.UPLPlaceholderURI
	UPLPlaceholderName = catalog.UPLPlaceholderName
)

// OnUPLPlaceholder reports whether the product has no real UPL name: it is
// linked to none, or to the list's placeholder.
func OnUPLPlaceholder(p *ent.Product) bool {
	return p.Edges.UplEntry == nil || p.Edges.UplEntry.URI == UPLPlaceholderURI
}

// ErrNotPublished is returned for a product that is not published (or does
// not exist): the documents do not tell the two apart.
var ErrNotPublished = errors.New("no such published product")

// Source reads the published catalogue.
type Source struct {
	Client *ent.Client
	// SiteURL is the base of the product pages; empty means DefaultSiteURL.
	SiteURL string
}

// Catalogue is the published part of one municipality's catalogue. Each
// product carries its owner, UPL entry and availabilities (each with its
// channel and locations), in a stable order.
type Catalogue struct {
	Municipality *ent.Organization
	Products     []*ent.Product
	siteURL      string
}

// public is a context with the parent's deadline and cancellation but none
// of its values: no viewer and no privacy decision (not even the Allow of the
// command line's System context), so the policies treat the read as the
// public's.
type public struct{ context.Context }

func (public) Value(any) any { return nil }

// anonymous returns ctx as an anonymous caller's.
func anonymous(ctx context.Context) context.Context { return public{ctx} }

// Catalogue returns the published products of the municipality (its code;
// empty for the only one), in slug order.
func (s Source) Catalogue(ctx context.Context, municipality string) (*Catalogue, error) {
	ctx = anonymous(ctx)
	m, err := orgtree.Municipality(ctx, s.Client, municipality)
	if err != nil {
		return nil, err
	}
	ps, err := s.query(s.Client.Product.Query().Where(product.MunicipalityID(m.ID))).
		Order(ent.Asc(product.FieldSlug)).All(ctx)
	if err != nil {
		return nil, err
	}
	return s.catalogue(m, ps), nil
}

// Product returns the catalogue holding only the published product with the
// slug, or ErrNotPublished.
func (s Source) Product(ctx context.Context, municipality, slug string) (*Catalogue, error) {
	ctx = anonymous(ctx)
	m, err := orgtree.Municipality(ctx, s.Client, municipality)
	if err != nil {
		return nil, err
	}
	p, err := s.query(s.Client.Product.Query().Where(product.MunicipalityID(m.ID), product.Slug(slug))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNotPublished
	}
	if err != nil {
		return nil, err
	}
	return s.catalogue(m, []*ent.Product{p}), nil
}

// ProductByID is Product for a product's id.
func (s Source) ProductByID(ctx context.Context, id int) (*Catalogue, error) {
	ctx = anonymous(ctx)
	p, err := s.query(s.Client.Product.Query().Where(product.ID(id))).WithMunicipality().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNotPublished
	}
	if err != nil {
		return nil, err
	}
	return s.catalogue(p.Edges.Municipality, []*ent.Product{p}), nil
}

// query loads what the documents show. It adds no filter of its own: the
// privacy policies, reading an anonymous context, keep out unpublished
// products and inactive channels, the same rule the API follows.
func (s Source) query(q *ent.ProductQuery) *ent.ProductQuery {
	return q.WithOwner().
		WithUplEntry().
		WithAvailabilities(func(aq *ent.AvailabilityQuery) { aq.WithChannel().WithLocations() })
}

func (s Source) catalogue(m *ent.Organization, ps []*ent.Product) *Catalogue {
	for _, p := range ps {
		slices.SortFunc(p.Edges.Availabilities, func(a, b *ent.Availability) int {
			ca, cb := a.Edges.Channel, b.Edges.Channel
			if ca.SortOrder != cb.SortOrder {
				return ca.SortOrder - cb.SortOrder
			}
			return strings.Compare(ca.Code, cb.Code)
		})
		for _, a := range p.Edges.Availabilities {
			slices.SortFunc(a.Edges.Locations, func(x, y *ent.Location) int { return strings.Compare(x.Code, y.Code) })
		}
	}
	site := s.SiteURL
	if site == "" {
		site = DefaultSiteURL
	}
	if !strings.HasSuffix(site, "/") {
		site += "/"
	}
	return &Catalogue{Municipality: m, Products: ps, siteURL: site}
}

// PageURL is the address of the product's public page.
func (k *Catalogue) PageURL(p *ent.Product) string { return k.siteURL + p.Slug }

// PlaceName is the municipality's name without "Gemeente": Rotterdam.
func (k *Catalogue) PlaceName() string {
	return strings.TrimSpace(strings.TrimPrefix(k.Municipality.Name, "Gemeente "))
}

// OWMSURI is the municipality's identifier on the OWMS list of
// municipalities, e.g. http://standaarden.overheid.nl/owms/terms/Rotterdam
// (spaces become underscores, as the list writes them).
func (k *Catalogue) OWMSURI() string {
	return OWMSTerms + strings.ReplaceAll(k.PlaceName(), " ", "_")
}

// Doelgroep is the audience's value on the OWMS Doelgroep list, which knows
// residents (particulier) and businesses (ondernemer); organizations such as
// associations are addressed as ondernemers there.
func Doelgroep(a catalog.Audience) string {
	if a == catalog.AudienceResident {
		return "particulier"
	}
	return "ondernemer"
}

// Doelgroepen returns the product's audiences on the OWMS Doelgroep list,
// each once, residents first.
func Doelgroepen(p *ent.Product) []string {
	var out []string
	for _, a := range catalog.Audiences {
		if slices.Contains(p.Audiences, a) && !slices.Contains(out, Doelgroep(a)) {
			out = append(out, Doelgroep(a))
		}
	}
	return out
}

// Available returns the product's availabilities that are AVAILABLE: the
// channels through which it can be requested today.
func Available(p *ent.Product) []*ent.Availability {
	var out []*ent.Availability
	for _, a := range p.Edges.Availabilities {
		if a.Status == availability.StatusAVAILABLE {
			out = append(out, a)
		}
	}
	return out
}

// Modified is the calendar date (Amsterdam) of the product's last change,
// its availability included.
func Modified(p *ent.Product) time.Time {
	t := p.UpdatedAt
	for _, a := range p.Edges.Availabilities {
		if a.UpdatedAt.After(t) {
			t = a.UpdatedAt
		}
	}
	return catalog.DateOf(t)
}

// Description is the product's longest text: the description, else the
// summary, else its name (the standards require one).
func Description(p *ent.Product) string {
	for _, s := range []string{p.Description, p.Summary} {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return p.Name
}

// Summary is the product's short text: the summary, else the description,
// else its name.
func Summary(p *ent.Product) string {
	for _, s := range []string{p.Summary, p.Description} {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return p.Name
}
