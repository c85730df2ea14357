package upl

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/uplentry"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// placeholder is the list's own stand-in for "no name yet": municipal by
// its flags, but nothing a product can cover. The published feed names it for
// every product without a UPL name.
const placeholder = catalog.UPLPlaceholderURI

// Report is how a municipality's products relate to the list. Retired
// products are left out: they are no longer offered.
type Report struct {
	Municipality string
	// Unlinked are products without a UPL name: linked to none, or to the
	// list's placeholder, which is what the Samenwerkende Catalogi feed then
	// names for them.
	Unlinked []Product
	// Withdrawn are products linked to a name that left the list: someone
	// should choose another name for them.
	Withdrawn []Product
	// Uncovered are the municipal names on the list (Gemeente) that no
	// product of the municipality is linked to.
	Uncovered []*ent.UPLEntry
	// Linked counts the products with a name still on the list.
	Linked int
}

// Product is a product as the report names it.
type Product struct {
	Slug, Name, Owner string
	// UPL is the name it is linked to, for Withdrawn.
	UPL *ent.UPLEntry
}

// BuildReport reports on the municipality ("" = the only one).
func BuildReport(ctx context.Context, c *ent.Client, municipality string) (*Report, error) {
	m, err := orgtree.Municipality(ctx, c, municipality)
	if err != nil {
		return nil, err
	}
	ps, err := c.Product.Query().
		Where(product.MunicipalityID(m.ID), product.StatusNEQ(product.StatusRETIRED)).
		Order(ent.Asc(product.FieldSlug)).WithOwner().WithUplEntry().All(ctx)
	if err != nil {
		return nil, err
	}
	r := &Report{Municipality: m.Code}
	covered := map[int]bool{}
	for _, p := range ps {
		rp := Product{Slug: p.Slug, Name: p.Name, Owner: p.Edges.Owner.Code, UPL: p.Edges.UplEntry}
		switch e := p.Edges.UplEntry; {
		case e == nil || e.URI == placeholder:
			r.Unlinked = append(r.Unlinked, rp)
		case !e.InList:
			r.Withdrawn = append(r.Withdrawn, rp)
		default:
			r.Linked++
			covered[e.ID] = true
		}
	}
	municipal, err := c.UPLEntry.Query().
		Where(uplentry.Municipal(true), uplentry.InList(true), uplentry.URINEQ(placeholder)).
		Order(ent.Asc(uplentry.FieldName)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range municipal {
		if !covered[e.ID] {
			r.Uncovered = append(r.Uncovered, e)
		}
	}
	return r, nil
}

// Write prints the report for a terminal or a file.
func (r *Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "UPL report for %s: %d products linked to a name on the list, %d without a UPL name, %d linked to a name that left the list; %d municipal names not covered\n",
		r.Municipality, r.Linked, len(r.Unlinked), len(r.Withdrawn), len(r.Uncovered))
	if len(r.Withdrawn) > 0 {
		fmt.Fprintf(&b, "\nTo review: linked to a name that left the list (%d)\n", len(r.Withdrawn))
		for _, p := range r.Withdrawn {
			fmt.Fprintf(&b, "  %-40s %-20s %q (%s)\n", p.Slug, p.Owner, p.UPL.Name, p.UPL.URI)
		}
	}
	if len(r.Unlinked) > 0 {
		fmt.Fprintf(&b, "\nWithout a UPL name, so published as %q (%d)\n", catalog.UPLPlaceholderName, len(r.Unlinked))
		for _, p := range r.Unlinked {
			fmt.Fprintf(&b, "  %-40s %-20s %s\n", p.Slug, p.Owner, p.Name)
		}
	}
	if len(r.Uncovered) > 0 {
		fmt.Fprintf(&b, "\nMunicipal names no product covers (%d)\n", len(r.Uncovered))
		for _, e := range r.Uncovered {
			fmt.Fprintf(&b, "  %-50s %s\n", e.Name, e.URI)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
