package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
	"github.com/gemeente-rotterdam/catalogus/internal/satisfaction"
)

// satisfactionFilter turns the API's codes into a satisfaction filter; the
// product is looked up as the caller may see it.
func (r *Resolver) satisfactionFilter(ctx context.Context, municipality, ch, org, slug *string) (satisfaction.Filter, error) {
	m, err := r.municipality(ctx, municipality)
	if err != nil {
		return satisfaction.Filter{}, err
	}
	f := satisfaction.Filter{Municipality: m.ID}
	if ch != nil {
		ids, err := r.channelIDs(ctx, []string{*ch})
		if err != nil {
			return f, err
		}
		f.Channel = &ids[0]
	}
	if org != nil {
		id, err := r.organizationIn(ctx, m, org)
		if err != nil {
			return f, err
		}
		if f.Organization, err = orgtree.Subtree(ctx, r.Client, *id); err != nil {
			return f, err
		}
	}
	if slug != nil {
		p, err := r.productIn(ctx, m, *slug)
		if err != nil {
			return f, err
		}
		f.Product = &p.ID
	}
	return f, nil
}

// productIn finds a product of the municipality by slug, as the caller sees it.
func (r *Resolver) productIn(ctx context.Context, m *ent.Organization, slug string) (*ent.Product, error) {
	p, err := r.Client.Product.Query().Where(product.MunicipalityID(m.ID), product.Slug(slug)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, catalog.NotFound("product", "there is no product %q in municipality %q", slug, m.Code)
	}
	return p, err
}

// measurementKey resolves a key input; the product is looked up as the
// caller may see it.
func (r *Resolver) measurementKey(ctx context.Context, in *MeasurementKeyInput) (satisfaction.Key, error) {
	if in == nil {
		return satisfaction.Key{}, catalog.BadArgument("key", "required", "name what the measurement is about")
	}
	m, err := r.municipality(ctx, in.Municipality)
	if err != nil {
		return satisfaction.Key{}, err
	}
	k := satisfaction.Key{Municipality: m.ID, Period: string(in.Period), Start: in.PeriodStart}
	ids, err := r.channelIDs(ctx, []string{in.Channel})
	if err != nil {
		return k, err
	}
	k.Channel = ids[0]
	if in.Product != nil {
		p, err := r.productIn(ctx, m, *in.Product)
		if err != nil {
			return k, err
		}
		k.Product = &p.ID
	}
	k.Organization, err = r.organizationIn(ctx, m, in.Organization)
	return k, err
}

// describeKey says in words what a measurement is about, for the security log.
func describeKey(in *MeasurementKeyInput) string {
	s := fmt.Sprintf("%s %s from %s", in.Channel, in.Period, in.PeriodStart.Format(time.DateOnly))
	if in.Product != nil {
		s += " product " + *in.Product
	}
	if in.Organization != nil {
		s += " unit " + *in.Organization
	}
	return s
}

func orZero(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}
