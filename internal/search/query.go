package search

import (
	"slices"
	"strings"
)

// How close a word form found in a record is to the word searched for; a
// match counts for its score times this weight. Closer forms rank higher:
// the very word, then another form of it, a verb form, a synonym, a compound
// or the parts of one, and last a correction of a typo.
const (
	weightExact    = 1.0
	weightStem     = 0.9
	weightVerbForm = 0.85
	weightSynonym  = 0.8
	weightSplit    = 0.7
	weightPart     = 0.6
	weightTypo1    = 0.6
	weightPrefix   = 0.5
	weightTypo2    = 0.45
)

// MaxWords bounds the words of a search that count; MaxLength its text.
const (
	MaxWords  = 12
	MaxLength = 500
)

// alternative is one way a record can match a word of the search: all its
// stems must occur in the record.
type alternative struct {
	stems  []string
	weight float64
	// form, for the word itself, gives a small bonus to records that hold
	// this very form rather than another one of the same stem.
	form string
	// base is the stem of the word searched for: an alternative counts as
	// no rarer than the word itself, so that a rare compound found for a
	// common word (cultuursubsidie for subsidie) does not outweigh the word.
	base string
	// or lets a needed stem be found in a compound instead, for the parts of
	// a compound searched for (hond in hondenbelasting for hondebelasting).
	or map[string][]string
}

// slot is one word (or phrase) of the search with the ways it can match.
type slot struct {
	word string
	alts []alternative
}

// query is an analyzed search.
type query struct {
	slots []slot
}

