// Package search finds products and answers in residents' words, the same
// way on SQLite and PostgreSQL.
//
// Text is analyzed in Go (analyze.go): folded to lower case without accents,
// split into words, Dutch stop words dropped, each word stemmed (Snowball's
// Dutch stemmer). A write hook (index.go) keeps every product's and answer's
// analyzed terms in search_documents, which SQLite's FTS5 and PostgreSQL's
// text search index as plain words, so both databases find the same
// candidates for a search. The search itself (query.go) is analyzed against a
// lexicon of the municipality's own vocabulary (lexicon.go): other forms of a
// word, verb forms, synonyms (synonyms.txt and the municipality's own),
// compounds split into their parts, and typos. The candidates are ranked in
// Go (rank.go, BM25F with field weights), so the order cannot differ between
// the databases either. See docs/search.md.
package search

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/synonym"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// MaxResults bounds the ranked list of a search.
const MaxResults = 1000

// Result is the answer to a search: the ids of the matching records, best
// first, and, when none matched, a corrected search that would find some.
type Result struct {
	IDs        []int
	DidYouMean string
}

// Engine searches one database. It keeps a lexicon per municipality, built
// from the index and used until the municipality's search version (raised by
// every write to its searchable records or synonyms) moves.
type Engine struct {
	Client  *ent.Client
	Dialect string
	// Synonyms, when set, returns a municipality's own synonyms (the
	// built-in list always applies).
	Synonyms func(ctx context.Context, municipality int) ([]Synonym, error)

	mu       sync.Mutex
	lexicons map[int]*lexicon
}

// NewEngine returns an engine for a database, applying the municipalities'
// own synonyms (the active ones) besides the built-in list.
func NewEngine(c *ent.Client, d string) *Engine {
	return &Engine{Client: c, Dialect: d, Synonyms: func(ctx context.Context, municipality int) ([]Synonym, error) {
		rows, err := c.Synonym.Query().Where(synonym.MunicipalityID(municipality), synonym.Active(true)).
			Order(synonym.ByID()).All(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]Synonym, 0, len(rows))
		for _, r := range rows {
			out = append(out, Synonym{Terms: r.Terms, LeadsTo: r.LeadsTo})
		}
		return out, nil
	}}
}

// maxLexicons bounds the municipalities whose lexicon is kept.
const maxLexicons = 64

// Products ranks the municipality's products for a search.
func (e *Engine) Products(ctx context.Context, municipality int, text string) (Result, error) {
	return e.search(ctx, municipality, KindProduct, text)
}

// Answers ranks the municipality's answers for a search. Like Products, it
// does not apply the privacy rules: the caller narrows the ids to what the
// viewer may see.
func (e *Engine) Answers(ctx context.Context, municipality int, text string) (Result, error) {
	return e.search(ctx, municipality, KindAnswer, text)
}

func (e *Engine) search(ctx context.Context, municipality int, k Kind, text string) (Result, error) {
	if len(Words(text)) == 0 {
		return Result{}, catalog.BadArgument("search", "required", "give at least one word to search for")
	}
	l, err := e.lexicon(ctx, municipality)
	if err != nil {
		return Result{}, err
	}
	q := parse(text, l)
	var res Result
	if terms := q.terms(); len(terms) > 0 {
		candidates, err := e.candidates(ctx, municipality, k, terms)
		if err != nil {
			return Result{}, err
		}
		res.IDs = rank(q, l.kinds[k], candidates)
		if len(res.IDs) > MaxResults {
			res.IDs = res.IDs[:MaxResults]
		}
	}
	if len(res.IDs) == 0 {
		res.DidYouMean = l.suggestion(text)
	}
	return res, nil
}

// candidates reads the records of a kind in the municipality that hold at
// least one of the terms, through the database's full-text index.
func (e *Engine) candidates(ctx context.Context, municipality int, k Kind, terms []string) ([]indexed, error) {
	// The scope token narrows to the municipality and kind inside the index;
	// the statements name no other condition, so that both databases drive
	// the search from their full-text index.
	var q, match string
	if e.Dialect == dialect.Postgres {
		match = scopeToken(municipality, k) + " & (" + strings.Join(terms, " | ") + ")"
		q = `SELECT id, public, terms FROM search_documents WHERE to_tsvector('simple', terms) @@ to_tsquery('simple', $1)`
	} else {
		match = scopeToken(municipality, k) + ` AND ("` + strings.Join(terms, `" OR "`) + `")`
		q = `SELECT d.id, d.public, d.terms FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid WHERE search_fts MATCH $1`
	}
	rows, err := e.Client.QueryContext(ctx, q, match)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return scanIndexed(rows, k)
}

func scanIndexed(rows *sql.Rows, k Kind) ([]indexed, error) {
	defer rows.Close()
	var out []indexed
	for rows.Next() {
		var r indexed
		var terms string
		if err := rows.Scan(&r.id, &r.public, &terms); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		r.kind, r.doc = k, Decode(terms)
		out = append(out, r)
	}
	return out, rows.Err()
}

// lexicon returns the municipality's lexicon, building it again when its
// search version moved.
func (e *Engine) lexicon(ctx context.Context, municipality int) (*lexicon, error) {
	var version int64
	err := e.queryRow(ctx, "SELECT version FROM search_versions WHERE municipality_id = $1", municipality).Scan(&version)
	if err != nil && err != sql.ErrNoRows {
		return nil, fmt.Errorf("search: reading the index version: %w", err)
	}
	e.mu.Lock()
	l := e.lexicons[municipality]
	e.mu.Unlock()
	if l != nil && l.version == version {
		return l, nil
	}
	var records []indexed
	for _, k := range []Kind{KindProduct, KindAnswer} {
		rows, err := e.Client.QueryContext(ctx,
			"SELECT id, public, terms FROM search_documents WHERE municipality_id = $1 AND kind = $2", municipality, string(k))
		if err != nil {
			return nil, fmt.Errorf("search: reading the index: %w", err)
		}
		rs, err := scanIndexed(rows, k)
		if err != nil {
			return nil, err
		}
		records = append(records, rs...)
	}
	own := []Synonym(nil)
	if e.Synonyms != nil {
		if own, err = e.Synonyms(ctx, municipality); err != nil {
			return nil, fmt.Errorf("search: reading the synonyms: %w", err)
		}
	}
	l = buildLexicon(version, records, compileSynonyms(Builtin, own))
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lexicons == nil || len(e.lexicons) >= maxLexicons {
		e.lexicons = map[int]*lexicon{}
	}
	e.lexicons[municipality] = l
	return l, nil
}

func (e *Engine) queryRow(ctx context.Context, q string, args ...any) *row {
	rows, err := e.Client.QueryContext(ctx, q, args...)
	return &row{rows: rows, err: err}
}

// row is sql.Row for the Ent client's QueryContext.
type row struct {
	rows *sql.Rows
	err  error
}

func (r *row) Scan(dst ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	return r.rows.Scan(dst...)
}
