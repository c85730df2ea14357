package seed_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestSeedTexts holds the seed's product texts to what a website can
// publish: every product its own summary and a description, no shouting or
// mangled abbreviations in names, and summaries that say no more about how to
// request a product than its channel cells do.
func TestSeedTexts(t *testing.T) {
	db := storetest.Seeded(t, "sqlite", loadSeed)
	ctx := auth.Allow(context.Background())
	ps, err := db.Client.Product.Query().WithAvailabilities(func(q *ent.AvailabilityQuery) { q.WithChannel() }).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 423 {
		t.Fatalf("%d products", len(ps))
	}
	bySummary := map[string]string{}
	byDescription := map[string]string{}
	for _, p := range ps {
		if other, ok := bySummary[p.Summary]; ok {
			t.Errorf("%s and %s share the summary %q", other, p.Slug, p.Summary)
		}
		bySummary[p.Summary] = p.Slug
		if strings.TrimSpace(p.Description) == "" {
			t.Errorf("%s has no description", p.Slug)
		} else {
			if other, ok := byDescription[p.Description]; ok {
				t.Errorf("%s and %s share the description %q", other, p.Slug, p.Description)
			}
			byDescription[p.Description] = p.Slug
		}
		checkPlainDutch(t, p.Slug, p.Summary)
		checkName(t, p.Slug, p.Name)
		checkAgreesWithCells(t, p)
	}
}

// Abbreviations that are written in capitals (or mixed case) in Dutch.
var abbreviations = map[string]string{
	"brp": "BRP", "woz": "WOZ", "ozb": "OZB", "bsn": "BSN", "bag": "BAG", "vog": "VOG", "wsnp": "WSNP", "oggz": "OGGZ",
	"ggd": "GGD", "biz": "BIZ", "rni": "RNI", "ioaw": "IOAW", "ioaz": "IOAZ", "id": "ID", "vve": "VvE", "eherkenning": "eHerkenning",
	"digid": "DigiD", "wmo": "Wmo", "bbz": "Bbz", "woo": "Woo",
}

func checkName(t *testing.T, slug, name string) {
	t.Helper()
	for _, w := range regexp.MustCompile(`[\p{L}]+`).FindAllString(name, -1) {
		if want, ok := abbreviations[strings.ToLower(w)]; ok && w != want {
			t.Errorf("%s: the name %q writes %s as %q", slug, name, want, w)
		}
	}
	if name != strings.ToUpper(name[:1])+name[1:] && !strings.HasPrefix(name, "eHerkenning") {
		t.Errorf("%s: the name %q does not start with a capital", slug, name)
	}
}

// checkPlainDutch checks what can be checked of B1 without reading: the
// summary speaks to the reader ("u"), is short, and so are its sentences.
func checkPlainDutch(t *testing.T, slug, s string) {
	t.Helper()
	words := strings.Fields(s)
	if len(words) > 40 {
		t.Errorf("%s: the summary has %d words; keep it under 40: %q", slug, len(words), s)
	}
	for _, sentence := range regexp.MustCompile(`[^.?!]+[.?!]`).FindAllString(s, -1) {
		if n := len(strings.Fields(sentence)); n > 25 {
			t.Errorf("%s: a sentence of %d words: %q", slug, n, sentence)
		}
	}
	if !regexp.MustCompile(`(?i)\b(u|uw)\b`).MatchString(s) {
		t.Errorf("%s: the summary does not speak to the reader (u, uw): %q", slug, s)
	}
}

// checkAgreesWithCells: a summary that names a way to request the product
// must agree with that channel's cell as the seed leaves it. "online" or
// "DigiD" needs the website AVAILABLE (with DigiD for "DigiD" when it says
// how to request); "stadswinkel" the counter, "wijkhub" the neighbourhood
// hub, "bel"/"14 010" the phone: AVAILABLE or PARTIAL. Summaries that name
// no channel say nothing to contradict.
func checkAgreesWithCells(t *testing.T, p *ent.Product) {
	t.Helper()
	cell := func(code string) *ent.Availability {
		for _, a := range p.Edges.Availabilities {
			if a.Edges.Channel.Code == code {
				return a
			}
		}
		return nil
	}
	offered := func(code string) bool {
		a := cell(code)
		return a != nil && (a.Status == availability.StatusAVAILABLE || a.Status == availability.StatusPARTIAL)
	}
	s := strings.ToLower(p.Summary)
	// "DigiD" as a subject (learning to use DigiD) is not a way to request.
	requestsOnline := regexp.MustCompile(`\b(online|via internet|op rotterdam\.nl)\b|met digid`).MatchString(s)
	if requestsOnline {
		if w := cell("website"); w == nil || w.Status != availability.StatusAVAILABLE {
			t.Errorf("%s: the summary says it is done online, the website cell is %v: %q", p.Slug, statusOf(w), p.Summary)
		} else if strings.Contains(s, "met digid") && w.Identification != availability.IdentificationDIGID {
			t.Errorf("%s: the summary says DigiD, the website cell asks %s: %q", p.Slug, w.Identification, p.Summary)
		}
	}
	for word, code := range map[string]string{"stadswinkel": "balie", "wijkhub": "wijkhub", "14 010": "telefoon", "bel ": "telefoon"} {
		if strings.Contains(s, word) && !offered(code) {
			t.Errorf("%s: the summary mentions %q, the %s cell is %v: %q", p.Slug, strings.TrimSpace(word), code, statusOf(cell(code)), p.Summary)
		}
	}
}

func statusOf(a *ent.Availability) string {
	if a == nil {
		return "not assessed"
	}
	return a.Status.String()
}
