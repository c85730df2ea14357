package search

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// pgAnswerVector is the indexed expression of the answer base (see
// internal/store/extras/postgres.sql): question weighs most (A), then the
// keywords (B), then the answer itself (C).
const pgAnswerVector = `(
	setweight(to_tsvector('dutch', translate(lower(question), 'áàâäãåéèêëíìîïóòôöõúùûüýÿçñ', 'aaaaaaeeeeiiiiooooouuuuyycn')), 'A') ||
	setweight(to_tsvector('dutch', translate(lower(coalesce(keywords::text, '')), 'áàâäãåéèêëíìîïóòôöõúùûüýÿçñ', 'aaaaaaeeeeiiiiooooouuuuyycn')), 'B') ||
	setweight(to_tsvector('dutch', translate(lower(text), 'áàâäãåéèêëíìîïóòôöõúùûüýÿçñ', 'aaaaaaeeeeiiiiooooouuuuyycn')), 'C')
)`

// Answers returns the ids of the municipality's answers whose question,
// keywords or answer contain every word of the text (as a word or the start
// of one), best match first: a word in the question counts more than one in
// the keywords, and that more than one in the answer. It does not apply the
// privacy rules: the caller narrows the ids to what the viewer may see.
func Answers(ctx context.Context, c *ent.Client, d string, municipality int, text string) ([]int, error) {
	words := Words(text)
	if len(words) == 0 {
		return nil, catalog.BadArgument("search", "required", "give at least one word to search for")
	}
	var q, arg string
	if d == dialect.Postgres {
		terms := make([]string, len(words))
		for i, w := range words {
			terms[i] = w + ":*"
		}
		arg = strings.Join(terms, " & ")
		q = `SELECT id FROM answers WHERE municipality_id = $2 AND ` + pgAnswerVector + ` @@ to_tsquery('dutch', $1)
			ORDER BY ts_rank(` + pgAnswerVector + `, to_tsquery('dutch', $1)) DESC, question, id LIMIT ` + strconv.Itoa(MaxResults)
	} else {
		terms := make([]string, len(words))
		for i, w := range words {
			terms[i] = `"` + w + `"*`
		}
		arg = strings.Join(terms, " ")
		// bm25 weighs the columns question, keywords, text; lower is better.
		q = `SELECT answers.id FROM answer_search JOIN answers ON answers.id = answer_search.rowid
			WHERE answer_search MATCH $1 AND answers.municipality_id = $2
			ORDER BY bm25(answer_search, 10.0, 5.0, 1.0), answers.question, answers.id LIMIT ` + strconv.Itoa(MaxResults)
	}
	rows, err := c.QueryContext(ctx, q, arg, municipality)
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
