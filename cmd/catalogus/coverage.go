package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

var coverageRebuildCmd = command{
	name:     "coverage rebuild",
	synopsis: "",
	brief:    "recount coverage's rows per product from the tables",
	summary:  "recount coverage's rows per product from the tables and derive the snapshots of the past from the change log again (the change log keeps both with every write; rebuild after writing past it)",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			db, err := store.Open(ctx, e.databaseURL, store.Options{})
			if err != nil {
				return err
			}
			defer db.Close()
			// The rows' table comes with the schema: bring it up to date
			// first, as serve and generate do.
			if _, err := db.Migrate(ctx, e.log); err != nil {
				return err
			}
			n, err := rebuildCoverage(ctx, db)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s: counted the coverage of %d published products\n", db.Target.Redacted, n)
			return nil
		}
	},
}

// rebuildCoverage recounts coverage's rows per product from the tables.
func rebuildCoverage(ctx context.Context, db *store.DB) (int, error) {
	s := &coverage.Service{Client: db.Client, Dialect: db.Target.Dialect}
	n, err := s.Rebuild(ctx, time.Now())
	if err != nil {
		return 0, fmt.Errorf("counting coverage: %w", err)
	}
	return n, nil
}
