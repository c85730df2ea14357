package search

import (
	"slices"
	"strings"
)

// stats are the figures BM25 needs about one kind of record in one
// municipality: how many there are, their fields' average lengths, and in how
// many records each stem occurs.
type stats struct {
	n      int
	avgLen [numFields]float64
	df     map[string]int
}

// lexicon is what search knows about one municipality's words: the ranking
// figures per kind, the vocabulary of its public records (for typos,
// compounds and "did you mean"), the compounds each word is part of, and the
// synonyms that apply. It is built from the index itself and kept until the
// municipality's search version moves (see Engine).
type lexicon struct {
	version int64
	kinds   map[Kind]*stats
	// forms maps every form of the public vocabulary to its stem; stems counts
	// in how many public records each stem occurs.
	forms map[string]string
	stems map[string]int
	// byLen lists the forms (and the synonyms' words) by length, for the
	// typo search; sorted lists the forms in order, for word beginnings.
	byLen  map[int][]string
	sorted []string
	// containedIn maps a stem to the stems of the compounds it is part of
	// (vergun → parkeervergun, kapvergun).
	containedIn map[string][]string
	synonyms    map[string][]synonymRule
}

// indexed is a record as read from the index.
type indexed struct {
	id     int
	kind   Kind
	public bool
	doc    Document
}

// minCompound and minPart bound compound splitting: a compound has at least
// seven letters, each part at least three (kap in kapvergunning).
const (
	minCompound = 7
	minPart     = 3
)

func buildLexicon(version int64, records []indexed, synonyms map[string][]synonymRule) *lexicon {
	l := &lexicon{version: version, kinds: map[Kind]*stats{}, forms: map[string]string{},
		stems: map[string]int{}, byLen: map[int][]string{}, containedIn: map[string][]string{}, synonyms: synonyms}
	var lengths = map[Kind]*[numFields]int{}
	seen := map[string]bool{}
	for _, r := range records {
		st := l.kinds[r.kind]
		if st == nil {
			st = &stats{df: map[string]int{}}
			l.kinds[r.kind] = st
			lengths[r.kind] = &[numFields]int{}
		}
		st.n++
		clear(seen)
		for f, toks := range r.doc.Fields {
			lengths[r.kind][f] += len(toks)
			for _, t := range toks {
				if seen[t.Stem] {
					continue
				}
				seen[t.Stem] = true
				st.df[t.Stem]++
				if r.public {
					l.stems[t.Stem]++
				}
			}
			if r.public {
				for _, t := range toks {
					l.forms[t.Form] = t.Stem
				}
			}
		}
	}
	for k, st := range l.kinds {
		for f := range st.avgLen {
			st.avgLen[f] = float64(lengths[k][f]) / float64(st.n)
		}
	}
	words := map[string]bool{}
	for f := range l.forms {
		words[f] = true
	}
	for _, rules := range synonyms {
		for _, r := range rules {
			for _, to := range r.to {
				for _, t := range to {
					words[t.Form] = true
				}
			}
		}
	}
	for first, rules := range synonyms {
		for _, r := range rules {
			if len(r.from) == 1 {
				words[first] = true
			}
		}
	}
	for w := range words {
		if runeKind(rune(w[0])) == 1 {
			l.byLen[len(w)] = append(l.byLen[len(w)], w)
		}
	}
	for _, ws := range l.byLen {
		slices.Sort(ws)
	}
	for f := range l.forms {
		if runeKind(rune(f[0])) == 1 {
			l.sorted = append(l.sorted, f)
		}
	}
	slices.Sort(l.sorted)
	// Compounds: every public form long enough is split into known parts;
	// each part (and each tail of two or more parts) leads to the compound.
	memo := map[string][]string{}
	for f, stem := range l.forms {
		if len(f) < minCompound || runeKind(rune(f[0])) != 1 {
			continue
		}
		parts := l.split(f, memo)
		if len(parts) < 2 {
			continue
		}
		for i, p := range parts {
			l.addPart(Stem(p), stem)
			if i > 0 && i < len(parts)-1 {
				l.addPart(Stem(strings.Join(parts[i:], "")), stem)
			}
		}
	}
	for p, cs := range l.containedIn {
		slices.Sort(cs)
		l.containedIn[p] = slices.Compact(cs)
	}
	return l
}

