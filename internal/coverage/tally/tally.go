// Package tally keeps what coverage "now" counts: one row per PUBLISHED
// product (table coverage_products) with its classification and the status of
// each of its availabilities. The change log rewrites a product's row in the
// transaction of every change to the product or its availabilities, at
// commit, while the transaction holds the product's row (an availability's
// change raises the product's version, a product's change updates it): two
// transactions changing the same product write its row one after the other,
// the second from a state that includes the first. A row is recomputed from
// the tables, never adjusted by a difference, so it cannot drift, and
// Rebuild can recompute them all at any time.
//
// A row per product rather than counts per classification: writers then
// never wait on each other's counters (a municipality's counts per owner,
// theme and channel are few rows every write would lock), a channel switched
// off or on changes no row (the reader counts the channels active now), and
// every filter of the report (an organization's subtree, a theme, an
// audience, a subset of channels) counts exactly, including fully covered
// products and the plan's groups, which no sum per classification can give
// for a subset of channels. A municipality reads a few hundred short rows.
package tally

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Querier is a transaction or a database.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Cell is one availability of a product.
type Cell struct {
	Channel int
	// Status is the availability's (AVAILABLE, PARTIAL, PLANNED,
	// UNAVAILABLE or NOT_APPLICABLE).
	Status string
	// OtherLanguage: the availability offers a language other than Dutch.
	OtherLanguage bool
}

// Product is one row: a PUBLISHED product and its availabilities.
type Product struct {
	ID, Municipality, Owner int
	Theme                   string
	// Audiences in the order of the product's list.
	Audiences []string
	// Cells by channel id, ascending.
	Cells []Cell
}

// status letters, so that a row stays short.
var (
	letterOf = map[string]byte{"AVAILABLE": 'A', "PARTIAL": 'P', "PLANNED": 'L', "UNAVAILABLE": 'U', "NOT_APPLICABLE": 'N'}
	statusOf = map[byte]string{'A': "AVAILABLE", 'P': "PARTIAL", 'L': "PLANNED", 'U': "UNAVAILABLE", 'N': "NOT_APPLICABLE"}
)

// encodeCells writes cells as "channel:S[+]" joined by ";" (+: another language).
func encodeCells(cells []Cell) string {
	var b strings.Builder
	for i, c := range cells {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.Itoa(c.Channel))
		b.WriteByte(':')
		b.WriteByte(letterOf[c.Status])
		if c.OtherLanguage {
			b.WriteByte('+')
		}
	}
	return b.String()
}

func decodeCells(s string) ([]Cell, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ";")
	cells := make([]Cell, 0, len(parts))
	for _, p := range parts {
		id, rest, ok := strings.Cut(p, ":")
		ch, err := strconv.Atoi(id)
		if !ok || err != nil || len(rest) == 0 || statusOf[rest[0]] == "" {
			return nil, fmt.Errorf("tally: unreadable cell %q", p)
		}
		cells = append(cells, Cell{Channel: ch, Status: statusOf[rest[0]], OtherLanguage: strings.HasSuffix(rest, "+")})
	}
	return cells, nil
}

// Refresh rewrites the rows of the given products from the tables, as q
// sees them: a row for each that is PUBLISHED, none for the others. The
// caller holds the products' rows (see the package comment).
func Refresh(ctx context.Context, q Querier, products []int) error {
	if len(products) == 0 {
		return nil
	}
	ids := slices.Sorted(slices.Values(products))
	in := intList(slices.Compact(ids))
	if _, err := q.ExecContext(ctx, "DELETE FROM coverage_products WHERE product_id IN ("+in+")"); err != nil {
		return fmt.Errorf("tally: clearing the rows of products: %w", err)
	}
	rows, err := load(ctx, q, " AND p.id IN ("+in+")")
	if err != nil {
		return err
	}
	return insert(ctx, q, rows)
}

