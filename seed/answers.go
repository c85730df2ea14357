package seed

import (
	"context"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// ILLUSTRATIVE. The answers below show what the question-and-answer base
// (vraag-antwoord database) holds for the most-asked products; they are
// written for this seed, not taken from the municipality's own base, and each
// carries the keyword "illustratief" so that nobody mistakes them for the
// real thing. Facts such as durations follow the product texts of this seed.

// answersAt is when the seed's answers were written and last reviewed.
var answersAt = at(2026, time.November, 2)

// Illustrative is the keyword every seeded answer carries.
const Illustrative = "illustratief"

type seedAnswer struct {
	owner    string
	products []string
	question string
	text     string
	variants []catalog.AnswerVariant
	keywords []string
	internal bool
	// reviewed, when set, is an older review date than answersAt; interval
	// is the review interval in days (default 365).
	reviewed time.Time
	interval int
}

var answers = []seedAnswer{
	{
		owner:    "publiekszaken",
		products: []string{"paspoort-aanvragen"},
		question: "Ik ben mijn paspoort kwijt of het is gestolen. Wat moet ik doen?",
		text: "Meld de vermissing bij de gemeente. Is uw paspoort gestolen? Doe dan eerst aangifte bij de politie. " +
			"Daarna vraagt u in de stadswinkel een nieuw paspoort aan, op afspraak. Neem een pasfoto mee. " +
			"Het nieuwe paspoort is meestal na 5 werkdagen klaar. Een afspraak maakt u op rotterdam.nl of via 14 010.",
		variants: []catalog.AnswerVariant{
			{Channel: "telefoon", Text: "Vraag of het paspoort verloren of gestolen is. Bij diefstal: eerst aangifte bij de politie. " +
				"Plan dan een afspraak in de stadswinkel voor de melding en de nieuwe aanvraag. De beller neemt een pasfoto mee. Klaar na 5 werkdagen."},
			{Channel: "chat", Text: "Vervelend dat uw paspoort kwijt is! U meldt dit in de stadswinkel en vraagt daar meteen een nieuw paspoort aan. " +
				"Maak een afspraak op rotterdam.nl."},
			{Channel: "webcare", Text: "Wat vervelend! Een afspraak voor de melding en een nieuw paspoort maakt u op rotterdam.nl of via 14 010. " +
				"Deel hier geen persoonsgegevens."},
			{Channel: "balie", Text: "Neem de verklaring van vermissing op en start direct de nieuwe aanvraag. Bij diefstal eerst aangifte bij de politie; vraag naar het proces-verbaal."},
		},
		keywords: []string{"kwijtgeraakt", "kwijt", "verloren", "gestolen", "diefstal", "vermissing", "vermist"},
	},
	{
		owner:    "publiekszaken",
		products: []string{"paspoort-aanvragen"},
		question: "Hoe lang duurt het voordat mijn nieuwe paspoort klaar is?",
		text: "Uw nieuwe paspoort is meestal na 5 werkdagen klaar. U krijgt bericht wanneer u het kunt ophalen " +
			"in dezelfde stadswinkel. Ophalen kan zonder afspraak.",
		variants: []catalog.AnswerVariant{
			{Channel: "chat", Text: "Meestal na 5 werkdagen. U krijgt bericht; ophalen kan zonder afspraak."},
			{Channel: "telefoon", Text: "Noem: klaar na 5 werkdagen, ophalen in dezelfde stadswinkel zonder afspraak. De beller krijgt bericht."},
		},
		keywords: []string{"levertijd", "ophalen", "klaar", "wachttijd"},
	},
	{
		owner:    "publiekszaken",
		products: []string{"paspoort-aanvragen"},
		question: "Kan een paspoort met spoed? (werkinstructie)",
		text: "Een spoedaanvraag is alleen mogelijk bij reisplannen binnen 5 werkdagen. Het paspoort is dan de volgende werkdag klaar. " +
			"Plan de aanvraag in via het spoedrooster van de stadswinkel.",
		keywords: []string{"spoed", "snel", "haast"},
		internal: true,
		reviewed: at(2025, time.September, 1),
		interval: 180,
	},
	{
		owner:    "publiekszaken",
		products: []string{"verhuizing-doorgeven"},
		question: "Wanneer en hoe geef ik mijn verhuizing door?",
		text: "Geef uw nieuwe adres door vanaf 4 weken voor tot 5 dagen na de verhuizing. Dat doet u online op rotterdam.nl met DigiD. " +
			"Hebt u geen DigiD? Maak dan een afspraak via 14 010.",
		variants: []catalog.AnswerVariant{
			{Channel: "telefoon", Text: "Online met DigiD op rotterdam.nl. Geen DigiD: plan een afspraak in. Termijn: van 4 weken voor tot 5 dagen na de verhuizing."},
			{Channel: "chat", Text: "Dat kan online op rotterdam.nl met DigiD, vanaf 4 weken voor tot 5 dagen na uw verhuizing."},
			{Channel: "balie", Text: "Controleer het nieuwe adres en de verhuisdatum; de melding kan tot 5 dagen na de verhuizing."},
		},
		keywords: []string{"verhuizen", "adres", "adreswijziging", "inschrijven", "verhuismelding"},
	},
	{
		owner:    "parkeren",
		products: []string{"parkeervergunning-aanvragen"},
		question: "Hoe vraag ik een parkeervergunning aan voor bewoners?",
		text: "U vraagt een bewonersvergunning online aan op rotterdam.nl met DigiD. U hebt het kenteken nodig van een auto " +
			"die op uw naam staat of die u leaset. De vergunning geldt meestal na 2 werkdagen.",
		variants: []catalog.AnswerVariant{
			{Channel: "chat", Text: "Online op rotterdam.nl met DigiD. Houd uw kenteken bij de hand."},
			{Channel: "webcare", Text: "Een bewonersvergunning vraagt u aan op rotterdam.nl. Meestal geldt hij na 2 werkdagen."},
			{Channel: "telefoon", Text: "Verwijs naar rotterdam.nl met DigiD. Auto op naam of lease nodig. Geldig na 2 werkdagen."},
		},
		keywords: []string{"parkeren", "bewonersvergunning", "vergunning", "kenteken", "auto"},
	},
	{
		owner:    "afval",
		products: []string{"grofvuil-laten-ophalen"},
		question: "Hoe laat ik grofvuil ophalen?",
		text: "Grote spullen zoals een bank, kast of matras laat u gratis ophalen. Maak een afspraak op rotterdam.nl of via 14 010. " +
			"Zet het grofvuil op de afgesproken dag vroeg in de ochtend buiten, niet eerder dan de avond ervoor.",
		variants: []catalog.AnswerVariant{
			{Channel: "chat", Text: "Dat is gratis! Maak een afspraak op rotterdam.nl en zet het op de afgesproken ochtend buiten."},
			{Channel: "webcare", Text: "Grofvuil laat u gratis ophalen: afspraak via rotterdam.nl of 14 010. Niet eerder buitenzetten dan de avond ervoor."},
			{Channel: "telefoon", Text: "Plan de ophaalafspraak direct in. Noem: gratis, buitenzetten op de ochtend zelf, niet eerder dan de avond ervoor."},
		},
		keywords: []string{"grof afval", "bank", "bankstel", "kast", "matras", "meubels", "ophalen", "afval"},
	},
	{
		owner:    "inkomen",
		products: []string{"bijstandsuitkering-aanvragen"},
		question: "Ik heb te weinig geld om van te leven. Kan ik bijstand krijgen?",
		text: "Misschien kunt u een bijstandsuitkering krijgen. Vraag die online aan op rotterdam.nl met DigiD. " +
			"U krijgt binnen 8 weken een besluit. Hulp bij het aanvragen krijgt u in de wijkhub bij u in de buurt.",
		variants: []catalog.AnswerVariant{
			{Channel: "telefoon", Text: "Verwijs naar de aanvraag op rotterdam.nl met DigiD, of naar de wijkhub voor hulp. Besluit binnen 8 weken. " +
				"Vraag of er schulden zijn; zo ja, noem ook schulddienstverlening."},
			{Channel: "wijkhub", Text: "Help bij de aanvraag op rotterdam.nl. Neem bankafschriften en identiteitsbewijs door."},
			{Channel: "chat", Text: "Misschien wel. U vraagt bijstand aan op rotterdam.nl met DigiD; hulp nodig? Loop binnen bij de wijkhub."},
		},
		keywords: []string{"bijstand", "uitkering", "geld", "inkomen", "participatiewet"},
	},
}

// seedCallbacks are illustrative open call-back requests, without any
// resident's details, so that the queue and the figures show something.
var seedCallbacks = []struct{ product, question, channel, reply string }{
	{"paspoort-aanvragen", "Kan ik met een verlopen paspoort nog stemmen?", "chat", "telefoon"},
	{"grofvuil-laten-ophalen", "Nemen jullie ook tuinafval mee met grofvuil?", "webcare", "webcare"},
	{"grofvuil-laten-ophalen", "Nemen jullie ook tuinafval mee met grofvuil?", "telefoon", "telefoon"},
}

// answerSteps writes the answers (each by its owner) and then the call-back
// requests (by the phone team).
func (l *loader) answerSteps(add func(time.Time, int, changelog.Actor, func(context.Context, *ent.Client) error)) {
	for _, a := range answers {
		add(answersAt, 3, changelog.Actor{Name: "seed:" + a.owner}, func(ctx context.Context, c *ent.Client) error {
			q := c.Answer.Create().SetOwnerID(l.orgs[a.owner]).SetQuestion(a.question).SetText(a.text).
				SetStatus(answer.StatusPUBLISHED).SetKeywords(append(a.keywords, Illustrative))
			for _, slug := range a.products {
				q.AddProductIDs(l.productIDs[slug])
			}
			if len(a.variants) > 0 {
				q.SetVariants(a.variants)
			}
			if a.internal {
				q.SetVisibility(answer.VisibilityINTERNAL)
			}
			if !a.reviewed.IsZero() {
				q.SetLastReviewed(catalog.DateOf(a.reviewed))
			}
			if a.interval > 0 {
				q.SetReviewIntervalDays(a.interval)
			}
			return q.Exec(ctx)
		})
	}
	add(last, 3, changelog.Actor{Name: "seed:klantcontact"}, func(ctx context.Context, c *ent.Client) error {
		for _, r := range seedCallbacks {
			err := c.CallbackRequest.Create().SetProductID(l.productIDs[r.product]).SetQuestion(r.question).
				SetChannelID(l.channels[r.channel]).SetReplyChannelID(l.channels[r.reply]).Exec(ctx)
			if err != nil {
				return err
			}
		}
		return nil
	})
}
