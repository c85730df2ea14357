package seed

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// The journey is illustrative: a plausible path for every product × channel
// cell from January 2023 to November 2026, drawn from a pseudo-random source
// seeded by the product's slug and the channel's code, so that every load
// gives the same history. Its shape follows the plan: most products can be
// requested on the website ("90% of our services can be requested
// digitally"), wijkhubs open one after another, chat arrives in 2024, the app
// in September 2025, and some plans slip past their dates.

// cell is the state of one availability.
type cell struct {
	status       string
	planned      time.Time // calendar date; zero unless PLANNED
	reason       string
	url, phone   string
	instructions string
	processing   string
	costCents    *int
	ident        string
	languages    []string
	locations    []string
}

// cellChange sets a cell at a moment; a nil cell clears it.
type cellChange struct {
	at      time.Time
	product string
	channel string
	cell    *cell
}

// track builds one cell's changes.
type track struct {
	p       seedProduct
	channel string
	r       *rand.Rand
	out     []cellChange
}

func (t *track) set(at time.Time, c cell) {
	c = t.p.details(t.channel, c, at)
	t.out = append(t.out, cellChange{at: at, product: t.p.slug, channel: t.channel, cell: &c})
}

func (t *track) chance(p float64) bool { return t.r.Float64() < p }

// between returns a day between a and b (inclusive) at 9 in the morning.
func (t *track) between(a, b time.Time) time.Time {
	days := int(b.Sub(a).Hours()/24) + 1
	d := a.AddDate(0, 0, t.r.IntN(max(days, 1)))
	return at(d.Year(), d.Month(), d.Day())
}

// plan moves a cell through PLANNED to AVAILABLE: announced at from with a
// date some months ahead; when that date comes it is met, or (slip) the plan
// stays in place unmet, and is then overdue.
func (t *track) plan(from time.Time, months int, slip float64) {
	due := from.AddDate(0, months, 0)
	t.set(from, cell{status: "PLANNED", planned: catalog.DateOf(due)})
	if due.After(last) || t.chance(slip) {
		return
	}
	t.set(at(due.Year(), due.Month(), due.Day()), cell{status: "AVAILABLE"})
}

// finalPush is the autumn of 2026: with the deadline in sight, owners meet
// overdue plans, plan what is still partial, and assess cells nobody had
// looked at. It gives the last months of the history their pace.
func (t *track) finalPush() {
	from, to := at(2026, time.September, 1), last
	if len(t.out) == 0 {
		if t.p.kind != "in_person" && !t.p.businessOnly && t.chance(0.4) {
			t.set(t.between(from, to), cell{status: "PLANNED", planned: catalog.Date(2027, time.March, 1)})
		}
		return
	}
	cur := t.out[len(t.out)-1]
	if cur.cell == nil || !cur.at.Before(from) {
		return
	}
	switch st := cur.cell.status; {
	case st == "PLANNED" && !cur.cell.planned.After(catalog.DateOf(from)) && t.chance(0.4):
		t.set(t.between(from, to), cell{status: "AVAILABLE"})
	case st == "PARTIAL" && t.chance(0.2):
		when := t.between(from, to)
		if t.chance(0.5) {
			t.set(when, cell{status: "AVAILABLE"})
		} else {
			due := []time.Time{catalog.Date(2026, time.December, 14), catalog.Date(2027, time.February, 1)}[t.r.IntN(2)]
			t.set(when, cell{status: "PLANNED", planned: due})
		}
	}
}

