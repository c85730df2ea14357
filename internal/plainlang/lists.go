package plainlang

import (
	_ "embed"
	"strings"
)

// The word lists the check ships: jargon.txt (officialese with alternatives,
// by hand), common.txt (everyday words, by hand) and frequent.txt (the words
// of the seed's texts, built by TestFrequentList; see docs/readiness.md).
var (
	//go:embed jargon.txt
	jargonFile string
	//go:embed common.txt
	commonFile string
	//go:embed frequent.txt
	frequentFile string
)

// jargonTerm is one entry of jargon.txt.
type jargonTerm struct {
	words       []string // lower case; a trailing * matches any ending
	alternative string
}

var (
	jargon []jargonTerm
	// jargonByFirst indexes the terms by their first word; jargonPrefixed
	// are those whose first word ends in *, tried everywhere.
	jargonByFirst  = map[string][]int{}
	jargonPrefixed []int
	fixedNames     [][]string
	known          = map[string]bool{}
)

func init() {
	for line := range strings.Lines(jargonFile) {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "!"):
			fixedNames = append(fixedNames, strings.Fields(strings.TrimPrefix(line, "!")))
		default:
			term, alt, _ := strings.Cut(line, "|")
			jargon = append(jargon, jargonTerm{words: strings.Fields(term), alternative: strings.TrimSpace(alt)})
		}
	}
	for k, j := range jargon {
		if strings.HasSuffix(j.words[0], "*") {
			jargonPrefixed = append(jargonPrefixed, k)
		} else {
			jargonByFirst[j.words[0]] = append(jargonByFirst[j.words[0]], k)
			if bare := strings.TrimSuffix(j.words[0], "."); bare != j.words[0] {
				jargonByFirst[bare] = append(jargonByFirst[bare], k) // c.q without its stop
			}
		}
	}
	for _, f := range []string{commonFile, frequentFile} {
		for line := range strings.Lines(f) {
			if strings.HasPrefix(line, "#") {
				continue
			}
			for _, w := range strings.Fields(line) {
				known[strings.ToLower(w)] = true
			}
		}
	}
	// Officialese never counts as an everyday word, even where the seed uses it.
	for _, j := range jargon {
		if len(j.words) == 1 && !strings.HasSuffix(j.words[0], "*") {
			delete(known, j.words[0])
		}
	}
}

// matches reports whether the jargon term's words stand at toks[i:].
func (j jargonTerm) matches(toks []token, i int) bool {
	if i+len(j.words) > len(toks) {
		return false
	}
	for k, w := range j.words {
		got := toks[i+k].Lower
		if prefix, ok := strings.CutSuffix(w, "*"); ok {
			if !strings.HasPrefix(got, prefix) {
				return false
			}
		} else if got != w && got != strings.TrimSuffix(w, ".") {
			return false
		}
	}
	return true
}

// suffixes are the endings a word's other forms add (aanvragen, aanvraagt,
// kinderen, auto's, grotere): a word is known when it is, or when it is
// without one of these.
var suffixes = []string{"'s", "’s", "s", "en", "n", "e", "t", "te", "ten", "de", "den", "er", "ere", "ste", "je", "jes", "tje", "tjes", "d"}

// isKnown reports whether a word (lower case) is in the lists, in another
// form, or a compound of two known words (afvalcontainer, parkeerkaart),
// possibly joined by -s- or -e(n)- (stadsdeel, bomenkap).
func isKnown(w string) bool { return knownForm(w) || isCompound(w, 2) }

func knownForm(w string) bool {
	if known[w] {
		return true
	}
	for _, s := range suffixes {
		if stem, ok := strings.CutSuffix(w, s); ok && len(stem) >= 2 {
			if known[stem] || known[undouble(stem)] || known[stem+"en"] || known[voiced(stem)+"en"] || known[undouble(stem)+"en"] {
				return true
			}
		}
	}
	return false
}

// undouble restores a stem's long vowel or single consonant that Dutch
// spelling changes in other forms: maakt → maak, lopen → lop → loop is
// too far; vragen → vrag → vraag.
func undouble(stem string) string {
	n := len(stem)
	if n < 3 {
		return stem
	}
	v := stem[n-2]
	if strings.IndexByte("aeou", v) >= 0 && strings.IndexByte("aeiou", stem[n-3]) < 0 {
		return stem[:n-1] + string(v) + stem[n-1:]
	}
	return stem
}

// voiced gives back the v or z that a stem's f or s stands for before -en:
// blijft → blijf → blijven, leest → lees → lezen.
func voiced(stem string) string {
	switch {
	case strings.HasSuffix(stem, "f"):
		return stem[:len(stem)-1] + "v"
	case strings.HasSuffix(stem, "s"):
		return stem[:len(stem)-1] + "z"
	}
	return stem
}

func isCompound(w string, depth int) bool {
	if depth == 0 || len(w) < 6 {
		return false
	}
	for i := 3; i <= len(w)-3; i++ {
		head, tail := w[:i], w[i:]
		if !knownForm(tail) && !isCompound(tail, depth-1) {
			continue
		}
		if known[head] || knownForm(head) {
			return true
		}
		for _, link := range []string{"s", "e", "en"} {
			if h, ok := strings.CutSuffix(head, link); ok && len(h) >= 3 && known[h] {
				return true
			}
		}
	}
	return false
}
