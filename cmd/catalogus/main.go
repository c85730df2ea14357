// Command catalogus runs the product and service catalogue of a municipality,
// with per contact channel whether and how each product can be requested.
//
//	catalogus serve     run the GraphQL API (and GraphiQL) over HTTP
//	catalogus migrate   bring the database schema up to date
//	catalogus seed      load Rotterdam's 423 products and their history
//	catalogus export    write the catalogue and its change log to a backup file, or a CSV sheet
//	catalogus import    restore a backup file into an empty database, or apply a CSV sheet
//
// Every subcommand takes --database (or CATALOGUS_DATABASE_URL):
// postgres://… for PostgreSQL, sqlite:PATH for an SQLite file; the default is
// the SQLite file ./catalogus.db.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/editing"
	"github.com/gemeente-rotterdam/catalogus/internal/search"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// usage is the overview `catalogus help` prints, made from the command
// table so that a new command cannot be left out of it.
func usage() string {
	var b strings.Builder
	b.WriteString(`catalogus: the product and service catalogue, with per contact channel whether
and how residents can use each product.

Usage:
`)
	line := func(head, brief string) {
		const column = 30 // where the briefs start
		if len(head) < column {
			b.WriteString(head + strings.Repeat(" ", column-len(head)))
		} else {
			b.WriteString(head + "\n" + strings.Repeat(" ", column))
		}
		b.WriteString(strings.ReplaceAll(brief, "\n", "\n"+strings.Repeat(" ", column)) + "\n")
	}
	for _, c := range commands {
		line(strings.TrimRight("  catalogus "+c.name+" "+c.synopsis, " "), c.brief)
	}
	line("  catalogus help [command]", "explain a command and its flags")
	b.WriteString(`
Every command takes --database URL (env CATALOGUS_DATABASE_URL):
  postgres://user@host:5432/name?sslmode=disable   PostgreSQL
  sqlite:PATH                                      an SQLite file
The default is sqlite:catalogus.db in the current folder.
`)
	return b.String()
}

// command is one subcommand.
type command struct {
	name, summary string
	// synopsis (its arguments and main flags) and brief (a line or two)
	// are what the overview of all commands says of it.
	synopsis, brief string
	// args names the positional arguments the command takes, for its usage
	// line; a command without it takes none.
	args  string
	flags func(fs *flag.FlagSet) func(ctx context.Context, env *env) error
}

// commands, in the order the overview (usage) lists them.
var commands = []command{serveCmd, migrateCmd, seedCmd, reportCmd, exportCmd, importCmd, loadtestCmd, generateCmd,
	tokenCreateCmd, tokenListCmd, tokenRevokeCmd, uplImportCmd, uplReportCmd, measurementsImportCmd, coverageRebuildCmd, retentionCmd,
	webhooksListCmd, webhooksDeliveriesCmd, webhooksDeadCmd, webhooksRedeliverCmd}

