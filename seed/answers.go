package seed

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// answersFile holds the seed's answers (see its header for the format).
//
//go:embed answers.txt
var answersFile string

// readAnswers parses answers.txt; an answer's owner is its first product's
// owner. Problems name their line.
func readAnswers(products []seedProduct) ([]seedAnswer, error) {
	owners := map[string]string{}
	for _, p := range products {
		owners[p.slug] = p.owner
	}
	var out []seedAnswer
	var cur *seedAnswer
	fail := func(n int, format string, args ...any) error {
		return fmt.Errorf("answers.txt line %d: %s", n, fmt.Sprintf(format, args...))
	}
	done := func(n int) error {
		if cur != nil && (cur.question == "" || cur.text == "") {
			return fail(n, "the answer before this line has no question (V:) or answer (A:)")
		}
		return nil
	}
	for i, line := range strings.Split(answersFile, "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "== "); ok {
			if err := done(n); err != nil {
				return nil, err
			}
			out = append(out, seedAnswer{})
			cur = &out[len(out)-1]
			for _, slug := range strings.Split(rest, ",") {
				slug = strings.TrimSpace(slug)
				if owners[slug] == "" {
					return nil, fail(n, "no product %q in products.csv", slug)
				}
				cur.products = append(cur.products, slug)
			}
			cur.owner = owners[cur.products[0]]
			continue
		}
		if cur == nil {
			return nil, fail(n, "text before the first answer (== slug)")
		}
		if line == "intern" {
			cur.internal = true
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		if !ok || value == "" {
			return nil, fail(n, "want key: value, e.g. V: the question")
		}
		switch key = strings.TrimSpace(key); key {
		case "V":
			cur.question = value
		case "A":
			cur.text = value
		case "trefwoorden":
			for _, k := range strings.Split(value, ",") {
				cur.keywords = append(cur.keywords, strings.TrimSpace(k))
			}
		case "herzien":
			date, days, _ := strings.Cut(value, ",")
			t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(date), catalog.Amsterdam)
			if err != nil {
				return nil, fail(n, "herzien: want a date and an interval in days, e.g. 2025-09-01, 180")
			}
			if cur.interval, err = strconv.Atoi(strings.TrimSpace(days)); err != nil {
				return nil, fail(n, "herzien: want a date and an interval in days, e.g. 2025-09-01, 180")
			}
			cur.reviewed = t
		default:
			if !slices.ContainsFunc(channels, func(c channelDef) bool { return c.code == key }) {
				return nil, fail(n, "%q is no channel code and no key (V, A, trefwoorden, herzien)", key)
			}
			cur.variants = append(cur.variants, catalog.AnswerVariant{Channel: key, Text: value})
		}
	}
	return out, done(len(strings.Split(answersFile, "\n")))
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
	for _, a := range l.answers {
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
