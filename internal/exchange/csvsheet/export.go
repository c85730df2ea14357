package csvsheet

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// Export writes the products of a municipality ("" = the only one) as a
// sheet: UTF-8 with a byte order mark, semicolons, CRLF line ends, one row
// per product in slug order, every channel in its sort order.
func Export(ctx context.Context, c *ent.Client, w io.Writer, municipality string) error {
	m, err := orgtree.Municipality(ctx, c, municipality)
	if err != nil {
		return err
	}
	channels, err := c.Channel.Query().Order(ent.Asc(channel.FieldSortOrder), ent.Asc(channel.FieldCode)).All(ctx)
	if err != nil {
		return err
	}
	products, err := c.Product.Query().Where(product.MunicipalityID(m.ID)).Order(ent.Asc(product.FieldSlug)).
		WithOwner().WithUplEntry().WithAvailabilities().All(ctx)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = separator
	cw.UseCRLF = true
	header := append([]string{}, productColumns...)
	for _, ch := range channels {
		header = append(header, ch.Code, ch.Code+reasonSuffix)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, p := range products {
		audiences := make([]string, len(p.Audiences))
		for i, a := range p.Audiences {
			audiences[i] = string(a)
		}
		upl := ""
		if p.Edges.UplEntry != nil {
			upl = p.Edges.UplEntry.URI
		}
		row := []string{p.Slug, escapeFormula(p.Name), escapeFormula(p.Theme), strings.Join(audiences, "|"),
			p.Edges.Owner.Code, p.Status.String(), upl, escapeFormula(p.Summary), strconv.Itoa(p.Version)}
		cells := map[int]*ent.Availability{}
		for _, a := range p.Edges.Availabilities {
			cells[a.ChannelID] = a
		}
		for _, ch := range channels {
			a, ok := cells[ch.ID]
			if !ok {
				row = append(row, "", "")
				continue
			}
			row = append(row, statusCell(a), escapeFormula(deref(a.Reason)))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// statusCell writes a cell's status, PLANNED with its date in ISO form
// (which Excel leaves alone inside text).
func statusCell(a *ent.Availability) string {
	if a.Status == availability.StatusPLANNED && a.PlannedDate != nil {
		return a.Status.String() + " " + a.PlannedDate.Format(time.DateOnly)
	}
	return a.Status.String()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
