package search

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// AnalyzerVersion names the analysis the index was written with. Raise it
// whenever analysis changes (stop words, stemming, the encoding): Reindex
// then writes every record's terms again, so that old and new terms never mix.
const AnalyzerVersion = "1"

// execer runs statements in the transaction of a write.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// indexedFields are the fields whose change changes a record's terms or
// whether it is public.
var indexedFields = map[string]bool{
	product.FieldName: true, product.FieldKeywords: true, product.FieldSummary: true, product.FieldDescription: true,
	product.FieldStatus: true, product.FieldMunicipalityID: true,
	answer.FieldQuestion: true, answer.FieldText: true, answer.FieldVariants: true, answer.FieldVisibility: true,
}

// IndexHook keeps the index in step with products and answers: after every
// create, and every update that touches a searchable field, it writes the
// record's analyzed terms in the same transaction and raises its
// municipality's search version. The schema installs it, so no write path can
// leave the index behind.
func IndexHook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil || !m.Op().Is(ent.OpCreate|ent.OpUpdateOne) {
				return v, err
			}
			if !m.Op().Is(ent.OpCreate) && !touchesIndexed(m) {
				return v, nil
			}
			x, ok := m.(execer)
			if !ok {
				return nil, fmt.Errorf("search: %T cannot run statements", m)
			}
			switch r := v.(type) {
			case *gen.Product:
				return v, write(ctx, x, productEntry(r.ID, r.MunicipalityID, r.Status == product.StatusPUBLISHED, r.Name, r.Keywords, r.Summary, r.Description))
			case *gen.Answer:
				return v, write(ctx, x, answerEntry(r.ID, r.MunicipalityID, r.Status == answer.StatusPUBLISHED && r.Visibility == answer.VisibilityPUBLIC,
					r.Question, r.Keywords, r.Text, r.Variants))
			}
			return v, nil
		})
	}
}

func touchesIndexed(m ent.Mutation) bool {
	for _, f := range append(m.Fields(), m.ClearedFields()...) {
		if indexedFields[f] {
			return true
		}
	}
	return false
}

// entry is one row of search_documents.
type entry struct {
	id, municipality int
	kind             Kind
	public           bool
	terms            string
}

func productEntry(id, municipality int, public bool, name string, keywords []string, summary, description string) entry {
	return entry{id: id, municipality: municipality, kind: KindProduct, public: public,
		terms: NewDocument(name, keywords, summary, description).Encode(municipality, KindProduct)}
}

// ProductTerms is the text the index holds for a product; for writers that
// fill the tables past the hooks (catalogus generate).
func ProductTerms(municipality int, name string, keywords []string, summary, description string) string {
	return productEntry(0, municipality, true, name, keywords, summary, description).terms
}

// answerEntry indexes an answer: its question as the name, its answer as the
// summary, the channels' variants as the description.
func answerEntry(id, municipality int, public bool, question string, keywords []string, text string, variants []catalog.AnswerVariant) entry {
	var v strings.Builder
	for _, x := range variants {
		v.WriteString(x.Text)
		v.WriteByte('\n')
	}
	return entry{id: id, municipality: municipality, kind: KindAnswer, public: public,
		terms: NewDocument(question, keywords, text, v.String()).Encode(municipality, KindAnswer)}
}

func write(ctx context.Context, x execer, e entry) error {
	_, err := x.ExecContext(ctx, `INSERT INTO search_documents (id, kind, municipality_id, public, terms) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, municipality_id = excluded.municipality_id,
			public = excluded.public, terms = excluded.terms`,
		e.id, string(e.kind), e.municipality, e.public, e.terms)
	if err != nil {
		return fmt.Errorf("search: indexing %s %d: %w", e.kind, e.id, err)
	}
	return Touch(ctx, x, e.municipality)
}

// Touch raises a municipality's search version, so that every server builds
// its lexicon again: after a change to its searchable records or synonyms.
func Touch(ctx context.Context, x execer, municipality int) error {
	_, err := x.ExecContext(ctx, `INSERT INTO search_versions (municipality_id, version) VALUES ($1, 1)
		ON CONFLICT (municipality_id) DO UPDATE SET version = search_versions.version + 1`, municipality)
	if err != nil {
		return fmt.Errorf("search: raising the search version: %w", err)
	}
	return nil
}

