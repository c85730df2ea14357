package search

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// BM25F: per field a weight and a length normalisation. A word in the name
// counts most, then in the keywords, then in the summary, then in the
// description (for answers: question, keywords, answer, channel variants).
var (
	fieldWeight = [numFields]float64{FieldName: 4, FieldKeywords: 2.5, FieldSummary: 1.2, FieldDescription: 1}
	fieldB      = [numFields]float64{FieldName: 0.3, FieldKeywords: 0.3, FieldSummary: 0.75, FieldDescription: 0.75}
)

const (
	k1 = 1.2
	// coordination is how strongly a record that holds fewer of the search's
	// words falls behind: its score is multiplied by (found/words)^coordination.
	coordination = 1.5
	// formBonus is the share of a word's score that depends on finding its
	// very form (paspoorten for paspoorten) rather than another one.
	formBonus = 0.1
)

// scored is a candidate with its score.
type scored struct {
	id    int
	score float64
	key   string
}

// rank scores the candidates for the query and returns the ids of those that
// match, best first; ties go by name (question), then id, so that both
// databases give one order.
func rank(q *query, st *stats, candidates []indexed) []int {
	if st == nil || len(q.slots) == 0 {
		return nil
	}
	out := make([]scored, 0, len(candidates))
	for _, c := range candidates {
		if s := score(q, st, &c.doc); s > 0 {
			out = append(out, scored{id: c.id, score: s, key: formsOf(c.doc.Fields[FieldName])})
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	ids := make([]int, len(out))
	for i, s := range out {
		ids[i] = s.id
	}
	return ids
}

func formsOf(toks []Token) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.Form)
		b.WriteByte(' ')
	}
	return b.String()
}

// score is the record's BM25F score for the query: per word of the search the
// best of its alternatives, summed, times the coordination factor.
func score(q *query, st *stats, d *Document) float64 {
	total, found := 0.0, 0
	for _, s := range q.slots {
		best := 0.0
		for _, a := range s.alts {
			v := 0.0
			for _, stem := range a.stems {
				t := termScore(stem, a.base, st, d)
				for _, c := range a.or[stem] {
					t = max(t, weightPart*termScore(c, a.base, st, d))
				}
				if t == 0 {
					v = 0
					break
				}
				v += t
			}
			v /= float64(len(a.stems))
			if a.form != "" && v > 0 && !hasForm(d, a.form) {
				v *= 1 - formBonus
			}
			best = max(best, v*a.weight)
		}
		if best > 0 {
			total += best
			found++
		}
	}
	if found == 0 {
		return 0
	}
	return total * math.Pow(float64(found)/float64(len(q.slots)), coordination)
}

// termScore is one stem's BM25F contribution to a record; it weighs the
// stem as no rarer than base (when base is set).
func termScore(stem, base string, st *stats, d *Document) float64 {
	tf := 0.0
	for f, toks := range d.Fields {
		n := 0
		for _, t := range toks {
			if t.Stem == stem {
				n++
			}
		}
		if n == 0 {
			continue
		}
		norm := 1 - fieldB[f]
		if st.avgLen[f] > 0 {
			norm += fieldB[f] * float64(len(toks)) / st.avgLen[f]
		}
		tf += fieldWeight[f] * float64(n) / norm
	}
	if tf == 0 {
		return 0
	}
	df := float64(max(st.df[stem], st.df[base], 1))
	idf := math.Log(1 + (float64(st.n)-df+0.5)/(df+0.5))
	return idf * tf * (k1 + 1) / (tf + k1)
}

func hasForm(d *Document, form string) bool {
	for _, toks := range d.Fields {
		for _, t := range toks {
			if t.Form == form {
				return true
			}
		}
	}
	return false
}
