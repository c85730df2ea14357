package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/gemeente-rotterdam/catalogus/internal/progress"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/seed"
)

var seedCmd = command{
	name:     "seed",
	synopsis: "[flags]",
	brief:    "load Rotterdam's 423 products and their history",
	summary:  "load Rotterdam's 423 products, the channels and an illustrative history since 2023 (once: a second load changes nothing)",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			db, err := openDB(ctx, e, store.Options{})
			if err != nil {
				return err
			}
			defer db.Close()
			return loadSeed(ctx, e, db)
		}
	},
}

// loadSeed loads the seed with a progress bar and says what it did.
func loadSeed(ctx context.Context, e *env, db *store.DB) error {
	var bar *progress.Bar
	var rep seed.Report
	err := db.Exclusive(ctx, "seed", func() (err error) {
		rep, err = seed.Load(ctx, db.Client, seed.Options{Progress: func(done, total int) {
			if bar == nil {
				bar = progress.New(e.stderr, "seeding", total)
			}
			bar.Set(done)
		}})
		return err
	})
	if err != nil {
		return err
	}
	if rep.AlreadyLoaded {
		fmt.Fprintf(e.stdout, "the seed is already loaded in %s; nothing changed\n", db.Target.Redacted)
	} else {
		fmt.Fprintf(e.stdout, "seeded %s\n", db.Target.Redacted)
	}
	fmt.Fprintf(e.stdout, "  %d products, %d channels, %d organizations, %d locations, %d availabilities, %d UPL names, %d change-log events\n",
		rep.Products, rep.Channels, rep.Organizations, rep.Locations, rep.Availabilities, rep.UPLEntries, rep.Events)
	return nil
}
