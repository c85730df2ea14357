package plainlang

import "strings"

// Passive constructions in Dutch: a form of "worden" with a past participle
// in the same clause (wordt verstrekt, kan worden aangevraagd, die door de
// gemeente wordt betaald), or a form of "zijn" with a participle and "door"
// (is door de gemeente vastgesteld). "Zijn" without "door" is left alone: it
// is as often the perfect of an active verb (is verhuisd) or an adjective
// (is verplicht).
var (
	worden = map[string]bool{"word": true, "wordt": true, "worden": true, "werd": true, "werden": true, "geworden": true}
	zijn   = map[string]bool{"is": true, "zijn": true, "was": true, "waren": true, "ben": true, "bent": true}
)

// separable prefixes put "ge" inside the participle: aangevraagd, opgestuurd.
var separable = []string{"aan", "af", "bij", "door", "in", "mee", "na", "om", "op", "over", "terug", "toe", "uit", "vast", "voor", "weg", "neer", "samen", "tegen", "vrij", "thuis"}

// inseparable prefixes take no "ge": betaald, verstrekt, ontvangen, herzien.
var inseparable = []string{"be", "ver", "ont", "her", "er"}

// notParticiple are words shaped like a participle that are not one.
var notParticiple = map[string]bool{
	"gebied": true, "gezond": true, "geboortegrond": true, "gemiddeld": true, "geld": true, "gelden": true,
	"gebruiken": true, "geven": true, "genoeg": true, "geleden": true, "gewoon": true, "gesprek": true,
	"bericht": true, "betekent": true, "bedrijven": true, "verschillend": true, "verkeerd": true, "bekend": true,
	"belangrijk": true, "bestaan": true, "beginnen": true, "verder": true, "verleden": true, "ervaren": true,
	"ontvangt": true, "betaalt": true, "verhuist": true, "verlengt": true, "bestaat": true, "bereikt": true,
	"verstandig": true,
}

// isParticiple guesses from the shape of a word whether it is a past
// participle: ge…d/t/en, with a separable prefix before the ge, or one of
// the inseparable prefixes and …d/t/en.
func isParticiple(w string) bool {
	if notParticiple[w] || len(w) < 6 {
		return false
	}
	for _, end := range []string{"heid", "tijd", "teit", "baar", "lijk", "ment"} {
		if strings.HasSuffix(w, end) {
			return false
		}
	}
	if !strings.HasSuffix(w, "d") && !strings.HasSuffix(w, "t") && !strings.HasSuffix(w, "en") {
		return false
	}
	if strings.HasPrefix(w, "ge") {
		return true
	}
	for _, p := range separable {
		if rest, ok := strings.CutPrefix(w, p); ok && strings.HasPrefix(rest, "ge") && len(rest) >= 5 {
			return true
		}
	}
	for _, p := range inseparable {
		if rest, ok := strings.CutPrefix(w, p); ok && len(rest) >= 4 {
			// …en is an infinitive as often as a participle (betalen): only
			// the strong participles of the seed's verbs count.
			if strings.HasSuffix(w, "en") {
				return strongParticiple[w]
			}
			return true
		}
	}
	return false
}

// strongParticiple are participles on -en with an inseparable prefix, which
// look like infinitives.
var strongParticiple = map[string]bool{
	"ontvangen": true, "vergeten": true, "verboden": true, "besloten": true, "bevonden": true,
	"verkregen": true, "verstreken": true, "vervangen": true, "beschreven": true, "ontheven": true, "verheven": true, "bewezen": true, "verworven": true,
}

// passives finds the passive constructions of a sentence, clause by clause.
func passives(toks []token) []string {
	var out []string
	start := 0
	for i, t := range toks {
		if !t.ClauseEnd {
			continue
		}
		out = append(out, clausePassives(toks[start:i+1])...)
		start = i + 1
	}
	return out
}

func clausePassives(cl []token) []string {
	hasDoor := false
	for _, t := range cl {
		if t.Lower == "door" {
			hasDoor = true
		}
	}
	var out []string
	for i, t := range cl {
		if !worden[t.Lower] && !(hasDoor && zijn[t.Lower]) {
			continue
		}
		// The participle stands after the auxiliary in a main clause and
		// before it in a subordinate one: look both ways, nearest first.
		for d := 1; d < len(cl); d++ {
			if j := i + d; j < len(cl) && isParticiple(cl[j].Lower) && !cl[j].Name {
				out = append(out, phrase(cl[i:j+1]))
				return out
			}
			if j := i - d; j >= 0 && isParticiple(cl[j].Lower) && !cl[j].Name {
				out = append(out, phrase(cl[j:i+1]))
				return out
			}
		}
	}
	return out
}

// phrase shows a construction briefly: its ends, and … for what is between.
func phrase(toks []token) string {
	if len(toks) <= 3 {
		return strings.Join(wordsOf(toks), " ")
	}
	return toks[0].Word + " … " + toks[len(toks)-1].Word
}