// Reindex writes the index again from the products and answers when it was
// written by another version of the analysis (or never), in one transaction;
// it reports whether it did. Commands call it after migrating. The index is
// derived data, so this is no change to the catalogue and the change log
// records nothing.
func Reindex(ctx context.Context, db *sql.DB) (bool, error) {
	var have string
	err := db.QueryRowContext(ctx, "SELECT version FROM search_analyzer WHERE id = 1").Scan(&have)
	if err != nil && err != sql.ErrNoRows {
		return false, fmt.Errorf("search: reading the analyzer version: %w", err)
	}
	if have == AnalyzerVersion {
		return false, nil
	}
	if err := txn.RunSQL(ctx, db, func(tx *sql.Tx) error { return IndexAll(ctx, tx) }); err != nil {
		return false, err
	}
	return true, nil
}

// queryExecer is a transaction.
type queryExecer interface {
	execer
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// IndexAll writes the whole index from the products and answers tables and
// records the analyzer version; for Reindex and for writers that fill the
// tables past the hooks (catalogus generate).
func IndexAll(ctx context.Context, tx queryExecer) error {
	var entries []entry
	rows, err := tx.QueryContext(ctx, "SELECT id, municipality_id, status, name, keywords, summary, description FROM products")
	if err != nil {
		return fmt.Errorf("search: reading products: %w", err)
	}
	for rows.Next() {
		var id, mid int
		var status, name, summary, description string
		var keywords sql.NullString
		if err := rows.Scan(&id, &mid, &status, &name, &keywords, &summary, &description); err != nil {
			rows.Close()
			return err
		}
		entries = append(entries, productEntry(id, mid, status == product.StatusPUBLISHED.String(), name, decodeList(keywords), summary, description))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, "SELECT id, municipality_id, status, visibility, question, keywords, text, variants FROM answers")
	if err != nil {
		return fmt.Errorf("search: reading answers: %w", err)
	}
	for rows.Next() {
		var id, mid int
		var status, visibility, question, text string
		var keywords, variants sql.NullString
		if err := rows.Scan(&id, &mid, &status, &visibility, &question, &keywords, &text, &variants); err != nil {
			rows.Close()
			return err
		}
		var vs []catalog.AnswerVariant
		if variants.Valid {
			if err := json.Unmarshal([]byte(variants.String), &vs); err != nil {
				rows.Close()
				return fmt.Errorf("search: answer %d: its variants: %w", id, err)
			}
		}
		entries = append(entries, answerEntry(id, mid,
			status == answer.StatusPUBLISHED.String() && visibility == answer.VisibilityPUBLIC.String(),
			question, decodeList(keywords), text, vs))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM search_documents"); err != nil {
		return err
	}
	touched := map[int]bool{}
	const batch = 200
	for start := 0; start < len(entries); start += batch {
		part := entries[start:min(start+batch, len(entries))]
		var q strings.Builder
		q.WriteString("INSERT INTO search_documents (id, kind, municipality_id, public, terms) VALUES ")
		args := make([]any, 0, 5*len(part))
		for i, e := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			n := 5 * i
			fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5)
			args = append(args, e.id, string(e.kind), e.municipality, e.public, e.terms)
			touched[e.municipality] = true
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("search: writing the index: %w", err)
		}
	}
	for m := range touched {
		if err := Touch(ctx, tx, m); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search_analyzer (id, version) VALUES (1, $1)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version`, AnalyzerVersion)
	return err
}

// decodeList reads a JSON list of strings as stored (null: none).
func decodeList(s sql.NullString) []string {
	if !s.Valid || s.String == "" {
		return nil
	}
	var out []string
	if json.Unmarshal([]byte(s.String), &out) != nil {
		return nil
	}
	return out
}

// SynonymHook raises the search version of a synonym's municipality after
// every change to it, so that servers read the synonyms again.
func SynonymHook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			s, ok := v.(*gen.Synonym)
			x, okx := m.(execer)
			if !ok || !okx {
				return v, nil
			}
			return v, Touch(ctx, x, s.MunicipalityID)
		})
	}
}
