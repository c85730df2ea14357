package changelog

import (
	"context"
	"fmt"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/residenttest"
)

// Tests with residents (internal/readiness): logged like every other record.
// Their events name the product (and the channel tested), so that the log can
// be read by product; the coverage replay, the audit trail and the public
// feed read only product, availability and channel events, so these do not
// reach them.
// They are deleted when recorded by mistake; the log keeps what they were.
func init() {
	tables[gen.TypeResidentTest] = residenttest.Table
	entities[gen.TypeResidentTest] = entitySpec{
		entity:  changeevent.EntityRESIDENT_TEST,
		columns: residenttest.Columns,
		edges:   []string{residenttest.EdgeProduct, residenttest.EdgeChannel},
		describe: func(ctx context.Context, c *gen.Client, v ent.Value, mid *int) (about, error) {
			r, ok := v.(*gen.ResidentTest)
			if !ok {
				return about{}, unexpected(v)
			}
			if mid == nil {
				m, err := c.Product.Query().Where(product.ID(r.ProductID)).Select(product.FieldMunicipalityID).Int(ctx)
				if err != nil {
					return about{}, fmt.Errorf("finding the municipality of product %d: %w", r.ProductID, err)
				}
				mid = &m
			}
			return about{productID: &r.ProductID, channelID: r.ChannelID, municipalityID: mid}, nil
		},
	}
}
