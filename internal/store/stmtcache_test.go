package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// pgConn is one connection of the service's pool on PostgreSQL, so that
// what it prepared can be seen.
func pgConn(t *testing.T) *sql.Conn {
	t.Helper()
	conn, err := storetest.Open(t, "postgres").SQL.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestPostgresKeepsPreparedStatements: a repeated query is prepared once per
// connection and gives the right answers; a statement whose table gained a
// column since it was prepared is prepared anew instead of failing; the
// cache stays bounded.
func TestPostgresKeepsPreparedStatements(t *testing.T) {
	ctx := context.Background()
	conn := pgConn(t)
	prepared := func() int {
		t.Helper()
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM pg_prepared_statements").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := prepared()
	for i := range 5 {
		var got int
		if err := conn.QueryRowContext(ctx, "SELECT $1::int + 1", i).Scan(&got); err != nil || got != i+1 {
			t.Fatalf("SELECT %d + 1 = %d (%v)", i, got, err)
		}
	}
	if n := prepared() - before; n != 1 {
		t.Errorf("five runs of one query left %d prepared statements; want 1", n)
	}

	if _, err := conn.ExecContext(ctx, "CREATE TABLE kept (a int)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "INSERT INTO kept (a) VALUES ($1)", 7); err != nil {
		t.Fatal(err)
	}
	columns := func() int {
		t.Helper()
		rows, err := conn.QueryContext(ctx, "SELECT * FROM kept WHERE a = $1", 7)
		if err != nil {
			t.Fatalf("after a schema change: %v", err)
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		return len(cols)
	}
	if n := columns(); n != 1 {
		t.Fatalf("%d columns", n)
	}
	if _, err := conn.ExecContext(ctx, "ALTER TABLE kept ADD COLUMN b int"); err != nil {
		t.Fatal(err)
	}
	if n := columns(); n != 2 {
		t.Errorf("after ADD COLUMN the query gives %d columns; want 2", n)
	}

	for i := range 300 {
		var got int
		if err := conn.QueryRowContext(ctx, fmt.Sprintf("SELECT $1::int + %d", i), 1).Scan(&got); err != nil || got != i+1 {
			t.Fatalf("query %d: %d (%v)", i, got, err)
		}
	}
	if n := prepared() - before; n > 256 {
		t.Errorf("%d prepared statements on one connection; the cache keeps at most 256", n)
	}
}

// TestPostgresPlansOnce: the service's connections run their prepared
// statements on a generic plan, planned once, unless the database URL says
// otherwise.
func TestPostgresPlansOnce(t *testing.T) {
	ctx := context.Background()
	conn := pgConn(t)
	const q = "SELECT count(*) FROM pg_class WHERE oid = ANY($1::oid[]) OR relname = $2"
	for range 3 {
		var n int
		if err := conn.QueryRowContext(ctx, q, "{1,2,3}", "pg_class").Scan(&n); err != nil || n != 1 {
			t.Fatalf("%s = %d (%v)", q, n, err)
		}
	}
	var generic, custom int
	err := conn.QueryRowContext(ctx, "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1", q).Scan(&generic, &custom)
	if err != nil {
		t.Fatal(err)
	}
	if generic != 3 || custom != 0 {
		t.Errorf("three runs: %d generic plans, %d planned for their values; want 3 and 0", generic, custom)
	}

	for url, want := range map[string]string{
		"postgres://u@h/d":                      "force_generic_plan",
		"postgres://u@h/d?plan_cache_mode=auto": "auto",
	} {
		got, err := store.ParseURL(url)
		if err != nil || !strings.Contains(got.DSN, "plan_cache_mode="+want) {
			t.Errorf("ParseURL(%q) = %q (%v); want plan_cache_mode=%s", url, got.DSN, err, want)
		}
	}
}