// env is what every command gets: its output, its logger, the common flags
// and its positional arguments.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
	databaseURL    string
	args           []string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, usage())
		return 2
	}
	name := args[0]
	if (name == "token" || name == "retention" || name == "upl" || name == "measurements" || name == "coverage" || name == "webhooks") && len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		// Two-word commands: token create|list|revoke, retention apply, upl import|report, measurements import, coverage rebuild, webhooks list|deliveries|dead|redeliver.
		name, args = name+" "+args[1], append([]string{name + " " + args[1]}, args[2:]...)
	}
	if name == "help" {
		if len(args) > 1 {
			return run(ctx, []string{args[1], "-h"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage())
		return 0
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		fs := flag.NewFlagSet("catalogus "+c.name, flag.ContinueOnError)
		fs.SetOutput(stderr)
		e := &env{stdout: stdout, stderr: stderr}
		fs.StringVar(&e.databaseURL, "database", envOr("CATALOGUS_DATABASE_URL", store.DefaultURL),
			"database URL: postgres://… or sqlite:PATH (env CATALOGUS_DATABASE_URL)")
		logLevel := fs.String("log-level", envOr("CATALOGUS_LOG_LEVEL", "info"), "log level: debug, info, warn or error (env CATALOGUS_LOG_LEVEL)")
		logFormat := fs.String("log-format", envOr("CATALOGUS_LOG_FORMAT", "text"), "log format: text or json (env CATALOGUS_LOG_FORMAT)")
		fs.Usage = func() {
			fmt.Fprintf(stderr, "catalogus %s [flags] %s\n\n%s\n\nFlags:\n", c.name, c.args, c.summary)
			fs.PrintDefaults()
		}
		runCmd := c.flags(fs)
		positional, err := parseAnywhere(fs, args[1:])
		if err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if len(positional) > 0 && c.args == "" {
			fmt.Fprintf(stderr, "catalogus %s: unexpected argument %q\n", c.name, positional[0])
			return 2
		}
		e.args = positional
		if e.log, err = newLogger(stderr, *logLevel, *logFormat); err != nil {
			fmt.Fprintf(stderr, "catalogus %s: %v\n", c.name, err)
			return 2
		}
		if err := runCmd(ctx, e); err != nil {
			fmt.Fprintf(stderr, "catalogus %s: %v\n", c.name, err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "catalogus: unknown command %q\n\n%s", name, usage())
	return 2
}

// parseAnywhere parses the flags before, between and after the positional
// arguments (catalogus import FILE --database URL), which the flag package
// alone stops reading at the first argument. After "--" everything is
// positional, so a file named like a flag can still be given.
func parseAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// openDB opens and migrates the database named by the flags: for the
// commands that set a catalogue up (serve, seed, generate, the restore of a
// backup), which may start from an empty database.
func openDB(ctx context.Context, e *env, opts store.Options) (*store.DB, error) {
	db, err := store.Open(ctx, e.databaseURL, opts)
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx, e.log)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrating %s: %w", db.Target.Redacted, err)
	}
	if len(applied) > 0 {
		e.log.Info("database schema brought up to date", "database", db.Target.Redacted, "migrations", len(applied))
	}
	notes, err := upkeep(ctx, db)
	for _, note := range notes {
		e.log.Info(note)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// upkeep brings the data up to date with this binary after migrating, for
// serve, seed and migrate alike: processing times once stored in weeks are
// rewritten in days, and the search index, which is derived, is written again
// when this binary analyzes text differently from the one that wrote it. It
// returns what it did, in words.
func upkeep(ctx context.Context, db *store.DB) (notes []string, err error) {
	// Under the seed's lock: on a blank database another process may be
	// loading the seed, and reindexing beside its import deadlocks with it
	// on the search and coverage rows both write.
	err = db.Exclusive(ctx, "seed", func() (err error) {
		notes, err = upkeepUnlocked(ctx, db)
		return err
	})
	return notes, err
}

func upkeepUnlocked(ctx context.Context, db *store.DB) (notes []string, err error) {
	n, err := editing.DaysNotWeeks(ctx, db.Client)
	if err != nil {
		return nil, fmt.Errorf("writing processing times in days: %w", err)
	}
	if n > 0 {
		notes = append(notes, fmt.Sprintf("%d processing time(s) stored in weeks rewritten in days", n))
	}
	start := time.Now()
	did, err := search.Reindex(ctx, db.SQL)
	if err != nil {
		return notes, fmt.Errorf("indexing %s for search: %w", db.Target.Redacted, err)
	}
	if did {
		notes = append(notes, fmt.Sprintf("search index written (analyzer %s) in %s", search.AnalyzerVersion, time.Since(start).Round(time.Millisecond)))
	}
	return notes, nil
}

// openCatalogue opens the database named by the flags for a command that
// changes a catalogue which must be there already (imports, tokens,
// retention): it checks the schema before it changes anything, and migrates
// nothing.
func openCatalogue(ctx context.Context, e *env) (*store.DB, error) {
	// Checked through a read-only connection first: opening SQLite for
	// writing switches the file to WAL, which would change someone else's.
	db, err := openReading(ctx, e)
	if err != nil {
		return nil, err
	}
	db.Close()
	return store.Open(ctx, e.databaseURL, store.Options{Existing: true})
}

// openReading opens the database named by the flags for a command that only
// reads (report, export, upl report, token list): read-only, never migrated,
// and refused with a word on what to run when it holds no catalogue of this
// version, so that a typo or someone else's database is left as it was.
func openReading(ctx context.Context, e *env) (*store.DB, error) {
	db, err := store.Open(ctx, e.databaseURL, store.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