func (l *lexicon) addPart(part, compound string) {
	if part != compound {
		l.containedIn[part] = append(l.containedIn[part], compound)
	}
}

// isPart reports whether a piece of a word is a word of the vocabulary: a
// form, a stem, or a stem once its doubled vowel is shortened (parkeer).
func (l *lexicon) isPart(p string) bool {
	if len(p) < minPart || IsStopWord(p) {
		return false
	}
	if _, ok := l.forms[p]; ok {
		return true
	}
	if l.stems[p] > 0 {
		return true
	}
	return l.stems[undoubleVowel(p)] > 0
}

// split splits a word into known parts, fewest parts first and, among
// those, the longest last part (the head of a Dutch compound is at its end).
// Linking letters between parts (hond-en-belasting, bijstand-s-uitkering)
// are left out. It returns nil when the word is no compound of known words.
func (l *lexicon) split(w string, memo map[string][]string) []string {
	if parts, ok := memo[w]; ok {
		return parts
	}
	memo[w] = nil // no cycles
	var best []string
	for i := minPart; i <= len(w)-minPart; i++ {
		head, tail := w[:i], w[i:]
		h := l.head(head)
		if h == "" {
			continue
		}
		if l.isPart(tail) {
			best = []string{h, tail}
			break
		}
		if best == nil && len(tail) >= minCompound {
			if rest := l.split(tail, memo); len(rest) >= 2 {
				best = append([]string{h}, rest...)
			}
		}
	}
	memo[w] = best
	return best
}

// head returns the first part of a compound without its linking letters,
// or "" when it is no known word.
func (l *lexicon) head(h string) string {
	if l.isPart(h) {
		return h
	}
	for _, link := range []string{"s", "en", "e", "n"} {
		if base, ok := strings.CutSuffix(h, link); ok && l.isPart(base) {
			return base
		}
	}
	return ""
}

// fuzzy returns the words of the vocabulary within maxDist edits of w
// (insert, delete, replace or swap two neighbours), closest first.
func (l *lexicon) fuzzy(w string, maxDist int) []match {
	var out []match
	for n := len(w) - maxDist; n <= len(w)+maxDist; n++ {
		for _, c := range l.byLen[n] {
			if d := distance(w, c, maxDist); d <= maxDist && c != w {
				out = append(out, match{c, d})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b match) int { return a.dist - b.dist })
	return out
}

type match struct {
	word string
	dist int
}

// distance is the optimal-string-alignment distance between a and b, or
// max+1 once it is certain to exceed max.
func distance(a, b string, max int) int {
	if a == b {
		return 0
	}
	la, lb := len(a), len(b)
	if la-lb > max || lb-la > max {
		return max + 1
	}
	prev2 := make([]int, lb+1)
	prev := make([]int, lb+1)
	cur := make([]int, lb+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}

// maxPrefixed bounds the words one word beginning stands for.
const maxPrefixed = 30

// prefixed returns the forms of the public vocabulary that start with p and
// are longer, most frequent first.
func (l *lexicon) prefixed(p string) []string {
	i, _ := slices.BinarySearch(l.sorted, p)
	var out []string
	for ; i < len(l.sorted) && strings.HasPrefix(l.sorted[i], p); i++ {
		if l.sorted[i] != p {
			out = append(out, l.sorted[i])
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return l.stems[l.forms[b]] - l.stems[l.forms[a]] })
	if len(out) > maxPrefixed {
		out = out[:maxPrefixed]
	}
	return out
}

// known reports whether a stem occurs in the public vocabulary.
func (l *lexicon) known(stem string) bool { return l.stems[stem] > 0 }