// Rebuild recomputes every row from the tables, marks the rows built and
// derives the snapshots of the past from the log again, in
// the caller's transaction tx, and returns how many it wrote. On PostgreSQL
// it holds the products table against writes until tx ends (every change a
// row depends on writes the product's row first), so that no transaction
// writes a row from a state the rebuild does not see, and none is lost.
func Rebuild(ctx context.Context, tx Querier, postgres bool, now time.Time) (int, error) {
	if postgres {
		if _, err := tx.ExecContext(ctx, "LOCK TABLE products IN SHARE MODE"); err != nil {
			return 0, fmt.Errorf("tally: holding the products: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM coverage_products"); err != nil {
		return 0, fmt.Errorf("tally: clearing the rows: %w", err)
	}
	rows, err := load(ctx, tx, "")
	if err != nil {
		return 0, err
	}
	if err := insert(ctx, tx, rows); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO coverage_tally (id, built_at) VALUES (1, $1)
		ON CONFLICT (id) DO UPDATE SET built_at = excluded.built_at`, now.UTC().Format(time.RFC3339Nano)); err != nil {
		return 0, fmt.Errorf("tally: marking the rows built: %w", err)
	}
	// The snapshots of the past, derived again from the log: the same path
	// the history importer takes (BuildSnapshots).
	if err := DropSnapshots(ctx, tx); err != nil {
		return 0, err
	}
	if _, err := BuildSnapshots(ctx, tx, postgres, nil, now); err != nil {
		return 0, err
	}
	return len(rows), nil
}

// Built reports whether the rows were built from the tables since the table
// was created.
func Built(ctx context.Context, q Querier) (bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT 1 FROM coverage_tally WHERE id = 1")
	if err != nil {
		return false, fmt.Errorf("tally: %w", err)
	}
	defer rows.Close()
	found := rows.Next()
	return found, rows.Err()
}

// Municipality reads the rows of one municipality's products.
func Municipality(ctx context.Context, q Querier, municipality int) ([]Product, error) {
	return read(ctx, q, " WHERE municipality_id = $1", municipality)
}

// Municipalities reads the rows of some municipalities' products.
func Municipalities(ctx context.Context, q Querier, ids []int) ([]Product, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return read(ctx, q, " WHERE municipality_id IN ("+intList(ids)+")")
}

// All reads every row, for the whole country.
func All(ctx context.Context, q Querier) ([]Product, error) {
	return read(ctx, q, "")
}

// Computed reads what the rows should be, from the tables (for tests).
func Computed(ctx context.Context, q Querier) ([]Product, error) {
	return load(ctx, q, "")
}

func read(ctx context.Context, q Querier, where string, args ...any) ([]Product, error) {
	rows, err := q.QueryContext(ctx, "SELECT product_id, municipality_id, owner_id, theme, audiences, cells FROM coverage_products"+where+" ORDER BY product_id", args...)
	if err != nil {
		return nil, fmt.Errorf("tally: reading: %w", err)
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		var (
			p          Product
			aud, cells string
		)
		if err := rows.Scan(&p.ID, &p.Municipality, &p.Owner, &p.Theme, &aud, &cells); err != nil {
			return nil, err
		}
		if aud != "" {
			p.Audiences = strings.Split(aud, ",")
		}
		if p.Cells, err = decodeCells(cells); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// load computes the rows of the PUBLISHED products matching cond from the
// tables.
func load(ctx context.Context, q Querier, cond string) ([]Product, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.municipality_id, p.owner_id, p.theme, p.audiences FROM products p
WHERE p.status = 'PUBLISHED'`+cond+` ORDER BY p.id`)
	if err != nil {
		return nil, fmt.Errorf("tally: reading products: %w", err)
	}
	var out []Product
	index := map[int]int{}
	for rows.Next() {
		var (
			p   Product
			aud []byte
		)
		if err := rows.Scan(&p.ID, &p.Municipality, &p.Owner, &p.Theme, &aud); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal(aud, &p.Audiences); err != nil {
			rows.Close()
			return nil, fmt.Errorf("tally: audiences of product %d: %w", p.ID, err)
		}
		index[p.ID] = len(out)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	rows, err = q.QueryContext(ctx, `SELECT a.product_id, a.channel_id, a.status, a.languages
FROM availabilities a JOIN products p ON p.id = a.product_id
WHERE p.status = 'PUBLISHED'`+cond+` ORDER BY a.product_id, a.channel_id`)
	if err != nil {
		return nil, fmt.Errorf("tally: reading availabilities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			pid   int
			c     Cell
			langs []byte
		)
		if err := rows.Scan(&pid, &c.Channel, &c.Status, &langs); err != nil {
			return nil, err
		}
		if len(langs) > 0 {
			var ls []string
			if err := json.Unmarshal(langs, &ls); err != nil {
				return nil, fmt.Errorf("tally: languages of product %d: %w", pid, err)
			}
			c.OtherLanguage = slices.ContainsFunc(ls, func(l string) bool { return l != "nl" })
		}
		if i, ok := index[pid]; ok {
			out[i].Cells = append(out[i].Cells, c)
		}
	}
	return out, rows.Err()
}

// insert writes rows, a few hundred per statement.
func insert(ctx context.Context, q Querier, rows []Product) error {
	const per = 400
	for start := 0; start < len(rows); start += per {
		batch := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString("INSERT INTO coverage_products (product_id, municipality_id, owner_id, theme, audiences, cells) VALUES ")
		args := make([]any, 0, 6*len(batch))
		for i, p := range batch {
			if i > 0 {
				b.WriteByte(',')
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6)
			args = append(args, p.ID, p.Municipality, p.Owner, p.Theme, strings.Join(p.Audiences, ","), encodeCells(p.Cells))
		}
		if _, err := q.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("tally: writing rows: %w", err)
		}
	}
	return nil
}

func intList(ids []int) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(id)
	}
	return strings.Join(parts, ",")
}
