// Package plainlang estimates whether a Dutch text is written at language
// level B1 (taalniveau B1), the level the city promises for everything it
// tells residents. It counts what can be counted — sentence length, long and
// rare words, officialese from a list kept with it, passive constructions —
// and turns that into one estimate with its reasons, in plain Dutch, for the
// product owner who is writing. It cannot read for meaning; docs/readiness.md
// lists what it cannot judge.
package plainlang

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxText is the most characters one check reads: longer texts are checked up
// to here (and say so), so that a check's work is bounded whatever it is given.
const MaxText = 5000

// MaxItems is the most entries each list of a Result holds.
const MaxItems = 50

// The thresholds of the estimate, calibrated on testdata/labelled.tsv
// (docs/readiness.md). A sentence of more than LongSentence words counts
// against the text, one of more than VeryLongSentence twice; a word of
// LongWord letters or more is long.
const (
	LongSentence     = 20
	VeryLongSentence = 30
	AverageSentence  = 15
	LongWord         = 15
	// rareShare: more rare words than this share of the words counts
	// against the text.
	rareShare = 0.15
	// Passing: fewer than this many points (see score).
	passMark = 2.0
)

// Jargon is officialese found in a text, with a plainer way to say it.
type Jargon struct {
	Term        string
	Alternative string
}

// Result is the check of one text.
type Result struct {
	// B1 is the estimate: true when the text is at B1 or below.
	B1 bool
	// Reasons explain the estimate in plain Dutch, the weightiest first.
	Reasons []string
	// Sentences and Words count the text; AverageSentenceLength is Words / Sentences.
	Sentences, Words      int
	AverageSentenceLength float64
	// LongestSentence is the number of words of the longest sentence.
	LongestSentence int
	// LongSentences are the sentences of more than LongSentence words.
	LongSentences []string
	// LongWords have LongWord letters or more; RareWords are in none of the
	// word lists (names and numbers are left out).
	LongWords, RareWords []string
	Jargon               []Jargon
	// Passives are the passive constructions found, as the words between
	// the auxiliary and the participle (wordt … verstrekt).
	Passives []string
	// Truncated: the text was longer than MaxText and only its start was read.
	Truncated bool
}

// Check estimates a text's language level.
func Check(text string) Result {
	// Empty lists, not absent ones: the API answers [] for them.
	r := Result{LongSentences: []string{}, LongWords: []string{}, RareWords: []string{}, Jargon: []Jargon{}, Passives: []string{}}
	if utf8.RuneCountInString(text) > MaxText {
		r.Truncated = true
		n := 0
		for i := range text {
			if n == MaxText {
				text = text[:i]
				break
			}
			n++
		}
	}
	ss := sentences(text)
	r.Sentences = len(ss)
	seenLong, seenRare, seenJargon := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range ss {
		n := len(s.Tokens)
		r.Words += n
		r.LongestSentence = max(r.LongestSentence, n)
		if n > LongSentence {
			appendMax(&r.LongSentences, s.Text)
		}
		skip := fixedNameWords(s.Tokens)
		for i := 0; i < len(s.Tokens); i++ {
			if skip[i] {
				continue
			}
			if j, ok := jargonAt(s.Tokens, i); ok {
				term := strings.Join(wordsOf(s.Tokens[i:i+len(j.words)]), " ")
				if !seenJargon[strings.ToLower(term)] && len(r.Jargon) < MaxItems {
					seenJargon[strings.ToLower(term)] = true
					r.Jargon = append(r.Jargon, Jargon{Term: term, Alternative: j.alternative})
				}
				i += len(j.words) - 1
				continue
			}
			t := s.Tokens[i]
			if t.Name || !isWord(t.Lower) {
				continue
			}
			if letterCount(t.Word) >= LongWord && !seenLong[t.Lower] {
				seenLong[t.Lower] = true
				appendMax(&r.LongWords, t.Word)
			}
			if len(t.Lower) >= 4 && !isKnown(t.Lower) && !seenRare[t.Lower] {
				seenRare[t.Lower] = true
				appendMax(&r.RareWords, t.Word)
			}
		}
		for _, p := range passives(s.Tokens) {
			appendMax(&r.Passives, p)
		}
	}
	if r.Sentences > 0 {
		r.AverageSentenceLength = float64(r.Words) / float64(r.Sentences)
	}
	r.B1, r.Reasons = r.estimate()
	return r
}

