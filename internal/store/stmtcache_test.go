package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestPostgresKeepsPreparedStatements: a repeated query is prepared once per
// connection and gives the right answers; a statement whose table gained a
// column since it was prepared is prepared anew instead of failing; the
// cache stays bounded.
func TestPostgresKeepsPreparedStatements(t *testing.T) {
	db := storetest.Open(t, "postgres")
	ctx := context.Background()
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
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
