package store

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"

	"entgo.io/ent/dialect"
)

// A released migration is one a published binary has applied somewhere: its
// file must never change again, or databases that had it and databases that
// get it now would differ without anyone knowing. Three guards hold that:
//
//   - migrations/released.sum lists every released file with its SHA-256;
//     a test fails when a listed file differs, and this binary refuses to
//     migrate with one (checkReleased);
//   - the database records the SHA-256 of each file it applied, and migrate,
//     serve and the reading commands refuse when the file they carry differs
//     (checkHistory);
//   - a database whose history has a hole, or a name this binary does not
//     know, is refused as well: a missing row would make the runner apply a
//     migration a second time.

// releasedSum names the list of released migration files.
const releasedSum = "migrations/released.sum"

// renamedFile is a released migration that was renamed afterwards, and the
// statements that bring a database migrated with the old file to what the
// new file gives.
type renamedFile struct {
	to  string
	fix map[string]string // by dialect
}

// renamedMigrations: the first release's init migration lacked
// change_events.other_language; the file got the column and a new name
// instead of a migration of its own.
var renamedMigrations = map[string]renamedFile{
	"20261128182015_init": {to: "20261128184427_init", fix: initFix},
}

var initFix = map[string]string{
	dialect.SQLite:   "ALTER TABLE `change_events` ADD COLUMN `other_language` bool NULL",
	dialect.Postgres: `ALTER TABLE "change_events" ADD COLUMN "other_language" boolean NULL`,
}

// appliedRow is one row of the migrations table; checksum is empty for rows
// written before checksums were recorded.
type appliedRow struct{ version, checksum string }

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func tableExists(ctx context.Context, q querier, d, table string) (bool, error) {
	query := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'"
	if d == dialect.Postgres {
		query = "SELECT COUNT(*) FROM (SELECT to_regclass('" + table + "') AS t) r WHERE t IS NOT NULL"
	}
	var n int
	err := q.QueryRowContext(ctx, query).Scan(&n)
	return n > 0, err
}

func columnExists(ctx context.Context, q querier, d, table, column string) (bool, error) {
	query := "SELECT COUNT(*) FROM pragma_table_info('" + table + "') WHERE name = '" + column + "'"
	if d == dialect.Postgres {
		query = "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '" + table + "' AND column_name = '" + column + "'"
	}
	var n int
	err := q.QueryRowContext(ctx, query).Scan(&n)
	return n > 0, err
}

// bookkeeping creates the migrations table, or gives one written by an
// earlier binary its checksum column.
func bookkeeping(ctx context.Context, conn *sql.Conn, d string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	create := "CREATE TABLE IF NOT EXISTS " + migrationsTable + " (version TEXT PRIMARY KEY, applied_at TIMESTAMP NOT NULL, checksum TEXT NOT NULL DEFAULT '')"
	if _, err := tx.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("creating %s: %w", migrationsTable, err)
	}
	has, err := columnExists(ctx, tx, d, migrationsTable, "checksum")
	if err != nil {
		return err
	}
	if !has {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+migrationsTable+" ADD COLUMN checksum TEXT NOT NULL DEFAULT ''"); err != nil {
			return fmt.Errorf("adding checksums to %s: %w", migrationsTable, err)
		}
	}
	return tx.Commit()
}

