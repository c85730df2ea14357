package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/backup"
	"github.com/gemeente-rotterdam/catalogus/internal/progress"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/cpsvap"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

var exportCmd = command{
	name:    "export",
	summary: "write the whole catalogue with its change log to one file, for a backup or a move to another database; or, with --format cpsv-ap, the published products in CPSV-AP",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		format := fs.String("format", "json", "file format: json (the backup that catalogus import reads) or cpsv-ap (the published products as CPSV-AP JSON-LD)")
		output := fs.String("output", "-", "file to write; - writes to standard output")
		published := publishedFlags(fs)
		return func(ctx context.Context, e *env) error {
			var export func(context.Context, *ent.Client, io.Writer) error
			switch *format {
			case "json":
				export = backup.Export
			case cpsvap.Format:
				var err error
				if export, err = published.cpsvap(); err != nil {
					return err
				}
			default:
				return fmt.Errorf("--format %q: the formats are json and %s", *format, cpsvap.Format)
			}
			db, err := openDB(ctx, e, store.Options{})
			if err != nil {
				return err
			}
			defer db.Close()
			if *output == "-" {
				w := bufio.NewWriter(e.stdout)
				if err := export(ctx, db.Client, w); err != nil {
					return err
				}
				return w.Flush()
			}
			return writeAtomically(*output, func(w *bufio.Writer) error { return export(ctx, db.Client, w) })
		}
	},
}

// writeAtomically writes a file next to its final name and renames it into
// place, so that a failed export never leaves half a backup under the name.
func writeAtomically(name string, write func(*bufio.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if err := write(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

var importCmd = command{
	name:    "import",
	args:    "FILE",
	summary: "restore a file that catalogus export wrote into an empty database (all or nothing)",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			if len(e.args) != 1 {
				return fmt.Errorf("name the one file to import, e.g. catalogus import backup.json")
			}
			f, err := os.Open(e.args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			db, err := openDB(ctx, e, store.Options{})
			if err != nil {
				return err
			}
			defer db.Close()
			var bar *progress.Bar
			err = backup.Restore(ctx, db.Client, bufio.NewReader(f), backup.Options{Progress: func(done, total int) {
				if bar == nil {
					bar = progress.New(e.stderr, "restoring", total)
				}
				bar.Set(done)
			}})
			if err != nil {
				return fmt.Errorf("%s: %w; nothing was changed", e.args[0], err)
			}
			fmt.Fprintf(e.stdout, "restored %s into %s\n", e.args[0], db.Target.Redacted)
			return nil
		}
	},
}
