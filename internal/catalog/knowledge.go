package catalog

import (
	"regexp"
	"strconv"
	"strings"
)

// AnswerVariant is how one channel words an answer of the question-and-answer
// base: the phone script for 14010, a short chat reply, a webcare reply, a note
// for the counter. It must not contradict the main answer (see CheckVariant).
type AnswerVariant struct {
	// Channel is the channel's code, e.g. telefoon, chat, webcare, balie.
	Channel string `json:"channel"`
	// Text is the channel's wording.
	Text string `json:"text"`
}

// A variant "must not contradict the main answer". CheckVariant holds a
// variant to that in the one way a program can check reliably: the facts a
// resident acts on — amounts of money, durations, web addresses and phone
// numbers — that a variant states must all occur in the main answer. A variant
// may leave facts out (a chat reply is short) and say everything else in its
// own words. What it cannot see: facts written out in words ("vijf dagen"),
// dates, conditions ("alleen met DigiD"), or a variant that says the opposite
// in plain language ("u hoeft geen afspraak te maken"); reviewers still read
// variants beside the main answer.

var (
	amountPattern   = regexp.MustCompile(`(?i)(?:€|eur\b|euro\b)\s?(\d+(?:\.\d{3})*(?:,\d+|,-)?)|(\d+(?:\.\d{3})*(?:,\d+|,-)?)\s?(?:euro|eur)\b`)
	durationPattern = regexp.MustCompile(`(?i)\b(\d+)\s?(werkdagen|werkdag|dagen|dag|weken|week|maanden|maand|jaren|jaar|uren|uur|minuten|minuut)\b`)
	urlPattern      = regexp.MustCompile(`(?i)\b(?:https?://)?(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:nl|com|org|eu|net)\b(?:/[^\s,;)]*)?`)
	phonePattern    = regexp.MustCompile(`\b(?:14\s?0\d{2}|0800[\s-]?\d{4}|0900[\s-]?\d{4}|0\d{1,3}[\s-]?\d{6,8})\b`)
	durationUnits   = map[string]string{"werkdagen": "werkdag", "dagen": "dag", "weken": "week", "maanden": "maand", "jaren": "jaar", "uren": "uur", "minuten": "minuut"}
)

// Fact is one checkable statement of an answer.
type Fact struct {
	// Kind is amount, duration, url or phone.
	Kind string
	// Value is the fact in a canonical form: 77.35, 5 werkdag, rotterdam.nl/paspoort, 14010.
	Value string
	// Text is how the answer wrote it.
	Text string
}

// Facts lists the checkable facts of a text (see CheckVariant).
func Facts(text string) []Fact {
	var out []Fact
	for _, m := range amountPattern.FindAllStringSubmatch(text, -1) {
		n := m[1]
		if n == "" {
			n = m[2]
		}
		n = strings.TrimSuffix(strings.ReplaceAll(n, ".", ""), ",-")
		n = strings.ReplaceAll(n, ",", ".")
		if f, err := strconv.ParseFloat(n, 64); err == nil {
			out = append(out, Fact{Kind: "amount", Value: strconv.FormatFloat(f, 'f', 2, 64), Text: strings.TrimSpace(m[0])})
		}
	}
	for _, m := range durationPattern.FindAllStringSubmatch(text, -1) {
		unit := strings.ToLower(m[2])
		if u, ok := durationUnits[unit]; ok {
			unit = u
		}
		out = append(out, Fact{Kind: "duration", Value: m[1] + " " + unit, Text: m[0]})
	}
	for _, m := range urlPattern.FindAllString(text, -1) {
		m = strings.TrimRight(m, ".")
		v := strings.ToLower(m)
		v = strings.TrimPrefix(strings.TrimPrefix(v, "https://"), "http://")
		v = strings.TrimPrefix(v, "www.")
		v = strings.TrimRight(v, "/.")
		out = append(out, Fact{Kind: "url", Value: v, Text: m})
	}
	for _, m := range phonePattern.FindAllString(text, -1) {
		v := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m)
		out = append(out, Fact{Kind: "phone", Value: v, Text: m})
	}
	return out
}

var factNames = map[string]string{"amount": "amount", "duration": "duration", "url": "web address", "phone": "phone number"}

// CheckVariant returns a FieldError for field when the variant states a
// fact that the main answer does not (see the comment above Facts).
func CheckVariant(field, main, variant string) error {
	have := map[Fact]bool{}
	for _, f := range Facts(main) {
		have[Fact{Kind: f.Kind, Value: f.Value}] = true
	}
	for _, f := range Facts(variant) {
		if !have[Fact{Kind: f.Kind, Value: f.Value}] {
			return fieldErr("answer", field, "contradicts",
				"this variant states the %s %q, which the main answer does not; a variant may leave facts out, but every amount, duration, web address and phone number it gives must be the main answer's",
				factNames[f.Kind], f.Text)
		}
	}
	return nil
}