// appliedRows reads the migrations table, with or without its checksum
// column (a database not yet migrated by this binary has none).
func appliedRows(ctx context.Context, conn *sql.Conn) ([]appliedRow, error) {
	rows, err := conn.QueryContext(ctx, "SELECT * FROM "+migrationsTable+" ORDER BY version")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []appliedRow
	for rows.Next() {
		vals := make([]any, len(cols))
		var r appliedRow
		for i, c := range cols {
			switch c {
			case "version":
				vals[i] = &r.version
			case "checksum":
				vals[i] = &r.checksum
			default:
				vals[i] = new(any)
			}
		}
		if err := rows.Scan(vals...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// upgradeRenamed brings a database migrated with a released file that was
// renamed since to what the file under its new name gives, and renames its
// row. A row renamed by hand (the only way the old binaries' databases could
// start) gets the same repair: the fix is applied when its column is missing.
func upgradeRenamed(ctx context.Context, conn *sql.Conn, d string, done []appliedRow, log *slog.Logger) ([]appliedRow, error) {
	for i, r := range done {
		target := r.version
		ren, renamed := renamedMigrations[r.version]
		if renamed {
			target = ren.to
		} else if r.checksum != "" || r.version != "20261128184427_init" {
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		has, err := columnExists(ctx, tx, d, "change_events", "other_language")
		if err != nil {
			tx.Rollback()
			return nil, err
		}
		if !has {
			if _, err := tx.ExecContext(ctx, initFix[d]); err != nil {
				tx.Rollback()
				return nil, fmt.Errorf("bringing the first release's migration %s up to %s: %w", r.version, target, err)
			}
		}
		if renamed {
			upd := "UPDATE " + migrationsTable + " SET version = '" + target + "' WHERE version = '" + r.version + "'"
			if _, err := tx.ExecContext(ctx, upd); err != nil {
				tx.Rollback()
				return nil, err
			}
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
		if renamed || !has {
			log.Info("brought the first release's init migration up to date", "from", r.version, "to", target)
		}
		done[i].version = target
	}
	return done, nil
}

// checkHistory compares the database's migrations with this binary's files.
func checkHistory(d string, done []appliedRow, all []Migration) error {
	index := map[string]int{}
	for i, m := range all {
		index[m.Version] = i
	}
	last := -1
	had := map[string]bool{}
	for _, r := range done {
		i, ok := index[r.version]
		if !ok {
			return fmt.Errorf("the database has migration %s, which this version of catalogus does not know: it was migrated by a newer version (run that version, or a newer one, instead), or the row was written by hand (remove it if so); nothing was changed", r.version)
		}
		m := all[i]
		if r.checksum != "" && r.checksum != m.Checksum {
			return fmt.Errorf("migration file %s differs from the one this database applied (SHA-256 %s recorded, %s in this binary): a released migration was edited. Nothing was changed; run a released build of catalogus (an edited migration is a bug: report it), and put schema changes in a new migration (go run ./internal/store/newmigration NAME)",
				m.File(d), short(r.checksum), short(m.Checksum))
		}
		had[r.version] = true
		last = max(last, i)
	}
	for i := 0; i < last; i++ {
		if !had[all[i].Version] {
			return fmt.Errorf("the database has no row for migration %s (file %s) although the later %s is recorded: its row in %s was deleted or the database was changed by hand, and applying the file again could lose data. Nothing was changed. If the schema has that migration's changes, put the row back: INSERT INTO %s (version, applied_at, checksum) VALUES ('%s', CURRENT_TIMESTAMP, '%s'); otherwise restore the database from a backup",
				all[i].Version, all[i].File(d), all[last].Version, migrationsTable, migrationsTable, all[i].Version, all[i].Checksum)
		}
	}
	return nil
}

// recordChecksums fills in the checksums of rows written before they were
// recorded: those files are the released ones (checkReleased).
func recordChecksums(ctx context.Context, conn *sql.Conn, d string, done []appliedRow, all []Migration) error {
	sums := map[string]string{}
	for _, m := range all {
		sums[m.Version] = m.Checksum
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	upd := "UPDATE " + migrationsTable + " SET checksum = ? WHERE version = ? AND checksum = ''"
	if d == dialect.Postgres {
		upd = "UPDATE " + migrationsTable + " SET checksum = $1 WHERE version = $2 AND checksum = ''"
	}
	for i, r := range done {
		if r.checksum != "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, upd, sums[r.version], r.version); err != nil {
			return fmt.Errorf("recording the checksum of migration %s: %w", r.version, err)
		}
		done[i].checksum = sums[r.version]
	}
	return tx.Commit()
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12] + "…"
	}
	return sum
}

// Released reads released.sum: file (e.g. sqlite/20261128184427_init.sql) →
// SHA-256 in hex.
func Released() (map[string]string, error) {
	b, err := fs.ReadFile(Migrations, releasedSum)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 2 || len(f[1]) != 64 {
			return nil, fmt.Errorf("%s line %d: want a file and its SHA-256 in hex, have %q", releasedSum, line, text)
		}
		out[f[0]] = f[1]
	}
	return out, sc.Err()
}

// checkReleased refuses a build whose released migrations differ from
// released.sum: it would give databases a schema no release had.
func checkReleased(d string, all []Migration) error {
	released, err := Released()
	if err != nil {
		return err
	}
	have := map[string]string{}
	for _, m := range all {
		have[m.File(d)] = m.Checksum
	}
	prefix := strings.TrimPrefix(MigrationDir(d), "migrations/") + "/"
	for file, sum := range released {
		if !strings.HasPrefix(file, prefix) {
			continue
		}
		got, ok := have[file]
		switch {
		case !ok:
			return fmt.Errorf("this build of catalogus lacks the released migration %s (listed in %s): released migrations are never removed or renamed; build from a released commit", file, releasedSum)
		case got != sum:
			return fmt.Errorf("this build of catalogus carries an edited copy of the released migration %s (SHA-256 %s, released %s): released migrations never change; restore the file (git checkout -- internal/store/%s) and put the change in a new migration", file, short(got), short(sum), "migrations/"+file)
		}
	}
	return nil
}