// terms lists every stem any alternative needs, for the index to find the
// candidates: records holding at least one of them.
func (q *query) terms() []string {
	var out []string
	for _, s := range q.slots {
		for _, a := range s.alts {
			out = append(out, a.stems...)
			for _, more := range a.or {
				out = append(out, more...)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// verbPrefixes are the separable parts of Dutch verbs that come before ge-
// in a past participle (op-ge-haald, aan-ge-vraagd).
var verbPrefixes = []string{"", "aan", "af", "in", "mee", "na", "om", "op", "terug", "toe", "uit", "vast", "weg", "door", "over", "voor"}

// verbForms returns the stems a past participle or past form may come from:
// opgehaald → ophaal, gekapt → kap, verhuisd → verhuis.
func verbForms(w string) []string {
	var out []string
	if len(w) < 5 || (!strings.HasSuffix(w, "d") && !strings.HasSuffix(w, "t")) {
		return nil
	}
	base := w[:len(w)-1]
	for _, p := range verbPrefixes {
		if rest, ok := strings.CutPrefix(base, p+"ge"); ok && len(rest) >= 2 {
			out = append(out, Stem(p+rest))
		}
	}
	out = append(out, Stem(base))
	if s, ok := strings.CutSuffix(w, "den"); ok {
		out = append(out, Stem(s))
	}
	return out
}

// parse analyzes a search against the lexicon: per word its own stem, its
// verb forms, its synonyms, the compounds it is part of, its parts when it
// is a compound itself, and, for a word the vocabulary does not know, the
// known words one or two typos away.
func parse(text string, l *lexicon) *query {
	if len(text) > MaxLength {
		text = text[:MaxLength]
	}
	toks := Analyze(strings.ReplaceAll(text, "-", ""))
	if len(toks) > MaxWords {
		toks = toks[:MaxWords]
	}
	q := &query{}
	for i := 0; i < len(toks); {
		if n, s := l.phrase(toks[i:]); n > 1 {
			q.slots = append(q.slots, s)
			i += n
			continue
		}
		q.slots = append(q.slots, l.word(toks[i]))
		i++
	}
	return q
}

// phrase matches a synonym of several words at the start of toks; it
// returns how many tokens it took and their slot.
func (l *lexicon) phrase(toks []Token) (int, slot) {
	best, bestTo := 0, [][]Token(nil)
	for _, r := range l.synonyms[toks[0].Stem] {
		n := len(r.from)
		if n < 2 || n > len(toks) || n <= best {
			continue
		}
		ok := true
		for j := range r.from {
			if toks[j].Stem != r.from[j] {
				ok = false
				break
			}
		}
		if ok {
			best, bestTo = n, r.to
		}
	}
	if best < 2 {
		return 0, slot{}
	}
	var words, stems []string
	for _, t := range toks[:best] {
		words = append(words, t.Form)
		stems = append(stems, t.Stem)
	}
	s := slot{word: strings.Join(words, " "), alts: []alternative{{stems: stems, weight: weightExact}}}
	for _, to := range bestTo {
		s.alts = append(s.alts, alternative{stems: stemsOf(to), weight: weightSynonym})
	}
	return best, s
}

func stemsOf(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Stem
	}
	return out
}

// word builds the slot of one word.
func (l *lexicon) word(t Token) slot {
	s := slot{word: t.Form}
	add := func(stems []string, w float64) {
		for _, a := range s.alts {
			if slices.Equal(a.stems, stems) {
				return
			}
		}
		s.alts = append(s.alts, alternative{stems: stems, weight: w, base: t.Stem})
	}
	s.alts = append(s.alts, alternative{stems: []string{t.Stem}, weight: weightExact, form: t.Form})
	known := l.known(t.Stem)
	synonyms := l.addSynonyms(t.Stem, 1, add)
	if runeKind(rune(t.Form[0])) == 2 {
		return s
	}
	for _, v := range verbForms(t.Form) {
		if v != t.Stem && l.known(v) {
			add([]string{v}, weightVerbForm)
			known = true
		}
	}
	for _, c := range l.containedIn[t.Stem] {
		add([]string{c}, weightPart)
	}
	if len(t.Form) >= minCompound {
		if parts := l.split(t.Form, map[string][]string{}); len(parts) >= 2 {
			a := alternative{stems: make([]string, len(parts)), weight: weightSplit, base: t.Stem, or: map[string][]string{}}
			for i, p := range parts {
				a.stems[i] = Stem(p)
				if !l.known(a.stems[i]) {
					a.stems[i] = Stem(undoubleVowel(p))
				}
				if cs := l.containedIn[a.stems[i]]; len(cs) > 0 {
					a.or[a.stems[i]] = cs
				}
			}
			s.alts = append(s.alts, a)
		}
	}
	if known || synonyms {
		return s
	}
	// A word nobody wrote: maybe the beginning of one that is known (a
	// search as you type), or a typo of one.
	if len(t.Form) >= minPart {
		for _, f := range l.prefixed(t.Form) {
			add([]string{l.forms[f]}, weightPrefix)
		}
	}
	for _, m := range l.fuzzy(t.Form, typoBudget(len(t.Form))) {
		w := weightTypo1
		if m.dist > 1 {
			w = weightTypo2
		}
		stem := Stem(m.word)
		if l.known(stem) {
			add([]string{stem}, w)
		}
		l.addSynonyms(stem, w, add)
	}
	return s
}

// addSynonyms adds the one-word synonyms of a stem, weighed by factor; it
// reports whether there were any.
func (l *lexicon) addSynonyms(stem string, factor float64, add func([]string, float64)) bool {
	found := false
	for _, r := range l.synonyms[stem] {
		if len(r.from) != 1 {
			continue
		}
		for _, to := range r.to {
			add(stemsOf(to), weightSynonym*factor)
			found = true
		}
	}
	return found
}

// typoBudget is how many typos a word of n letters may hold: none below
// five letters (too many short words lie one letter apart), one up to eight,
// two from nine.
func typoBudget(n int) int {
	switch {
	case n < 5:
		return 0
	case n < 9:
		return 1
	}
	return 2
}

// suggestion is the search with each word the public vocabulary does not
// know replaced by the closest one it does, or "" when there is nothing to
// replace or nothing close. Short words may be one typo off, longer ones two,
// the longest three.
func (l *lexicon) suggestion(text string) string {
	words := Words(strings.ReplaceAll(text, "-", ""))
	if len(words) > MaxWords {
		words = words[:MaxWords]
	}
	changed := false
	for i, w := range words {
		if IsStopWord(w) || runeKind(rune(w[0])) == 2 || len(w) < 3 {
			continue
		}
		stem := Stem(w)
		if l.known(stem) || len(l.synonyms[stem]) > 0 {
			continue
		}
		budget := 1
		switch {
		case len(w) >= 10:
			budget = 3
		case len(w) >= 5:
			budget = 2
		}
		best, bestDF := "", -1
		for _, m := range l.fuzzy(w, budget) {
			if best != "" && m.dist > distance(w, best, budget) {
				break
			}
			df := l.stems[Stem(m.word)]
			if _, ok := l.forms[m.word]; ok && df > bestDF {
				best, bestDF = m.word, df
			}
		}
		if best != "" {
			words[i], changed = best, true
		}
	}
	if !changed {
		return ""
	}
	return strings.Join(words, " ")
}
