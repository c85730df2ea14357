package editing

import (
	"context"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// DaysNotWeeks rewrites processing times stored in weeks (P2W) as days
// (P14D), the form xsd:duration and so CPSV-AP allow. Values are written in
// days since the API normalises them; older databases (and restored backups)
// may still hold weeks. The rewrite goes through the hooks in one
// transaction, so the change log records it as the system's change on the
// day it happened rather than pretending the value was always in days. It
// returns how many cells changed; a second run changes nothing.
func DaysNotWeeks(ctx context.Context, c *ent.Client) (int, error) {
	ctx = auth.System(ctx, "processing times in days")
	weeks, err := c.Availability.Query().Where(availability.ProcessingTimeContains("W")).All(ctx)
	if err != nil || len(weeks) == 0 {
		return 0, err
	}
	n := 0
	err = txn.Run(ctx, c, func(tx *ent.Client) error {
		for _, a := range weeks {
			days := catalog.InDays(*a.ProcessingTime)
			if days == *a.ProcessingTime {
				continue // not a duration: left for a person to correct
			}
			if err := tx.Availability.UpdateOneID(a.ID).SetProcessingTime(days).Exec(ctx); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
