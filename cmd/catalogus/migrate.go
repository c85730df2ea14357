package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

var migrateCmd = command{
	name:     "migrate",
	synopsis: "[flags]",
	brief:    "bring the database schema up to date",
	summary:  "bring the database schema up to date with this version (also done by serve and seed)",
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
			notes, err := upkeep(ctx, db)
			for _, note := range notes {
				fmt.Fprintf(e.stdout, "%s: %s\n", db.Target.Redacted, note)
			}
			if err != nil {
				return err
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
