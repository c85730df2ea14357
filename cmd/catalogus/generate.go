package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/progress"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/seed"
)

var generateCmd = command{
	name:     "generate",
	synopsis: "[--municipalities 342] [--seed 1]",
	brief:    "write a national-scale data set into an empty database",
	summary: `write a national-scale data set into an empty database, for measurements: N municipalities shaped
like Rotterdam, each with its products, channels, locations and four years of history
(342 municipalities: about 1.3 million cells and 5 million change-log events)`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		n := fs.Int("municipalities", 342, "how many municipalities")
		s := fs.Uint64("seed", 1, "seed of the data set: the same seed and number give the same data")
		return func(ctx context.Context, e *env) error {
			db, err := openDB(ctx, e, store.Options{})
			if err != nil {
				return err
			}
			defer db.Close()
			var bar *progress.Bar
			began := time.Now()
			rep, err := seed.Generate(ctx, db, seed.GenerateOptions{Municipalities: *n, Seed: *s, Progress: func(done, total int) {
				if bar == nil {
					bar = progress.New(e.stderr, "municipalities", total)
				}
				bar.Set(done)
			}})
			if err != nil {
				return err
			}
			took := time.Since(began)
			fmt.Fprintf(e.stdout, "generated %d municipalities into %s in %s: %d organizations, %d products, %d cells, %d change-log events (%.0f events/s)\n",
				rep.Municipalities, db.Target.Redacted, took.Round(time.Second), rep.Organizations, rep.Products, rep.Cells, rep.Events,
				float64(rep.Events)/took.Seconds())
			return nil
		}
	},
}
