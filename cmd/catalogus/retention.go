package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/retention"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

var retentionCmd = command{
	name:     "retention apply",
	synopsis: "",
	brief:    "replace people's names in the logs and on closed call-back requests\nby pseudonyms after the retention period",
	summary:  "replace the names of people in the change log, the security log and closed call-back requests by pseudonyms after the retention period (serve also does this daily)",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		period := fs.String("older-than", "730d", "retention period: names older than this are replaced (days, e.g. 730d, or a duration)")
		return func(ctx context.Context, e *env) error {
			p, err := retention.ParsePeriod(*period)
			if err != nil {
				return err
			}
			db, err := openCatalogue(ctx, e)
			if err != nil {
				return err
			}
			defer db.Close()
			rep, err := retention.Apply(ctx, db, p, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "names before %s replaced by pseudonyms: %d change-log entries, %d security-log entries, %d call-back requests\n",
				rep.Cutoff.Format(time.DateOnly), rep.ChangeEvents, rep.SecurityEvents, rep.CallbackRequests)
			return nil
		}
	},
}

// keepRetaining applies the retention period now and then daily, until ctx ends.
func keepRetaining(ctx context.Context, e *env, db *store.DB, period time.Duration) {
	for {
		rep, err := retention.Apply(ctx, db, period, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			e.log.Error("applying the retention period", "err", err)
		case err == nil && rep.ChangeEvents+rep.SecurityEvents+rep.CallbackRequests > 0:
			e.log.Info("names past the retention period replaced by pseudonyms",
				"change_events", rep.ChangeEvents, "security_events", rep.SecurityEvents, "callback_requests", rep.CallbackRequests)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(24 * time.Hour):
		}
	}
}
