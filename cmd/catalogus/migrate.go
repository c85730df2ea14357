package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/gemeente-rotterdam/catalogus/internal/search"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

var migrateCmd = command{
	name:    "migrate",
	summary: "bring the database schema up to date with this version (also done by serve and seed)",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			db, err := store.Open(ctx, e.databaseURL, store.Options{})
			if err != nil {
				return err
			}
			defer db.Close()
			applied, err := db.Migrate(ctx, e.log)
			if err != nil {
				return err
			}
			// The search index is derived: written again when this binary
			// analyzes text differently from the one that wrote it.
			if did, err := search.Reindex(ctx, db.SQL); err != nil {
				return fmt.Errorf("indexing for search: %w", err)
			} else if did {
				fmt.Fprintf(e.stdout, "%s: search index written (analyzer %s)\n", db.Target.Redacted, search.AnalyzerVersion)
			}
			if len(applied) == 0 {
				fmt.Fprintf(e.stdout, "%s is up to date\n", db.Target.Redacted)
				return nil
			}
			fmt.Fprintf(e.stdout, "%s: applied %d migration(s): %v\n", db.Target.Redacted, len(applied), applied)
			return nil
		}
	},
}
