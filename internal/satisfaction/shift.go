package satisfaction

import (
	"context"
	"slices"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// ChannelVolume is the use of one channel in one period.
type ChannelVolume struct {
	Channel  *ent.Channel
	Contacts int
	// Requests is nil when no measurement of the channel in the period counted them.
	Requests *int
}

// ShiftPoint is the use of every channel in one period.
type ShiftPoint struct {
	Period
	Channels                  []ChannelVolume
	Contacts, DigitalContacts int
	// Requests and DigitalRequests add up the measurements that count requests.
	Requests, DigitalRequests int
	// DigitalTakeUp is DigitalRequests / Requests; nil when no requests were counted.
	DigitalTakeUp *float64
	// DigitalContactShare is DigitalContacts / Contacts; nil without contacts.
	DigitalContactShare *float64
}

// Opening is the moment a product became AVAILABLE on a channel.
type Opening struct {
	Channel *ent.Channel
	Date    time.Time
}

// Shift is the answer to channelShift(...).
type Shift struct {
	From, To time.Time
	Interval Interval
	Points   []ShiftPoint
	// Openings lists, for a product, when each channel became AVAILABLE within
	// the span, from the change log; empty without a product.
	Openings []Opening
	LeftOut  int
}

type volumeTally struct {
	contacts, requests int
	requestsKnown      bool
}

// ChannelShift reports contact volumes from..to (dates, both included) per
// interval. Digital channels are those marked digital (website, app, e-mail).
func ChannelShift(ctx context.Context, c *ent.Client, f Filter, from, to time.Time, iv Interval) (*Shift, error) {
	ps, err := periods(from, to, iv)
	if err != nil {
		return nil, err
	}
	span := Period{Start: ps[0].Start, After: ps[len(ps)-1].After}
	rows, err := c.ContactVolume.Query().
		Where(predicate.ContactVolume(f.where(span.Start, span.After))).
		All(ctx)
	if err != nil {
		return nil, err
	}
	out := &Shift{From: from, To: to, Interval: iv}
	cells := make([]map[int]*volumeTally, len(ps))
	seen := map[int]bool{}
	for _, r := range rows {
		kind := r.Period.String()
		if !span.holds(kind, r.PeriodStart) {
			continue
		}
		i := find(ps, kind, r.PeriodStart)
		if i < 0 {
			out.LeftOut++
			continue
		}
		if cells[i] == nil {
			cells[i] = map[int]*volumeTally{}
		}
		t := cells[i][r.ChannelID]
		if t == nil {
			t = &volumeTally{}
			cells[i][r.ChannelID] = t
		}
		t.contacts += r.Contacts
		if r.Requests != nil {
			t.requests += *r.Requests
			t.requestsKnown = true
		}
		seen[r.ChannelID] = true
	}
	channels, err := channelsByID(ctx, c, seen)
	if err != nil {
		return nil, err
	}
	for i, p := range ps {
		pt := ShiftPoint{Period: p}
		for _, ch := range channels {
			t := cells[i][ch.ID]
			if t == nil {
				continue
			}
			v := ChannelVolume{Channel: ch, Contacts: t.contacts}
			pt.Contacts += t.contacts
			if ch.Digital {
				pt.DigitalContacts += t.contacts
			}
			if t.requestsKnown {
				n := t.requests
				v.Requests = &n
				pt.Requests += n
				if ch.Digital {
					pt.DigitalRequests += n
				}
			}
			pt.Channels = append(pt.Channels, v)
		}
		if pt.Requests > 0 {
			r := float64(pt.DigitalRequests) / float64(pt.Requests)
			pt.DigitalTakeUp = &r
		}
		if pt.Contacts > 0 {
			r := float64(pt.DigitalContacts) / float64(pt.Contacts)
			pt.DigitalContactShare = &r
		}
		out.Points = append(out.Points, pt)
	}
	if f.Product != nil {
		if out.Openings, err = openings(ctx, c, *f.Product, f.Channel, span); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// opening is a channel opening found in the log.
type opening struct {
	channel int
	date    time.Time
}

// openings reads from the change log when the product's cells became
// AVAILABLE within the span: from another status, or created AVAILABLE on a
// later day than the product itself (cells written the day the product's
// record starts are where it starts, not a channel opening).
func openings(ctx context.Context, c *ent.Client, productID int, channelID *int, span Period) ([]Opening, error) {
	evs, err := c.ChangeEvent.Query().
		Where(changeevent.ProductID(productID),
			changeevent.EntityIn(changeevent.EntityPRODUCT, changeevent.EntityAVAILABILITY),
			changeevent.RecordedAtLT(span.After)).
		Order(ent.Asc(changeevent.FieldRecordedAt), ent.Asc(changeevent.FieldID)).
		All(auth.Allow(ctx))
	if err != nil {
		return nil, err
	}
	last := map[int]string{}
	var found []opening
	var firstDay time.Time
	for _, e := range evs {
		if firstDay.IsZero() {
			firstDay = catalog.DateOf(e.RecordedAt)
		}
		if e.Entity != changeevent.EntityAVAILABILITY || e.ChannelID == nil || (channelID != nil && *e.ChannelID != *channelID) {
			continue
		}
		state := ""
		if e.State != nil {
			state = *e.State
		}
		was, known := last[*e.ChannelID]
		last[*e.ChannelID] = state
		d := catalog.DateOf(e.RecordedAt)
		opened := state == availability.StatusAVAILABLE.String() && was != state && (known || d.After(firstDay))
		if opened && !d.Before(span.Start) {
			found = append(found, opening{*e.ChannelID, d})
		}
	}
	// Openings on channels the caller may not see (inactive ones) are left
	// out, as the product's history leaves them out.
	visible, err := auth.VisibleChannelIDs(ctx, c)
	if err != nil {
		return nil, err
	}
	found = slices.DeleteFunc(found, func(o opening) bool { return !slices.Contains(visible, o.channel) })
	ids := map[int]bool{}
	for _, o := range found {
		ids[o.channel] = true
	}
	channels, err := channelsByID(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int]*ent.Channel{}
	for _, ch := range channels {
		byID[ch.ID] = ch
	}
	out := make([]Opening, len(found))
	for i, o := range found {
		out[i] = Opening{Channel: byID[o.channel], Date: o.date}
	}
	return out, nil
}
