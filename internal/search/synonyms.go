package search

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed synonyms.txt
var builtinText string

// Synonym is one entry of the synonym list: Terms mean the same when LeadsTo
// is empty; otherwise each of Terms leads to LeadsTo (residents' words to the
// catalogue's), not back.
type Synonym struct {
	Terms   []string
	LeadsTo string
}

// Builtin is the synonym list kept in the repository (synonyms.txt).
var Builtin = func() []Synonym {
	s, err := ParseSynonyms(builtinText)
	if err != nil {
		panic(err)
	}
	return s
}()

// ParseSynonyms reads a synonym list: one entry a line, "a = b = c" or
// "a, b -> c"; # starts a comment.
func ParseSynonyms(text string) ([]Synonym, error) {
	var out []Synonym
	for n, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var s Synonym
		if from, to, ok := strings.Cut(line, "->"); ok {
			s = Synonym{Terms: splitTerms(from, ","), LeadsTo: strings.TrimSpace(to)}
		} else {
			s = Synonym{Terms: splitTerms(line, "=")}
		}
		if err := s.Check(); err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func splitTerms(s, sep string) []string {
	var out []string
	for _, t := range strings.Split(s, sep) {
		out = append(out, strings.TrimSpace(t))
	}
	return out
}

// Synonym limits.
const (
	MaxSynonymTerms = 20
	MaxTermLength   = 60
)

// Check says what is wrong with an entry, in words an admin understands.
func (s Synonym) Check() error {
	switch {
	case s.LeadsTo == "" && len(s.Terms) < 2:
		return fmt.Errorf("give at least two words that mean the same, or the word they lead to")
	case len(s.Terms) == 0:
		return fmt.Errorf("give at least one word that leads to %q", s.LeadsTo)
	case len(s.Terms) > MaxSynonymTerms:
		return fmt.Errorf("at most %d words in one entry; this one has %d", MaxSynonymTerms, len(s.Terms))
	}
	for _, t := range append([]string{s.LeadsTo}, s.Terms...) {
		if len(t) > MaxTermLength {
			return fmt.Errorf("%.20q… is longer than %d characters", t, MaxTermLength)
		}
	}
	for _, t := range s.Terms {
		if len(termTokens(t)) == 0 {
			return fmt.Errorf("%q holds no word search can use (empty, or only words such as de, het, een)", t)
		}
	}
	if s.LeadsTo != "" && len(termTokens(s.LeadsTo)) == 0 {
		return fmt.Errorf("%q holds no word search can use (empty, or only words such as de, het, een)", s.LeadsTo)
	}
	return nil
}

// termTokens analyzes a synonym's term: words joined by a hyphen count as
// one (id-kaart is idkaart), as the index holds them too.
func termTokens(term string) []Token {
	return Analyze(strings.ReplaceAll(term, "-", ""))
}

// synonymRule is an entry compiled for matching: a query whose stems run as
// from finds the terms of to.
type synonymRule struct {
	from []string
	to   [][]Token
}

// compileSynonyms turns entries into rules keyed by their first stem.
func compileSynonyms(entries ...[]Synonym) map[string][]synonymRule {
	rules := map[string][]synonymRule{}
	add := func(from []Token, to [][]Token) {
		if len(from) == 0 || len(to) == 0 {
			return
		}
		stems := make([]string, len(from))
		for i, t := range from {
			stems[i] = t.Stem
		}
		rules[stems[0]] = append(rules[stems[0]], synonymRule{from: stems, to: to})
	}
	for _, list := range entries {
		for _, s := range list {
			terms := make([][]Token, 0, len(s.Terms))
			for _, t := range s.Terms {
				if toks := termTokens(t); len(toks) > 0 {
					terms = append(terms, toks)
				}
			}
			if s.LeadsTo != "" {
				to := termTokens(s.LeadsTo)
				for _, from := range terms {
					add(from, [][]Token{to})
				}
				continue
			}
			for i, from := range terms {
				var others [][]Token
				for j, t := range terms {
					if i != j {
						others = append(others, t)
					}
				}
				add(from, others)
			}
		}
	}
	return rules
}
