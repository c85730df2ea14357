package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
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
	// Checksum is the SHA-256 of the file in hex; the database records it
	// when it applies the file, and refuses to go on when the two differ.
	Checksum string
}

// File is the migration's path under the migrations folder, as the messages
// and released.sum name it (e.g. sqlite/20261128190000_init.sql).
func (m Migration) File(d string) string {
	return path.Join(strings.TrimPrefix(MigrationDir(d), "migrations/"), m.Version+".sql")
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
		sum := sha256.Sum256(b)
		out = append(out, Migration{Version: strings.TrimSuffix(e.Name(), ".sql"), SQL: string(b), Checksum: hex.EncodeToString(sum[:])})
	}
	slices.SortFunc(out, func(a, b Migration) int { return strings.Compare(a.Version, b.Version) })
	return out, nil
}

// Migrate applies the migrations the database has not had yet and returns
// their versions. Two processes migrating at once do not race: PostgreSQL
// holds an advisory lock for the run, SQLite's immediate transactions take the
// write lock. Before it applies anything it checks the database's history
// against this binary's files (see checkHistory): a database migrated by a
// newer binary, a released file that changed, or a missing row is refused.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) ([]string, error) {
	all, err := MigrationsFor(db.Target.Dialect)
	if err != nil {
		return nil, err
	}
	if err := checkReleased(db.Target.Dialect, all); err != nil {
		return nil, err
	}
	unlock, err := db.fileLock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return migrate(ctx, db.SQL, db.Target.Dialect, log, all, nil)
}

// MigrateTo is Migrate, stopping after the given version; for upgrade tests.
func (db *DB) MigrateTo(ctx context.Context, version string, log *slog.Logger) ([]string, error) {
	all, err := MigrationsFor(db.Target.Dialect)
	if err != nil {
		return nil, err
	}
	if err := checkReleased(db.Target.Dialect, all); err != nil {
		return nil, err
	}
	unlock, err := db.fileLock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return migrate(ctx, db.SQL, db.Target.Dialect, log, all, &version)
}

func migrate(ctx context.Context, db *sql.DB, d string, log *slog.Logger, all []Migration, upTo *string) ([]string, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	ph := "?"
	if d == dialect.Postgres {
		ph = "$1"
		unlock, err := advisoryLock(ctx, conn, "migrate")
		if err != nil {
			return nil, fmt.Errorf("taking the migration lock: %w", err)
		}
		defer unlock()
	}
	if err := bookkeeping(ctx, conn, d); err != nil {
		return nil, err
	}
	done, err := appliedRows(ctx, conn)
	if err != nil {
		return nil, err
	}
	if done, err = upgradeRenamed(ctx, conn, d, done, log); err != nil {
		return nil, err
	}
	if err := checkHistory(d, done, all); err != nil {
		return nil, err
	}
	if err := recordChecksums(ctx, conn, d, done, all); err != nil {
		return nil, err
	}
	had := map[string]bool{}
	for _, r := range done {
		had[r.version] = true
	}
	var applied []string
	for _, m := range all {
		if had[m.Version] {
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

// Exclusive runs fn while no other process runs an Exclusive of the same
// purpose on this database: the seed, so that several instances started at
// once on an empty database bring up one seed. PostgreSQL holds an advisory
// lock for it, as for migrating; SQLite the lock file that migrating takes
// too (fileLock), and fn asks again under its transaction's write lock
// whether its work is done.
func (db *DB) Exclusive(ctx context.Context, purpose string, fn func() error) error {
	if db.Target.Dialect != dialect.Postgres {
		unlock, err := db.fileLock(ctx)
		if err != nil {
			return err
		}
		defer unlock()
		return fn()
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	unlock, err := advisoryLock(ctx, conn, purpose)
	if err != nil {
		return fmt.Errorf("taking the %s lock: %w", purpose, err)
	}
	defer unlock()
	return fn()
}

// LockFile names the file next to an SQLite database that migrating and
// seeding lock, so that a second process waits for the first however long it
// takes, instead of giving up after SQLite's busy timeout.
func LockFile(path string) string { return path + ".lock" }

// fileLock takes the SQLite database's lock file; PostgreSQL's locks are
// advisory locks instead.
func (db *DB) fileLock(ctx context.Context) (func(), error) {
	if db.Target.Dialect != dialect.SQLite || db.Target.Path == "" {
		return func() {}, nil
	}
	unlock, err := lockFile(ctx, LockFile(db.Target.Path))
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", LockFile(db.Target.Path), err)
	}
	return unlock, nil
}

// advisoryLock takes PostgreSQL's session lock of the given purpose on conn
// and returns its release. One lock per schema, so that tests working in
// their own schemas in parallel do not wait for each other.
func advisoryLock(ctx context.Context, conn *sql.Conn, purpose string) (func(), error) {
	key := "'catalogus." + purpose + ".' || current_schema()"
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(hashtext("+key+"))"); err != nil {
		return nil, err
	}
	return func() {
		conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtext("+key+"))")
	}, nil
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
	ph2 := "?"
	if d == dialect.Postgres {
		ph2 = "$2"
	}
	ins := "INSERT INTO " + migrationsTable + " (version, applied_at, checksum) VALUES (" + ph + ", CURRENT_TIMESTAMP, " + ph2 + ")"
	if _, err := tx.ExecContext(ctx, ins, m.Version, m.Checksum); err != nil {
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

// Pending lists the migrations the database has not had yet.
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	all, err := MigrationsFor(db.Target.Dialect)
	if err != nil {
		return nil, err
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	had := map[string]bool{}
	if ok, err := tableExists(ctx, conn, db.Target.Dialect, migrationsTable); err != nil {
		return nil, err
	} else if ok {
		done, err := appliedRows(ctx, conn)
		if err != nil {
			return nil, err
		}
		for _, r := range done {
			had[r.version] = true
		}
	}
	out := []string{}
	for _, m := range all {
		if !had[m.Version] {
			out = append(out, m.Version)
		}
	}
	return out, nil
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
	if err := checkReleased(db.Target.Dialect, all); err != nil {
		return err
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	ok, err := tableExists(ctx, conn, db.Target.Dialect, migrationsTable)
	if err != nil {
		return fmt.Errorf("reading the schema of %s: %w", db.Target.Redacted, err)
	}
	if !ok {
		return fmt.Errorf("%s holds no catalogue: run `catalogus migrate` to create an empty one there, or `catalogus seed` to load the seed; nothing was changed", db.Target.Redacted)
	}
	done, err := appliedRows(ctx, conn)
	if err != nil {
		return fmt.Errorf("reading the schema of %s: %w", db.Target.Redacted, err)
	}
	for _, r := range done {
		if _, ok := renamedMigrations[r.version]; ok {
			return fmt.Errorf("the catalogue in %s was set up by an early version of catalogus (migration %s): run `catalogus migrate` first; nothing was changed", db.Target.Redacted, r.version)
		}
	}
	if err := checkHistory(db.Target.Dialect, done, all); err != nil {
		return err
	}
	had := map[string]bool{}
	for _, r := range done {
		had[r.version] = true
	}
	var pending []string
	for _, m := range all {
		if !had[m.Version] {
			pending = append(pending, m.Version)
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("the catalogue in %s has an older schema than this version of catalogus (%d migrations to apply, the first %s): run `catalogus migrate` first; nothing was changed",
			db.Target.Redacted, len(pending), pending[0])
	}
	return nil
}
