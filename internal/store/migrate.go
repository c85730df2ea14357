package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"
)

// Migrations holds the versioned migration files, one folder per dialect
// (postgres, sqlite). Ent's migrate package writes them from the schema (see
// cmd/newmigration and docs/architecture.md); each file is applied once, in
// name order, in its own transaction.
//
//go:embed migrations
var Migrations embed.FS

// extras holds hand-written, idempotent SQL per dialect for what the planner
// does not know (the search index's tables, FTS5). It runs after the migrations, every time,
// so that objects a migration rebuilt (SQLite drops a table's triggers when it
// copies the table) come back.
//
//go:embed extras
var extras embed.FS

// migrationsTable records which migrations a database has had.
const migrationsTable = "catalogus_schema_migrations"

// MigrationDir returns the embedded folder for a dialect.
func MigrationDir(d string) string {
	if d == dialect.Postgres {
		return "migrations/postgres"
	}
	return "migrations/sqlite"
}

// Migration is one versioned migration file.
type Migration struct {
	Version string // file name without .sql, e.g. 20261128190000_init
	SQL     string
}

// MigrationsFor lists the embedded migrations of a dialect in order.
func MigrationsFor(d string) ([]Migration, error) {
	dir := MigrationDir(d)
	entries, err := fs.ReadDir(Migrations, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(Migrations, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: strings.TrimSuffix(e.Name(), ".sql"), SQL: string(b)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return strings.Compare(a.Version, b.Version) })
	return out, nil
}

// Migrate applies the migrations the database has not had yet and returns
// their versions. Two processes migrating at once do not race: PostgreSQL
// holds an advisory lock for the run, SQLite's immediate transactions take the
// write lock. A database migrated by a newer binary is refused.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) ([]string, error) {
	return migrate(ctx, db.SQL, db.Target.Dialect, log, nil)
}

// MigrateTo is Migrate, stopping after the given version; for upgrade tests.
func (db *DB) MigrateTo(ctx context.Context, version string, log *slog.Logger) ([]string, error) {
	return migrate(ctx, db.SQL, db.Target.Dialect, log, &version)
}

func migrate(ctx context.Context, db *sql.DB, d string, log *slog.Logger, upTo *string) ([]string, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	all, err := MigrationsFor(d)
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	ph := "?"
	if d == dialect.Postgres {
		ph = "$1"
		// One lock per schema, so that tests migrating their own schemas in
		// parallel do not wait for each other.
		const lock = "SELECT pg_advisory_lock(hashtext('catalogus.migrate.' || current_schema()))"
		if _, err := conn.ExecContext(ctx, lock); err != nil {
			return nil, fmt.Errorf("taking the migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx),
			"SELECT pg_advisory_unlock(hashtext('catalogus.migrate.' || current_schema()))")
	}
	create := "CREATE TABLE IF NOT EXISTS " + migrationsTable + " (version TEXT PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return nil, fmt.Errorf("creating %s: %w", migrationsTable, err)
	}
	done, err := appliedVersions(ctx, conn)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, m := range all {
		known[m.Version] = true
	}
	if err := newer(done, known); err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range all {
		if slices.Contains(done, m.Version) {
			continue
		}
		start := time.Now()
		did, err := applyOne(ctx, conn, d, m, ph)
		if err != nil {
			return applied, err
		}
		if did {
			applied = append(applied, m.Version)
			log.Info("applied migration", "version", m.Version, "took", time.Since(start).Round(time.Millisecond))
		}
		if upTo != nil && m.Version == *upTo {
			return applied, nil
		}
	}
	return applied, applyExtras(ctx, conn, d)
}

// applyExtras runs the dialect's extras in one transaction; on SQLite it fills
// the search index when it was just created.
func applyExtras(ctx context.Context, conn *sql.Conn, d string) error {
	name := "extras/sqlite.sql"
	if d == dialect.Postgres {
		name = "extras/postgres.sql"
	}
	b, err := fs.ReadFile(extras, name)
	if err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var fresh []string
	if d == dialect.SQLite {
		for _, index := range []string{"search_fts"} {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE name = $1", index).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				fresh = append(fresh, index)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, string(b)); err != nil {
		return fmt.Errorf("applying %s: %w", name, err)
	}
	for _, index := range fresh {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+index+" ("+index+") VALUES ('rebuild')"); err != nil {
			return fmt.Errorf("filling the search index %s: %w", index, err)
		}
	}
	return tx.Commit()
}