func hashOf(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// seedSalt seeds Rotterdam's journey; the national generator salts each
// municipality's journey differently.
const seedSalt = "catalogus-seed"

// journey returns every change of every cell of a product, in time order;
// salt picks one of the plausible journeys.
func journey(p seedProduct, salt string) []cellChange {
	var out []cellChange
	for _, ch := range channels {
		t := &track{p: p, channel: ch.code, r: rand.New(rand.NewPCG(hashOf(salt, p.slug), hashOf(ch.code)))}
		switch ch.code {
		case "balie":
			t.balie()
		case "wijkhub":
			t.wijkhub()
		case "straat":
			t.straat()
		case "telefoon":
			t.telefoon()
		case "website":
			t.website()
		case "app":
			t.app()
		case "chat":
			t.chat()
		case "webcare":
			t.webcare()
		case "email":
			t.email()
		}
		t.finalPush()
		out = append(out, t.out...)
	}
	if !p.publish.Equal(start) {
		out = fromPublication(out, p.publish)
	}
	slices.SortStableFunc(out, func(a, b cellChange) int { return a.at.Compare(b.at) })
	return out
}

// fromPublication moves what happened to a cell before its product was
// published to the moment of publication, keeping the last state.
func fromPublication(in []cellChange, publish time.Time) []cellChange {
	var out []cellChange
	early := map[string]cellChange{}
	for _, c := range in {
		if c.at.Before(publish) || c.at.Equal(publish) {
			c.at = publish
			early[c.channel] = c
			continue
		}
		out = append(out, c)
	}
	for _, ch := range channels {
		if c, ok := early[ch.code]; ok {
			out = append(out, c)
		}
	}
	return out
}

const (
	reasonBalieBusiness   = "Ondernemers regelen dit online met eHerkenning of via het Ondernemersloket, niet aan de balie van een stadswinkel."
	reasonBalieNotNeeded  = "Hiervoor hoeft u niet naar de stadswinkel: u regelt het op rotterdam.nl of via 14 010."
	reasonWijkhubPerson   = "Hiervoor moet u zelf naar een stadswinkel, omdat we uw identiteit controleren en soms een foto en vingerafdrukken nemen. In de wijkhub helpen we u wel met een afspraak."
	reasonWijkhubBusiness = "De wijkhub is er voor bewoners. Ondernemers kunnen terecht bij het Ondernemersloket."
	reasonStraat          = "Dit kunt u niet op straat regelen. Kijk op rotterdam.nl of bel 14 010."
	reasonTelefoon        = "Hiervoor moeten we uw handtekening of identiteit controleren. Bel 14 010 voor uitleg; aanvragen doet u op rotterdam.nl of aan de balie."
	reasonAppBusiness     = "De app is er voor bewoners. Ondernemers regelen dit op rotterdam.nl met eHerkenning."
	reasonChat            = "In de chat kunnen we niet vaststellen wie u bent. Vraag het aan op rotterdam.nl met DigiD of bel 14 010."
	reasonWebcare         = "Op sociale media delen we geen persoonlijke gegevens. Stuur ons een bericht voor algemene vragen; voor uw aanvraag gaat u naar rotterdam.nl."
	reasonEmail           = "Per e-mail kunnen we niet vaststellen wie u bent. Vraag het aan op rotterdam.nl met DigiD, of aan de balie."
	reasonEmailNA         = "Dit regelt u direct op rotterdam.nl of aan de balie; een e-mail is hier niet nodig."
	reasonWebsitePerson   = "Op rotterdam.nl maakt u een afspraak en leest u wat u moet meenemen. De aanvraag zelf doet u aan de balie, omdat we uw identiteit controleren."
)

func (t *track) balie() {
	p := t.p
	switch {
	case p.kind == "in_person":
		t.set(start, cell{status: "AVAILABLE"})
	case p.businessOnly:
		if t.chance(0.6) {
			t.set(start, cell{status: "NOT_APPLICABLE", reason: reasonBalieBusiness})
		} else {
			t.set(start, cell{status: "PARTIAL", reason: "Aan de balie krijgt u informatie; de aanvraag doet u online met eHerkenning."})
		}
	case p.kind == "request" || p.kind == "care" || p.kind == "report":
		if t.chance(0.55) {
			t.set(start, cell{status: "AVAILABLE"})
			return
		}
		t.set(start, cell{status: "PARTIAL", reason: "Aan de balie krijgt u informatie en hulp bij het invullen; de aanvraag zelf doet u online."})
		if t.chance(0.4) {
			t.plan(t.between(at(2023, time.September, 1), at(2026, time.March, 2)), 3+t.r.IntN(6), 0.2)
		}
	default:
		switch x := t.r.Float64(); {
		case x < 0.3:
			t.set(start, cell{status: "AVAILABLE"})
		case x < 0.75:
			t.set(start, cell{status: "PARTIAL", reason: "Aan de balie krijgt u informatie en verwijzen we u door."})
		default:
			t.set(start, cell{status: "NOT_APPLICABLE", reason: reasonBalieNotNeeded})
		}
	}
}

// hubsOpen lists the wijkhubs open at a moment.
func hubsOpen(t time.Time) []string {
	var out []string
	for _, l := range locations {
		if l.kind == "WIJKHUB" && !l.opens.After(catalog.DateOf(t)) {
			out = append(out, l.code)
		}
	}
	return out
}

// hubOpenings are the moments a wijkhub opened.
func hubOpenings() []time.Time {
	var out []time.Time
	for _, l := range locations {
		if l.kind == "WIJKHUB" {
			out = append(out, at(l.opens.Year(), l.opens.Month(), l.opens.Day()))
		}
	}
	return out
}

func (t *track) wijkhub() {
	p := t.p
	openings := hubOpenings()
	first := openings[0]
	switch {
	case p.kind == "in_person":
		t.set(first, cell{status: "NOT_APPLICABLE", reason: reasonWijkhubPerson})
	case p.businessOnly:
		t.set(first, cell{status: "NOT_APPLICABLE", reason: reasonWijkhubBusiness})
	case p.kind == "care" || p.kind == "report" || p.kind == "request":
		from := openings[t.r.IntN(4)]
		status := "AVAILABLE"
		if t.chance(0.3) {
			status = "PARTIAL"
		}
		if t.chance(0.4) {
			announce := from.AddDate(0, -3, 0)
			t.set(announce, cell{status: "PLANNED", planned: catalog.DateOf(from)})
		}
		t.set(from, cell{status: status, reason: partialReason(status, "In de wijkhub helpen we u met het invullen; de aanvraag zelf gaat online.")})
		if status == "AVAILABLE" {
			// Each wijkhub that opens later serves the product too.
			for _, o := range openings {
				if o.After(from) && !o.After(last) {
					t.set(o, cell{status: status})
				}
			}
		}
	default:
		switch x := t.r.Float64(); {
		case x < 0.5:
			t.set(openings[t.r.IntN(len(openings))], cell{status: "PARTIAL", reason: "In de wijkhub helpen we u met uw vraag en verwijzen we u door."})
		case x < 0.7:
			t.set(first, cell{status: "NOT_APPLICABLE", reason: "Hiervoor kunt u beter terecht op rotterdam.nl of bij 14 010; de wijkhub kan u hier niet verder helpen."})
		}
	}
}

func partialReason(status, reason string) string {
	if status == "PARTIAL" {
		return reason
	}
	return ""
}

var streetThemes = []string{"Openbare ruimte", "Afval en schoon", "Veiligheid en overlast", "Parkeren en verkeer", "Dieren"}

func (t *track) straat() {
	p := t.p
	onStreet := slices.Contains(streetThemes, p.theme)
	switch {
	case onStreet && p.kind == "report":
		t.set(start, cell{status: "AVAILABLE"})
	case onStreet:
		if t.chance(0.5) {
			t.set(start, cell{status: "PARTIAL", reason: "Handhavers en wijkconciërges geven u informatie en verwijzen u door."})
		} else {
			t.set(start, cell{status: "NOT_APPLICABLE", reason: reasonStraat})
		}
	case p.kind == "care" && t.chance(0.4):
		t.set(t.between(at(2024, time.January, 8), at(2025, time.June, 2)), cell{status: "PARTIAL",
			reason: "Wijkteams en stadsmariniers spreken bewoners op straat aan en helpen hen op weg; de aanvraag zelf doet u samen met hen."})
	case t.chance(0.85):
		t.set(start, cell{status: "NOT_APPLICABLE", reason: reasonStraat})
	}
}

func (t *track) telefoon() {
	p := t.p
	if p.kind == "in_person" {
		t.set(start, cell{status: "PARTIAL", reason: "Via 14 010 krijgt u uitleg en maakt u een afspraak; de aanvraag doet u aan de balie."})
		return
	}
	switch x := t.r.Float64(); {
	case x < 0.6:
		t.set(start, cell{status: "AVAILABLE"})
	case x < 0.95:
		t.set(start, cell{status: "PARTIAL", reason: "Via 14 010 krijgt u informatie; aanvragen kan op rotterdam.nl of aan de balie."})
		if t.chance(0.5) {
			t.plan(t.between(at(2023, time.April, 3), at(2026, time.June, 1)), 2+t.r.IntN(5), 0.15)
		}
	default:
		t.set(start, cell{status: "UNAVAILABLE", reason: reasonTelefoon})
	}
}

func (t *track) website() {
	p := t.p
	switch {
	case p.kind == "in_person":
		t.set(start, cell{status: "PARTIAL", reason: reasonWebsitePerson})
	case p.kind == "info":
		t.set(start, cell{status: "AVAILABLE"})
	case t.chance(0.7):
		t.set(start, cell{status: "AVAILABLE"})
	default:
		t.set(start, cell{status: "PARTIAL", reason: "Op rotterdam.nl leest u alles hierover; aanvragen kan nog niet online."})
		if t.chance(0.75) {
			t.plan(t.between(at(2023, time.March, 6), at(2026, time.September, 7)), 3+t.r.IntN(7), 0.15)
		}
	}
}

func (t *track) app() {
	p := t.p
	switch {
	case p.businessOnly:
		t.set(appPlan, cell{status: "NOT_APPLICABLE", reason: reasonAppBusiness})
	case p.kind == "in_person":
		if t.chance(0.5) {
			t.set(appLaunch, cell{status: "PARTIAL", reason: "In de app maakt u een afspraak; de aanvraag doet u aan de balie."})
		}
	case (p.kind == "request" || p.kind == "report") && t.chance(0.45):
		t.set(appPlan, cell{status: "PLANNED", planned: catalog.DateOf(appLaunch)})
		if t.chance(0.8) {
			t.set(appLaunch, cell{status: "AVAILABLE"})
			return
		}
		t.set(appLaunch, cell{status: "PLANNED", planned: catalog.Date(2026, time.March, 2)})
		if t.chance(0.5) {
			t.set(at(2026, time.March, 2), cell{status: "AVAILABLE"})
		}
	case t.chance(0.35):
		due := []time.Time{catalog.Date(2026, time.December, 1), catalog.Date(2027, time.March, 1), catalog.Date(2027, time.June, 1)}[t.r.IntN(3)]
		t.set(at(2026, time.May, 4), cell{status: "PLANNED", planned: due})
	}
}

func (t *track) chat() {
	if t.p.kind == "in_person" {
		t.set(chatStart, cell{status: "PARTIAL", reason: "In de chat beantwoorden we uw vragen en helpen we u aan een afspraak; de aanvraag doet u aan de balie."})
		return
	}
	switch x := t.r.Float64(); {
	case x < 0.2:
		t.set(chatStart, cell{status: "AVAILABLE"})
	case x < 0.65:
		t.set(chatStart, cell{status: "PARTIAL", reason: "In de chat beantwoorden we uw vragen; aanvragen doet u op rotterdam.nl."})
		if t.chance(0.25) {
			t.plan(t.between(at(2025, time.January, 6), at(2026, time.August, 3)), 2+t.r.IntN(6), 0.2)
		}
	case x < 0.75:
		t.set(chatStart, cell{status: "UNAVAILABLE", reason: reasonChat})
	case x < 0.85:
		t.plan(chatStart, 4+t.r.IntN(12), 0.2)
	}
}

func (t *track) webcare() {
	p := t.p
	switch x := t.r.Float64(); {
	case p.kind == "report":
		t.set(start, cell{status: "PARTIAL", reason: "Op sociale media beantwoorden we vragen over uw melding."})
		t.set(t.between(at(2024, time.January, 8), at(2025, time.December, 1)), cell{status: "AVAILABLE"})
	case x < 0.5:
		t.set(start, cell{status: "PARTIAL", reason: reasonWebcare})
	case x < 0.75:
		t.set(start, cell{status: "NOT_APPLICABLE", reason: reasonWebcare})
	}
}

func (t *track) email() {
	p := t.p
	switch {
	case p.kind == "subsidy" || p.kind == "report":
		t.set(start, cell{status: "AVAILABLE"})
	case p.kind == "info":
		if t.chance(0.5) {
			t.set(start, cell{status: "AVAILABLE"})
		} else {
			t.set(start, cell{status: "PARTIAL", reason: "Per e-mail beantwoorden we uw vragen."})
		}
	default:
		switch x := t.r.Float64(); {
		case x < 0.7:
			t.set(start, cell{status: "UNAVAILABLE", reason: reasonEmail})
		case x < 0.8:
			t.set(start, cell{status: "NOT_APPLICABLE", reason: reasonEmailNA})
		}
	}
}

// details fills in how a resident uses the channel for this product.
func (p seedProduct) details(channel string, c cell, when time.Time) cell {
	if c.status == "NOT_APPLICABLE" || c.status == "UNAVAILABLE" {
		return c
	}
	c.languages = []string{"nl"}
	switch channel {
	case "balie":
		c.instructions = "Maak eerst een afspraak op rotterdam.nl of via 14 010. Neem een geldig identiteitsbewijs mee."
		c.locations = []string{"stadswinkel-alexander", "stadswinkel-centrum", "stadswinkel-noord", "stadswinkel-zuid"}
		if p.kind == "in_person" || p.kind == "request" {
			c.ident = "ID_DOCUMENT"
		}
		if cost, ok := documentCosts[p.slug]; ok {
			c.costCents = &cost
		}
	case "wijkhub":
		c.instructions = "Loop binnen tijdens de openingstijden; een medewerker helpt u verder."
		c.locations = hubsOpen(when)
		c.languages = []string{"nl", "en", "tr", "ar"}
	case "straat":
		c.instructions = "Spreek een handhaver, wijkconciërge of stadsmarinier aan."
	case "telefoon":
		c.phone = "14010"
		c.instructions = "Bel 14 010, maandag tot en met vrijdag van 8.00 tot 18.00 uur."
		if hashOf(p.slug, "telefoon")%3 == 0 {
			c.languages = []string{"nl", "en"}
		}
	case "website":
		c.url = "https://www.rotterdam.nl/" + p.slug
		if p.kind != "info" {
			c.ident = "DIGID"
			if p.businessOnly {
				c.ident = "EHERKENNING"
			}
			c.processing = []string{"P5D", "P14D", "P28D", "P56D"}[int(hashOf(p.slug)%4)]
		}
	case "app":
		c.url = "https://app.rotterdam.nl/" + p.slug
		c.ident = "DIGID"
		c.languages = []string{"nl", "en"}
	case "chat":
		c.url = "https://www.rotterdam.nl/chat"
		c.instructions = "Chat met een medewerker, maandag tot en met vrijdag van 8.00 tot 18.00 uur."
		c.languages = []string{"nl", "en"}
	case "webcare":
		c.instructions = "Stuur een bericht via Facebook, Instagram of X aan @gemeenterotterdam."
	case "email":
		c.instructions = "Stuur een e-mail via het contactformulier op rotterdam.nl."
	}
	if strings.HasPrefix(p.slug, "paspoort") || strings.HasPrefix(p.slug, "id-kaart") {
		c.processing = "P5D"
	}
	return c
}

// documentCosts are illustrative counter prices, in cents.
var documentCosts = map[string]int{
	"paspoort-aanvragen":        8470,
	"id-kaart-aanvragen":        7095,
	"rijbewijs-aanvragen":       5340,
	"rijbewijs-verlengen":       5340,
	"uittreksel-brp-aanvragen":  1680,
	"zakenpaspoort-aanvragen":   8470,
	"tweede-paspoort-aanvragen": 8470,
}
