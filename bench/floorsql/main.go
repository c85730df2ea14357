// Command floorsql writes the pgbench scripts of the floor: the raw SQL of
// the questions bench/run.sh asks the APIs, run straight on PostgreSQL.
//
//	go run ./bench/floorsql -database postgres://… -municipality rotterdam -out DIR
//
// It writes DIR/page.sql (one statement that builds the JSON of the first 50
// published products with their availabilities and channel codes, as the
// APIs answer it) and DIR/coverage.sql (the coverage report's own aggregate
// statements, taken from internal/coverage, with their arguments written in).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// page is the product page the APIs are asked for, as one statement: the
// floor for that question. $1 is the municipality.
const page = `SELECT json_build_object('products', json_agg(json_build_object(
	'slug', p.slug, 'name', p.name, 'summary', p.summary,
	'availabilities', (SELECT COALESCE(json_agg(json_build_object(
		'status', a.status, 'url', a.url, 'phone', a.phone, 'channel', json_build_object('code', c.code)) ORDER BY a.id), '[]')
		FROM availabilities a JOIN channels c ON c.id = a.channel_id WHERE a.product_id = p.id)) ORDER BY p.id))
FROM (SELECT id, slug, name, summary FROM products WHERE municipality_id = $1 AND status = 'PUBLISHED' ORDER BY id LIMIT 50) p;`

func main() {
	dbURL := flag.String("database", "", "PostgreSQL URL of the measured database")
	code := flag.String("municipality", "rotterdam", "municipality code")
	out := flag.String("out", ".", "folder to write page.sql and coverage.sql to")
	flag.Parse()
	if err := run(*dbURL, *code, *out); err != nil {
		fmt.Fprintln(os.Stderr, "floorsql:", err)
		os.Exit(1)
	}
}

func run(dbURL, code, out string) error {
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if db.Target.Dialect != "postgres" {
		return fmt.Errorf("pgbench needs PostgreSQL, not %s", db.Target.Dialect)
	}
	m, err := orgtree.Municipality(ctx, db.Client, code)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "page.sql"), []byte(literal(page, []any{m.ID})+"\n"), 0o644); err != nil {
		return err
	}
	svc := &coverage.Service{Client: db.Client, Dialect: db.Target.Dialect}
	qs, args, err := svc.Statements(ctx, coverage.Filter{Municipality: m.ID}, time.Now())
	if err != nil {
		return err
	}
	var b strings.Builder
	for i, q := range qs {
		// pgbench reads a statement per line unless it ends in a semicolon.
		b.WriteString(literal(q, args[i]) + ";\n")
	}
	return os.WriteFile(filepath.Join(out, "coverage.sql"), []byte(b.String()), 0o644)
}

var placeholder = regexp.MustCompile(`\$(\d+)`)

// literal writes the arguments into the statement as SQL literals, for
// pgbench, which sends scripts as plain text.
func literal(q string, args []any) string {
	return placeholder.ReplaceAllStringFunc(q, func(p string) string {
		i, _ := strconv.Atoi(p[1:])
		switch v := args[i-1].(type) {
		case int:
			return strconv.Itoa(v)
		case time.Time:
			return "'" + v.UTC().Format(time.RFC3339Nano) + "'::timestamptz"
		case string:
			return "'" + strings.ReplaceAll(v, "'", "''") + "'"
		default:
			return fmt.Sprintf("'%v'", v)
		}
	})
}
