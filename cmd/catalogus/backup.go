package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/backup"
	"github.com/gemeente-rotterdam/catalogus/internal/exchange/csvfile"
	"github.com/gemeente-rotterdam/catalogus/internal/exchange/csvsheet"
	"github.com/gemeente-rotterdam/catalogus/internal/progress"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/cpsvap"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

var exportCmd = command{
	name:     "export",
	synopsis: "[--format json|csv] [--output FILE]",
	brief:    "write the catalogue and its change log to one JSON file,\nor the products × channels as a CSV sheet for Excel",
	summary:  "write the whole catalogue with its change log to one file, for a backup or a move to another database; with --format csv the products × channels sheet; with --format cpsv-ap the published products in CPSV-AP",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		format := fs.String("format", "json", "file format: json (the backup that catalogus import reads), csv (the products × channels sheet) or cpsv-ap (the published products as CPSV-AP JSON-LD)")
		output := fs.String("output", "-", "file to write; - writes to standard output")
		published := publishedFlags(fs)
		return func(ctx context.Context, e *env) error {
			var export func(context.Context, *ent.Client, io.Writer) error
			switch *format {
			case "json":
				key, err := backupKey()
				if err != nil {
					return err
				}
				export = func(ctx context.Context, c *ent.Client, w io.Writer) error {
					return backup.ExportWith(ctx, c, w, backup.ExportOptions{Key: key})
				}
			case "csv":
				export = func(ctx context.Context, c *ent.Client, w io.Writer) error {
					return csvsheet.Export(auth.System(ctx, "export"), c, w, *published.municipality)
				}
			case cpsvap.Format:
				var err error
				if export, err = published.cpsvap(); err != nil {
					return err
				}
			default:
				return fmt.Errorf("--format %q: the formats are json, csv and %s", *format, cpsvap.Format)
			}
			db, err := openReading(ctx, e)
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
	name:     "import",
	synopsis: "[--dry-run] FILE",
	brief:    "restore a JSON backup into an empty database, or check\n(--dry-run) and apply a CSV sheet, all or nothing",
	args:     "FILE",
	summary:  "restore a JSON backup into an empty database, or apply a CSV sheet of products × channels (all or nothing)",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		dryRun := fs.Bool("dry-run", false, "csv: check the sheet and report every problem, change nothing")
		municipality := fs.String("municipality", "", "csv: the municipality's code (default: the only one)")
		return func(ctx context.Context, e *env) error {
			if len(e.args) != 1 {
				return fmt.Errorf("name the one file to import, e.g. catalogus import backup.json or catalogus import producten.csv")
			}
			f, err := os.Open(e.args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			in := bufio.NewReader(f)
			isJSON, err := looksLikeJSON(e.args[0], in)
			if err != nil {
				return err
			}
			if isJSON && *dryRun {
				return fmt.Errorf("%s is a JSON backup; --dry-run is for CSV sheets (a restore checks the backup whole before it commits)", e.args[0])
			}
			if !isJSON {
				// A sheet changes a catalogue that is there already.
				db, err := openCatalogue(ctx, e)
				if err != nil {
					return err
				}
				defer db.Close()
				return importSheet(ctx, e, db, in, csvsheet.Options{DryRun: *dryRun, Municipality: *municipality})
			}
			return restoreBackup(ctx, e, in)
		}
	},
}

// backupKey reads the key that signs and checks backups (HMAC-SHA-256), if
// the operator set one. It comes from the environment, not a flag, so that it
// stays out of process lists and shell histories.
func backupKey() ([]byte, error) {
	k := os.Getenv("CATALOGUS_BACKUP_KEY")
	if k == "" {
		return nil, nil
	}
	if len(k) < 16 {
		return nil, fmt.Errorf("CATALOGUS_BACKUP_KEY is %d characters long; use 16 or more (e.g. openssl rand -hex 32)", len(k))
	}
	return []byte(k), nil
}

// restoreBackup checks the backup whole, then restores it. The target is
// left as it was when anything fails: a blank database is set up only after
// the file passed its checks, and its tables are dropped again when the
// restore fails; a database with a catalogue schema must be this version's
// and empty, and the restore writes it in one transaction.
func restoreBackup(ctx context.Context, e *env, in io.Reader) error {
	name := e.args[0]
	key, err := backupKey()
	if err != nil {
		return err
	}
	f, err := backup.Read(in, key)
	if err != nil {
		return fmt.Errorf("%s: %w; nothing was changed", name, err)
	}
	if f.Digest == nil {
		e.log.Warn("the backup predates digests (version 5 or older): it is restored without a check of its integrity", "file", name, "version", f.Version)
	}
	target, err := store.ParseURL(e.databaseURL)
	if err != nil {
		return err
	}
	existed := true
	if target.Path != "" {
		if _, err := os.Stat(target.Path); os.IsNotExist(err) {
			existed = false
		}
	}
	db, err := store.Open(ctx, e.databaseURL, store.Options{})
	if err != nil {
		return err
	}
	blank, err := db.Blank(ctx)
	if err != nil {
		db.Close()
		return err
	}
	if !blank {
		if err := db.CheckSchema(ctx); err != nil {
			db.Close()
			return fmt.Errorf("a backup is restored into a blank database or an empty one of this version: %w", err)
		}
	} else {
		db.Close()
		if db, err = openDB(ctx, e, store.Options{}); err != nil {
			return err
		}
	}
	var bar *progress.Bar
	err = backup.RestoreFile(ctx, db.Client, f, backup.Options{Progress: func(done, total int) {
		if bar == nil {
			bar = progress.New(e.stderr, "restoring", total)
		}
		bar.Set(done)
	}})
	if err == nil {
		// The restore writes through the change log, which keeps
		// coverage's rows; counting them again costs little and makes
		// sure.
		if _, err := rebuildCoverage(ctx, db); err != nil {
			db.Close()
			return err
		}
		fmt.Fprintf(e.stdout, "restored %s into %s\n", name, db.Target.Redacted)
		return db.Close()
	}
	if blank {
		if derr := db.DropAll(context.WithoutCancel(ctx)); derr != nil {
			db.Close()
			return fmt.Errorf("%s: %w; the tables set up for it could not be dropped again (%v): drop them by hand before another try", name, err, derr)
		}
	}
	db.Close()
	if !existed {
		for _, name := range []string{target.Path, target.Path + "-wal", target.Path + "-shm", store.LockFile(target.Path)} {
			os.Remove(name)
		}
	}
	return fmt.Errorf("%s: %w; nothing was changed", name, err)
}

// looksLikeJSON tells a backup from a sheet: by the name's extension, else by
// the first character (a backup is a JSON object).
func looksLikeJSON(name string, r *bufio.Reader) (bool, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return true, nil
	case ".csv", ".txt":
		return false, nil
	}
	head, err := r.Peek(64)
	if err != nil && err != io.EOF {
		return false, err
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\uFEFF")), " \t\r\n")
	return len(head) > 0 && head[0] == '{', nil
}

// importSheet applies (or checks) a CSV sheet and prints its report.
func importSheet(ctx context.Context, e *env, db *store.DB, r io.Reader, opts csvsheet.Options) error {
	var bar *progress.Bar
	opts.Progress = func(done, total int) {
		if bar == nil {
			bar = progress.New(e.stderr, "checking and writing rows", total)
		}
		bar.Set(done)
	}
	res, err := csvsheet.Import(auth.System(ctx, "import"), db.Client, r, opts)
	if err != nil {
		return fmt.Errorf("%s: %w; nothing was changed", e.args[0], err)
	}
	summary := fmt.Sprintf("%d rows: %d new products, %d changed, %d unchanged; %d channel cells changed",
		res.Rows, res.Created, res.Changed, res.Unchanged, res.Cells)
	return reportImport(e, db, res.Problems, opts.DryRun, "the sheet", "imported", summary)
}

// reportImport prints what an import of a CSV file found and did: its
// problems by row and cell (then nothing changed), or what a dry run would
// give, or what was written where.
func reportImport(e *env, db *store.DB, problems []csvfile.Problem, dryRun bool, what, done, summary string) error {
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p.String())
	}
	switch {
	case len(problems) > 0:
		return fmt.Errorf("%s: %d problems; nothing was changed", e.args[0], len(problems))
	case dryRun:
		fmt.Fprintf(e.stdout, "dry run, nothing was changed; %s would give %s\n", what, summary)
	default:
		fmt.Fprintf(e.stdout, "%s %s into %s: %s\n", done, e.args[0], db.Target.Redacted, summary)
	}
	return nil
}
