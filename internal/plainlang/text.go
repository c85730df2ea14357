package plainlang

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a sentence as written (Word) and folded to lower case
// (Lower). Name marks a word that starts with a capital or holds digits or
// several capitals away from the sentence's start (Rotterdam, DigiD, WOZ,
// 14): names and codes, which the word lists cannot judge.
type token struct {
	Word, Lower string
	Name        bool
	// ClauseEnd: a comma, semicolon or colon follows the word, or the
	// sentence ends; passive constructions are looked for within clauses.
	ClauseEnd bool
}

type sentence struct {
	Text   string
	Tokens []token
}

// abbreviations end in a full stop that does not end a sentence.
var abbreviations = map[string]bool{
	"bijv": true, "bv": true, "o.a": true, "d.w.z": true, "z.s.m": true, "etc": true, "enz": true,
	"nr": true, "tel": true, "incl": true, "excl": true, "ca": true, "mr": true, "mevr": true,
	"dhr": true, "drs": true, "ir": true, "dr": true, "jl": true, "a.s": true, "i.v.m": true,
	"t.b.v": true, "m.b.t": true, "e.e.a": true, "c.q": true, "t.a.v": true, "n.a.v": true,
	"o.b.v": true, "i.p.v": true, "vgl": true, "zgn": true, "art": true, "blz": true, "max": true, "min": true,
}

// sentences splits a text into sentences: at . ! ? followed by a space and a
// capital, a digit or a quote, at the end of the text, and at line breaks
// (lists and headings are sentences of their own). A full stop after a known
// abbreviation, inside a web address or a number (rotterdam.nl, 12.50) does
// not end a sentence.
func sentences(text string) []sentence {
	var out []sentence
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		toks := tokenize(s)
		if len(toks) == 0 {
			return
		}
		out = append(out, sentence{Text: s, Tokens: toks})
	}
	for line := range strings.Lines(text) {
		start := 0
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c != '.' && c != '!' && c != '?' {
				continue
			}
			// Runs of punctuation (?!, ...) end together.
			j := i
			for j+1 < len(line) && strings.IndexByte(".!?\"'”’)", line[j+1]) >= 0 {
				j++
			}
			rest := line[j+1:]
			if strings.TrimSpace(rest) != "" {
				if rest[0] != ' ' && rest[0] != '\t' {
					continue // rotterdam.nl, 12.50
				}
				next, _ := utf8.DecodeRuneInString(strings.TrimLeft(rest, " \t"))
				if !unicode.IsUpper(next) && !unicode.IsDigit(next) && !strings.ContainsRune("\"'‘“(", next) {
					continue
				}
			}
			if c == '.' && abbreviations[strings.ToLower(lastWord(line[start:i]))] {
				continue
			}
			add(line[start : j+1])
			start = j + 1
			i = j
		}
		add(line[start:])
	}
	return out
}

// lastWord is the run of letters and inner full stops before the end of s.
func lastWord(s string) string {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		i -= size
	}
	return strings.Trim(s[i:], ".")
}

// tokenize splits a sentence into words: runs of letters, digits, inner
// hyphens and apostrophes (ID-kaart, auto's, 14 010 is two words). Bullets,
// dashes and other punctuation are no words.
func tokenize(s string) []token {
	var out []token
	first := true
	for f := range strings.FieldsSeq(s) {
		end := strings.TrimRightFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		clauseEnd := strings.ContainsAny(f[len(end):], ",;:")
		w := strings.TrimLeftFunc(end, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if w == "" {
			if clauseEnd && len(out) > 0 {
				out[len(out)-1].ClauseEnd = true
			}
			continue
		}
		lower := strings.ToLower(w)
		name := strings.ContainsFunc(w, unicode.IsDigit) || strings.Contains(w, "@") || strings.Contains(lower, ".") ||
			(!first && startsUpper(w)) || upperCount(w) > 1
		out = append(out, token{Word: w, Lower: lower, Name: name, ClauseEnd: clauseEnd})
		first = false
	}
	if len(out) > 0 {
		out[len(out)-1].ClauseEnd = true
	}
	return out
}

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

func upperCount(w string) int {
	n := 0
	for _, r := range w {
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n
}

// letterCount counts the letters of a word (ID-kaart: 7).
func letterCount(w string) int {
	n := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}