// applyOne applies one migration unless another process just did; it
// reports whether it applied it.
func applyOne(ctx context.Context, conn *sql.Conn, d string, m Migration, ph string) (bool, error) {
	if d == dialect.SQLite {
		// SQLite changes a table by copying it; with foreign keys enforced the
		// drop of the old table would cascade. The pragma has no effect inside a
		// transaction, so it is switched off around it, and the keys are checked
		// before the commit instead.
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return false, err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	// Checked again inside the transaction: another process may have applied it
	// between our read and our write lock (SQLite).
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+migrationsTable+" WHERE version = "+ph, m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("migration %s failed, nothing of it was applied: %w", m.Version, err)
	}
	if d == dialect.SQLite {
		if err := checkForeignKeys(ctx, tx); err != nil {
			return false, fmt.Errorf("migration %s would break references, nothing of it was applied: %w", m.Version, err)
		}
	}
	ins := "INSERT INTO " + migrationsTable + " (version, applied_at) VALUES (" + ph + ", CURRENT_TIMESTAMP)"
	if _, err := tx.ExecContext(ctx, ins, m.Version); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.Version, err)
	}
	return true, nil
}

// checkForeignKeys reports rows whose references point nowhere (SQLite).
func checkForeignKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		return fmt.Errorf("a row of %s refers to a missing row of %s", table, parent)
	}
	return rows.Err()
}

func appliedVersions(ctx context.Context, conn *sql.Conn) ([]string, error) {
	rows, err := conn.QueryContext(ctx, "SELECT version FROM "+migrationsTable+" ORDER BY version")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Pending lists the migrations the database has not had yet.
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	all, err := MigrationsFor(db.Target.Dialect)
	if err != nil {
		return nil, err
	}
	var n int
	err = db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+migrationsTable).Scan(&n)
	if err != nil {
		// No bookkeeping table: nothing applied.
		out := make([]string, 0, len(all))
		for _, m := range all {
			out = append(out, m.Version)
		}
		return out, nil
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	done, err := appliedVersions(ctx, conn)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range all {
		if !slices.Contains(done, m.Version) {
			out = append(out, m.Version)
		}
	}
	return out, nil
}

// newer refuses a database that had a migration this binary does not know.
func newer(done []string, known map[string]bool) error {
	for _, v := range done {
		if !known[v] {
			return fmt.Errorf("the database has migration %s, which this version of catalogus does not know: it was migrated by a newer version; run that version instead", v)
		}
	}
	return nil
}

// CheckSchema makes sure the database holds a catalogue whose schema is
// exactly this binary's, for the commands that do not migrate: those that
// only read, and those that change a catalogue that is there already. It
// only reads, so a database that is empty or someone else's is left as it
// was; the error says which command sets it up.
func (db *DB) CheckSchema(ctx context.Context) error {
	all, err := MigrationsFor(db.Target.Dialect)
	if err != nil {
		return err
	}
	exists := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + migrationsTable + "'"
	if db.Target.Dialect == dialect.Postgres {
		exists = "SELECT COUNT(*) FROM (SELECT to_regclass('" + migrationsTable + "') AS t) r WHERE t IS NOT NULL"
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return fmt.Errorf("reading the schema of %s: %w", db.Target.Redacted, err)
	}
	if n == 0 {
		return fmt.Errorf("%s holds no catalogue: run `catalogus migrate` to create an empty one there, or `catalogus seed` to load the seed; nothing was changed", db.Target.Redacted)
	}
	done, err := appliedVersions(ctx, conn)
	if err != nil {
		return fmt.Errorf("reading the schema of %s: %w", db.Target.Redacted, err)
	}
	known := map[string]bool{}
	for _, m := range all {
		known[m.Version] = true
	}
	if err := newer(done, known); err != nil {
		return err
	}
	var pending []string
	for _, m := range all {
		if !slices.Contains(done, m.Version) {
			pending = append(pending, m.Version)
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("the catalogue in %s has an older schema than this version of catalogus (%d migrations to apply, the first %s): run `catalogus migrate` first; nothing was changed",
			db.Target.Redacted, len(pending), pending[0])
	}
	return nil
}
