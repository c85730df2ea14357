package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Token is one word of a text as search sees it: its form (lower case,
// without accents) and its stem (the form with its Dutch ending taken off).
type Token struct {
	Form, Stem string
}

// maxTokenLen bounds a word; longer ones are cut (no Dutch word needs more).
const maxTokenLen = 40

// folder takes accents off: é → e, ü → u.
var folder = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// letters maps the letters that lose no accent in NFD to ASCII, so that
// every word is [a-z0-9] and both databases' tokenizers see the same words.
var letters = strings.NewReplacer("ß", "ss", "æ", "ae", "ø", "o", "œ", "oe", "ł", "l", "đ", "d", "ı", "i", "ĳ", "ij")

// Fold lower-cases a text and takes the accents off.
func Fold(text string) string {
	t := folder.Get().(transform.Transformer)
	defer folder.Put(t)
	t.Reset()
	folded, _, err := transform.String(t, strings.ToLower(text))
	if err != nil {
		folded = strings.ToLower(text)
	}
	return letters.Replace(folded)
}

// Words splits a text into its folded words, in order, stop words included:
// runs of letters a–z and runs of digits, so "2e" is "2" and "e". An
// apostrophe inside a word is dropped (auto's → autos); words joined by a
// hyphen also come as one word after their parts (ID-kaart → id, kaart,
// idkaart), because residents write both.
func Words(text string) []string {
	s := Fold(text)
	var out, group []string
	flush := func() {
		if len(group) > 1 {
			out = append(out, clip(strings.Join(group, "")))
		}
		group = group[:0]
	}
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		kind := runeKind(r)
		if kind == 0 {
			// A hyphen between two words keeps their group open; anything else closes it.
			if r != '-' || i == 0 || i+size >= len(s) || runeKind(rune(s[i-1])) == 0 || runeKind(rune(s[i+size])) == 0 {
				flush()
			}
			i += size
			continue
		}
		start := i
		var b strings.Builder
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == '\'' || r == '’' {
				// auto's, baby's: the apostrophe joins, when letters follow.
				if i+size < len(s) && runeKind(rune(s[i+size])) == kind && kind == 1 && i > start {
					i += size
					continue
				}
				break
			}
			if runeKind(r) != kind {
				break
			}
			b.WriteRune(r)
			i += size
		}
		w := clip(b.String())
		out = append(out, w)
		group = append(group, w)
		if i < len(s) && runeKind(rune(s[i])) != 0 {
			// letters run into digits (2e, wmo2015): two words, no group.
			flush()
		}
	}
	flush()
	return out
}

// runeKind is 1 for a–z, 2 for 0–9, 0 for anything else.
func runeKind(r rune) int {
	switch {
	case r >= 'a' && r <= 'z':
		return 1
	case r >= '0' && r <= '9':
		return 2
	}
	return 0
}

func clip(w string) string {
	if len(w) > maxTokenLen {
		return w[:maxTokenLen]
	}
	return w
}

// Analyze turns a text into its tokens: folded words without stop words,
// each with its stem.
func Analyze(text string) []Token {
	words := Words(text)
	out := make([]Token, 0, len(words))
	for _, w := range words {
		if IsStopWord(w) {
			continue
		}
		out = append(out, Token{Form: w, Stem: Stem(w)})
	}
	return out
}

var stemmers = sync.Pool{New: func() any { return snowballstem.NewEnv("") }}

// Stem returns the stem of a folded word: the Snowball Dutch stemmer's, with
// three alternations it leaves in place taken out, so that more forms of one
// word meet: a doubled last consonant (kapp → kap, vergunn → vergun), and a
// last z or v (rijbewijz → rijbewijs, verhuiz → verhuis, lev → lef).
func Stem(word string) string {
	if word == "" || runeKind(rune(word[0])) == 2 {
		return word
	}
	env := stemmers.Get().(*snowballstem.Env)
	defer stemmers.Put(env)
	env.SetCurrent(word)
	dutch.Stem(env)
	return normalizeStem(env.Current())
}

func normalizeStem(s string) string {
	n := len(s)
	if n < 3 {
		return s
	}
	last := s[n-1]
	if last == s[n-2] && !isVowel(last) {
		s = s[:n-1]
		n--
		last = s[n-1]
	}
	switch last {
	case 'z':
		s = s[:n-1] + "s"
	case 'v':
		s = s[:n-1] + "f"
	}
	return s
}

func isVowel(b byte) bool {
	switch b {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// undoubleVowel shortens a doubled vowel in a word's last syllable (parkeer
// → parker), as the stemmer does to stems, so that the first part of a
// compound can be looked up among the stems.
func undoubleVowel(w string) string {
	n := len(w)
	if n >= 4 && !isVowel(w[n-1]) && isVowel(w[n-2]) && w[n-2] == w[n-3] && !isVowel(w[n-4]) && w[n-2] != 'i' {
		return w[:n-2] + w[n-1:]
	}
	return w
}
