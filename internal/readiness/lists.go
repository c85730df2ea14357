package readiness

import (
	"context"
	"slices"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/residenttest"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// DueFilter says which products to list as due for a test with residents.
type DueFilter struct {
	Municipality int
	// Owners, when set, narrows the list to products owned by these units.
	Owners []int
	// Months: due when the last test lies further back than this (or there
	// was none).
	Months int
	// Limit is the most products listed.
	Limit int
}

// DueProduct is a product due for a test with residents.
type DueProduct struct {
	Product *ent.Product
	// LastTested is the day of its newest test, nil when it was never tested.
	LastTested *time.Time
}

// Due lists the products that are not retired, visible to the caller, and
// not tested with residents within the months: never tested first, then the
// longest ago, each by name.
func Due(ctx context.Context, c *ent.Client, f DueFilter) ([]DueProduct, error) {
	q := c.Product.Query().Where(product.MunicipalityID(f.Municipality), product.StatusNEQ(product.StatusRETIRED))
	if f.Owners != nil {
		q.Where(product.OwnerIDIn(f.Owners...))
	}
	ps, err := q.Order(product.ByName(), product.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	tests, err := c.ResidentTest.Query().Where(residenttest.HasProductWith(product.MunicipalityID(f.Municipality))).
		Select(residenttest.FieldProductID, residenttest.FieldTestedOn).All(auth.Allow(ctx))
	if err != nil {
		return nil, err
	}
	last := map[int]time.Time{}
	for _, t := range tests {
		if t.TestedOn.After(last[t.ProductID]) {
			last[t.ProductID] = t.TestedOn
		}
	}
	from := since(catalog.DateOf(changelog.ClientNow(ctx, c)), f.Months)
	var out []DueProduct
	for _, p := range ps {
		t, ok := last[p.ID]
		switch {
		case !ok:
			out = append(out, DueProduct{Product: p})
		case catalog.DateOf(t).Before(from):
			out = append(out, DueProduct{Product: p, LastTested: &t})
		}
	}
	// Stable: the products came by name.
	slices.SortStableFunc(out, func(a, b DueProduct) int {
		switch {
		case a.LastTested == nil && b.LastTested == nil:
			return 0
		case a.LastTested == nil:
			return -1
		case b.LastTested == nil:
			return 1
		}
		return a.LastTested.Compare(*b.LastTested)
	})
	if f.Limit >= 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// ClusterShare is how many of a cluster's published products are ready.
type ClusterShare struct {
	// Cluster is the unit: a cluster, or for products owned by the
	// municipality itself, the municipality.
	Organization     *ent.Organization
	Published, Ready int
}

// ByCluster counts the published products of a municipality and the ready
// ones among them, per cluster (the unit of kind CLUSTER above each
// product's owner), in the clusters' order by name. Published products are
// public, so every caller gets the same counts.
func ByCluster(ctx context.Context, c *ent.Client, municipality int, s Settings) ([]ClusterShare, error) {
	orgs, err := c.Organization.Query().All(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int]*ent.Organization{}
	for _, o := range orgs {
		byID[o.ID] = o
	}
	clusterOf := func(id int) *ent.Organization {
		o := byID[id]
		for depth := 0; o != nil && depth < 64; depth++ {
			if o.Kind == organization.KindCLUSTER || o.Kind == organization.KindMUNICIPALITY || o.ParentID == nil {
				return o
			}
			o = byID[*o.ParentID]
		}
		return o
	}
	ps, err := c.Product.Query().Where(product.MunicipalityID(municipality), product.StatusEQ(product.StatusPUBLISHED)).All(ctx)
	if err != nil {
		return nil, err
	}
	facts, err := Load(ctx, c, ps)
	if err != nil {
		return nil, err
	}
	shares := map[int]*ClusterShare{}
	for _, p := range ps {
		cl := clusterOf(p.OwnerID)
		if cl == nil {
			continue
		}
		sh := shares[cl.ID]
		if sh == nil {
			sh = &ClusterShare{Organization: cl}
			shares[cl.ID] = sh
		}
		sh.Published++
		if Evaluate(facts[p.ID], s).Ready {
			sh.Ready++
		}
	}
	out := make([]ClusterShare, 0, len(shares))
	for _, sh := range shares {
		out = append(out, *sh)
	}
	slices.SortFunc(out, func(a, b ClusterShare) int {
		if a.Organization.Name != b.Organization.Name {
			if a.Organization.Name < b.Organization.Name {
				return -1
			}
			return 1
		}
		return a.Organization.ID - b.Organization.ID
	})
	return out, nil
}

// Share is Ready / Published.
func (s ClusterShare) Share() float64 {
	if s.Published == 0 {
		return 0
	}
	return float64(s.Ready) / float64(s.Published)
}
