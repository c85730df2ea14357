// Package readiness says whether a product is ready to go live, from the
// data: a checklist whose open items are named in plain Dutch for the product
// owner (docs/readiness.md).
package readiness

import (
	"context"
	"fmt"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/plainlang"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
)

// Readiness is a product's checklist: Ready when nothing is Missing.
type Readiness struct {
	Ready   bool
	Missing []string
}

// Cell is what the checklist needs of one active channel's cell: its
// status, or "" when the channel is not assessed, and its reason.
type Cell struct {
	Channel string // the channel's name
	Status  availability.Status
	Reason  string
}

// Facts are the data the checklist reads.
type Facts struct {
	Summary string
	// Cells: one per active channel, in the channels' order.
	Cells []Cell
	// PublishedAnswers about the product in the answer base.
	PublishedAnswers int
	// UPL: the product's UPL entry, nil when it has none.
	UPL *ent.UPLEntry
}

// Evaluate is the checklist:
//   - the summary passes the B1 check (internal/plainlang);
//   - every active channel is assessed (has a status);
//   - every NOT_APPLICABLE and UNAVAILABLE cell says why ("Nee is ook een antwoord");
//   - the answer base holds a published answer about the product;
//   - the product has a UPL name that is still on the national list.
func Evaluate(f Facts) Readiness {
	var missing []string
	switch {
	case strings.TrimSpace(f.Summary) == "":
		missing = append(missing, "Schrijf een samenvatting.")
	case !plainlang.Check(f.Summary).B1:
		missing = append(missing, "Maak de samenvatting makkelijker: die is nog niet op B1-niveau.")
	}
	var open, noReason []string
	for _, c := range f.Cells {
		switch {
		case c.Status == "":
			open = append(open, c.Channel)
		case (c.Status == availability.StatusNOT_APPLICABLE || c.Status == availability.StatusUNAVAILABLE) && strings.TrimSpace(c.Reason) == "":
			noReason = append(noReason, c.Channel)
		}
	}
	if len(open) > 0 {
		missing = append(missing, fmt.Sprintf("Geef aan of het product via deze kanalen kan: %s.", strings.Join(open, ", ")))
	}
	if len(noReason) > 0 {
		missing = append(missing, fmt.Sprintf("Schrijf waarom het niet kan via: %s.", strings.Join(noReason, ", ")))
	}
	if f.PublishedAnswers == 0 {
		missing = append(missing, "Zet een antwoord over dit product in de vraag-antwoordbank en publiceer het.")
	}
	switch {
	case f.UPL == nil || f.UPL.URI == publish.UPLPlaceholderURI:
		missing = append(missing, "Kies een UPL-naam (de landelijke productnaam).")
	case !f.UPL.InList:
		missing = append(missing, "Kies een nieuwe UPL-naam: deze staat niet meer op de landelijke lijst.")
	}
	if missing == nil {
		missing = []string{}
	}
	return Readiness{Ready: len(missing) == 0, Missing: missing}
}

// Of reads a product's facts and evaluates them. The count of published
// answers reads past the privacy rules: whether an answer exists is the same
// for every caller, also when it is INTERNAL.
func Of(ctx context.Context, c *ent.Client, p *ent.Product) (Readiness, error) {
	channels, err := c.Channel.Query().Where(channel.Active(true)).Order(channel.BySortOrder()).All(ctx)
	if err != nil {
		return Readiness{}, err
	}
	cells, err := p.QueryAvailabilities().All(ctx)
	if err != nil {
		return Readiness{}, err
	}
	byChannel := map[int]*ent.Availability{}
	for _, a := range cells {
		byChannel[a.ChannelID] = a
	}
	f := Facts{Summary: p.Summary}
	for _, ch := range channels {
		cell := Cell{Channel: ch.Name}
		if a := byChannel[ch.ID]; a != nil {
			cell.Status = a.Status
			if a.Reason != nil {
				cell.Reason = *a.Reason
			}
		}
		f.Cells = append(f.Cells, cell)
	}
	if f.PublishedAnswers, err = p.QueryAnswers().Where(answer.StatusEQ(answer.StatusPUBLISHED)).Count(auth.Allow(ctx)); err != nil {
		return Readiness{}, err
	}
	if f.UPL, err = p.QueryUplEntry().Only(ctx); err != nil && !ent.IsNotFound(err) {
		return Readiness{}, err
	}
	return Evaluate(f), nil
}
