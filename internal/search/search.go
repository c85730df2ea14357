// Package search finds products by words in their name, summary and
// description, and answers of the answer base by words in their question,
// keywords and text (answers.go), best matches first: PostgreSQL's full-text
// search with the Dutch configuration, SQLite's FTS5. Both fold case and
// accents, and match word beginnings, so "paspoort" finds "Paspoort aanvragen".
package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"entgo.io/ent/dialect"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// MaxWords bounds a search; MaxResults bounds its answer.
const (
	MaxWords   = 10
	MaxResults = 1000
)

// Words splits a search text into words: lower case, without accents, only
// letters and digits, at most MaxWords.
func Words(text string) []string {
	folded, _, _ := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), strings.ToLower(text))
	var out []string
	for _, w := range strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(out) == MaxWords {
			break
		}
		if len(w) > 50 {
			w = w[:50]
		}
		out = append(out, w)
	}
	return out
}

// pgVector is the indexed expression (see internal/store/extras/postgres.sql).
const pgVector = `to_tsvector('dutch', translate(lower(name || ' ' || summary || ' ' || description),
	'áàâäãåéèêëíìîïóòôöõúùûüýÿçñ', 'aaaaaaeeeeiiiiooooouuuuyycn'))`

// Products returns the ids of the municipality's products that contain every
// word of the text (as a word or the start of one), best match first.
func Products(ctx context.Context, c *ent.Client, d string, municipality int, text string) ([]int, error) {
	return run(ctx, c, d, municipality, text,
		`SELECT id FROM products WHERE municipality_id = $2 AND `+pgVector+` @@ to_tsquery('dutch', $1)
			ORDER BY ts_rank(`+pgVector+`, to_tsquery('dutch', $1)) DESC, name, id LIMIT `+strconv.Itoa(MaxResults),
		`SELECT products.id FROM product_search JOIN products ON products.id = product_search.rowid
			WHERE product_search MATCH $1 AND products.municipality_id = $2
			ORDER BY product_search.rank, products.name, products.id LIMIT `+strconv.Itoa(MaxResults))
}

// run splits the text into words and runs the dialect's query with the
// matching expression ($1: every word as a prefix) and the municipality ($2),
// returning the ids it selects in order.
func run(ctx context.Context, c *ent.Client, d string, municipality int, text, pgQuery, sqliteQuery string) ([]int, error) {
	words := Words(text)
	if len(words) == 0 {
		return nil, catalog.BadArgument("search", "required", "give at least one word to search for")
	}
	terms := make([]string, len(words))
	q, sep := sqliteQuery, " "
	for i, w := range words {
		terms[i] = `"` + w + `"*`
	}
	if d == dialect.Postgres {
		q, sep = pgQuery, " & "
		for i, w := range words {
			terms[i] = w + ":*"
		}
	}
	rows, err := c.QueryContext(ctx, q, strings.Join(terms, sep), municipality)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
