package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/upl"
)

var uplImportCmd = command{
	name:     "upl import",
	synopsis: "FILE",
	brief:    "load the national UPL list (names that left it are kept, marked)",
	args:     "FILE",
	summary:  "load the national Uniforme Productnamenlijst (CSV, one row per legal basis) into the catalogue's UPL names, then print the UPL report; names that left the list are kept and marked",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		municipality := fs.String("municipality", "", "the municipality the report is about (default: the only one)")
		return func(ctx context.Context, e *env) error {
			if len(e.args) != 1 {
				return fmt.Errorf("name the one file to load, e.g. catalogus upl import upl-actueel.csv")
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
			ctx = auth.System(ctx, "upl-import")
			res, err := upl.Import(ctx, db.Client, bufio.NewReader(f))
			if err != nil {
				return fmt.Errorf("%s: %w; nothing was changed", e.args[0], err)
			}
			fmt.Fprintf(e.stdout, "loaded %s: %s\n\n", e.args[0], res)
			err = printUPLReport(ctx, e, db, *municipality)
			var nf *catalog.NotFoundError
			if errors.As(err, &nf) && *municipality == "" {
				// The list is loaded; a catalogue without products yet has nothing to report on.
				fmt.Fprintf(e.stdout, "no UPL report: %s\n", nf.Message)
				return nil
			}
			return err
		}
	},
}

var uplReportCmd = command{
	name:     "upl report",
	synopsis: "",
	brief:    "products without a UPL name or with one that left the list,\nand municipal UPL names no product covers",
	summary:  "list products without a UPL name, products linked to a name that left the list (to review), and municipal UPL names no product covers",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		municipality := fs.String("municipality", "", "the municipality's code (default: the only one)")
		return func(ctx context.Context, e *env) error {
			db, err := openReading(ctx, e)
			if err != nil {
				return err
			}
			defer db.Close()
			return printUPLReport(auth.System(ctx, "upl-report"), e, db, *municipality)
		}
	},
}

func printUPLReport(ctx context.Context, e *env, db *store.DB, municipality string) error {
	rep, err := upl.BuildReport(ctx, db.Client, municipality)
	if err != nil {
		return err
	}
	return rep.Write(e.stdout)
}
