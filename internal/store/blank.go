package store

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
)

// Blank reports whether the database holds no tables at all (on PostgreSQL:
// none in its schema): nothing anyone could lose.
func (db *DB) Blank(ctx context.Context) (bool, error) {
	tables, err := db.tables(ctx)
	return len(tables) == 0, err
}

func (db *DB) tables(ctx context.Context) ([]string, error) {
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY sql LIKE 'CREATE VIRTUAL%' DESC, name"
	if db.Target.Dialect == dialect.Postgres {
		q = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
	}
	rows, err := db.SQL.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("listing the tables of %s: %w", db.Target.Redacted, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

// DropAll removes every table, for a command that set a blank database up
// and then failed (a restore whose backup did not replay): the database is
// left blank, as it was, instead of migrated and empty, which an older binary
// would refuse.
func (db *DB) DropAll(ctx context.Context) error {
	tables, err := db.tables(ctx)
	if err != nil {
		return err
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if db.Target.Dialect == dialect.SQLite {
		// Dropping a table others refer to would fail with the keys on.
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range tables {
		stmt := "DROP TABLE IF EXISTS \"" + strings.ReplaceAll(t, "\"", "\"\"") + "\""
		if db.Target.Dialect == dialect.Postgres {
			stmt += " CASCADE"
		}
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("dropping %s: %w", t, err)
		}
	}
	if db.Target.Dialect == dialect.SQLite {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_sequence'").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sqlite_sequence"); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}
