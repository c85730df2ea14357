package search

import (
	"context"
	"strconv"

	"github.com/gemeente-rotterdam/catalogus/ent"
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
	return run(ctx, c, d, municipality, text,
		`SELECT id FROM answers WHERE municipality_id = $2 AND `+pgAnswerVector+` @@ to_tsquery('dutch', $1)
			ORDER BY ts_rank(`+pgAnswerVector+`, to_tsquery('dutch', $1)) DESC, question, id LIMIT `+strconv.Itoa(MaxResults),
		// bm25 weighs the columns question, keywords, text; lower is better.
		`SELECT answers.id FROM answer_search JOIN answers ON answers.id = answer_search.rowid
			WHERE answer_search MATCH $1 AND answers.municipality_id = $2
			ORDER BY bm25(answer_search, 10.0, 5.0, 1.0), answers.question, answers.id LIMIT `+strconv.Itoa(MaxResults))
}