func appendMax(list *[]string, s string) {
	if len(*list) < MaxItems {
		*list = append(*list, s)
	}
}

func wordsOf(toks []token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Word
	}
	return out
}

// isWord: letters only, with inner hyphens and apostrophes.
func isWord(w string) bool {
	return letterCount(w) > 0 && !strings.ContainsAny(w, "0123456789@/._")
}

func jargonAt(toks []token, i int) (jargonTerm, bool) {
	best, found := jargonTerm{}, false
	for _, list := range [][]int{jargonByFirst[toks[i].Lower], jargonPrefixed} {
		for _, k := range list {
			if j := jargon[k]; len(j.words) > len(best.words) && j.matches(toks, i) {
				best, found = j, true
			}
		}
	}
	return best, found
}

// fixedNameWords marks the words of the fixed names in jargon.txt.
func fixedNameWords(toks []token) map[int]bool {
	skip := map[int]bool{}
	for i := range toks {
		for _, name := range fixedNames {
			if (jargonTerm{words: name}).matches(toks, i) {
				for k := range name {
					skip[i+k] = true
				}
			}
		}
	}
	return skip
}

// score weighs what was found into points; the text passes with fewer than
// passMark. One piece of officialese or two passives fail a text on their
// own; so does one very long sentence with anything else.
func (r Result) score() float64 {
	p := 2*float64(len(r.Jargon)) + float64(len(r.Passives))
	// Rare words count when there are many: a short summary names its
	// subject (museum, fundering) once, and that is no fault.
	if r.Words > 0 && float64(len(r.RareWords)) > rareShare*float64(r.Words) {
		p++
	}
	for _, s := range r.LongSentences {
		p++
		if len(tokenize(s)) > VeryLongSentence {
			p++
		}
	}
	if r.AverageSentenceLength > AverageSentence {
		p++
	}
	return p
}

// estimate gives the level and the reasons, in plain Dutch for the person
// writing: what to change first, then what else was seen.
func (r Result) estimate() (bool, []string) {
	if r.Words == 0 {
		return true, []string{"Er is nog geen tekst om te controleren."}
	}
	b1 := r.score() < passMark
	var why []string
	if b1 {
		why = append(why, "De tekst is waarschijnlijk op B1-niveau: korte zinnen en gewone woorden.")
	} else {
		why = append(why, "De tekst is waarschijnlijk moeilijker dan B1. Dit kunt u verbeteren:")
	}
	for _, j := range r.Jargon {
		why = append(why, fmt.Sprintf("Schrijf %q in plaats van %q.", j.Alternative, j.Term))
	}
	for _, s := range r.LongSentences {
		n := len(tokenize(s))
		why = append(why, fmt.Sprintf("Deze zin is lang (%d woorden): %q. Maak er twee of meer zinnen van.", n, clip(s)))
	}
	if r.AverageSentenceLength > AverageSentence {
		why = append(why, fmt.Sprintf("De zinnen zijn gemiddeld %.0f woorden lang. Probeer onder de %d te blijven.", r.AverageSentenceLength, AverageSentence))
	}
	for _, p := range r.Passives {
		why = append(why, fmt.Sprintf("Zeg wie het doet in plaats van %q. Bijvoorbeeld: \"Wij sturen u …\" of \"U krijgt …\".", p))
	}
	if len(r.RareWords) > 0 {
		why = append(why, fmt.Sprintf("Deze woorden zijn niet zo bekend: %s. Gebruik een gewoner woord of leg het uit.", strings.Join(r.RareWords, ", ")))
	}
	if len(r.LongWords) > 0 && !b1 {
		why = append(why, fmt.Sprintf("Lange woorden: %s. Kan het korter?", strings.Join(r.LongWords, ", ")))
	}
	if r.Truncated {
		why = append(why, fmt.Sprintf("Alleen de eerste %d tekens zijn gecontroleerd.", MaxText))
	}
	return b1, why
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= 80 {
		return s
	}
	r := []rune(s)
	return string(r[:77]) + "…"
}
