package changelog

import (
	"context"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage/tally"
)

// keepCoverage notes a change to a product or one of its availabilities, so
// that the product's coverage row (internal/coverage/tally) is rewritten
// when the transaction commits: once per product however many of its cells
// changed. By then the transaction holds the product's row (it updated the
// product or raised its version), so concurrent writers of one product
// rewrite its row one after the other. Channels need nothing: a row holds
// every channel's cell and the reader counts the channels active now.
func keepCoverage(tx *gen.Tx, entity changeevent.Entity, a about) {
	if (entity != changeevent.EntityPRODUCT && entity != changeevent.EntityAVAILABILITY) || a.productID == nil {
		return
	}
	s := state(tx)
	s.mu.Lock()
	if s.products == nil {
		s.products = map[int]bool{}
	}
	s.products[*a.productID] = true
	s.mu.Unlock()
}

// refreshCoverage rewrites the coverage rows of the products the
// transaction changed, in id order, as the transaction's last statements
// before the commit.
func refreshCoverage(ctx context.Context, tx *gen.Tx, products []int) error {
	return tally.Refresh(ctx, tx, products)
}
