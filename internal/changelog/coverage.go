package changelog

import (
	"context"
	"maps"
	"slices"
	"time"

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

// invalidateSnapshots drops, in the transaction, the snapshots of the past
// of each municipality whose events it recorded at pinned moments (the
// history importer, the restore), from the first such moment on: they no
// longer hold what the log gives at their moments. Channels (0) are in no
// snapshot. The next build (at the end of the import, or a rebuild) derives
// them again.
func invalidateSnapshots(ctx context.Context, tx *gen.Tx, past map[int]time.Time) error {
	for _, m := range slices.Sorted(maps.Keys(past)) {
		if m == 0 {
			continue
		}
		if err := tally.Invalidate(ctx, tx, isPostgres(tx), m, past[m]); err != nil {
			return err
		}
	}
	return nil
}

// BuildSnapshots derives the missing snapshots of the past from the log in
// a transaction of its own (see tally.BuildSnapshots).
func BuildSnapshots(ctx context.Context, c *gen.Client, now time.Time) (int, error) {
	tx, err := c.Tx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := tally.BuildSnapshots(ctx, tx, isPostgres(tx), nil, now)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}
