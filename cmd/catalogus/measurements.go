package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/exchange/measurecsv"
)

var measurementsImportCmd = command{
	name:     "measurements import",
	synopsis: "[--dry-run] FILE",
	brief:    "record survey results and contact volumes from a CSV file",
	args:     "FILE",
	summary:  "check (--dry-run) and record a CSV file of survey results and contact volumes per period and channel (columns in docs/satisfaction.md), all or nothing",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		dryRun := fs.Bool("dry-run", false, "check every row and report what would change, without changing anything")
		municipality := fs.String("municipality", "", "the municipality the figures are for (default: the only one)")
		return func(ctx context.Context, e *env) error {
			if len(e.args) != 1 {
				return fmt.Errorf("name the one file to read, e.g. catalogus measurements import enquete-2026-10.csv")
			}
			f, err := os.Open(e.args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			db, err := openCatalogue(ctx, e)
			if err != nil {
				return err
			}
			defer db.Close()
			res, err := measurecsv.Import(auth.System(ctx, "measurements-import"), db.Client, f,
				measurecsv.Options{DryRun: *dryRun, Municipality: *municipality})
			if err != nil {
				return fmt.Errorf("%s: %w; nothing was changed", e.args[0], err)
			}
			summary := fmt.Sprintf("%d rows: %d measurements new, %d changed, %d unchanged", res.Rows, res.Created, res.Changed, res.Unchanged)
			return reportImport(e, db, res.Problems, *dryRun, "the file", "recorded", summary)
		}
	},
}
