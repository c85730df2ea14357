// Package publicview says what a change in the change log did to the
// published catalogue: the view anonymous callers have (published products,
// active channels, no people). The feed (internal/feed) pages through the log
// with it; the change log's webhook outbox (internal/changelog/outbox.go)
// asks it about a transaction's own events before the commit, so that a
// webhook and the feed always tell the same change the same way.
package publicview

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
)

// Kind is what a change did to the published catalogue.
type Kind string

// The kinds. PRODUCT_RETIRED and PRODUCT_REMOVED both mean: the product left
// the public view.
const (
	ProductPublished    Kind = "PRODUCT_PUBLISHED"
	ProductChanged      Kind = "PRODUCT_CHANGED"
	AvailabilityChanged Kind = "AVAILABILITY_CHANGED"
	ProductRetired      Kind = "PRODUCT_RETIRED"
	ProductRemoved      Kind = "PRODUCT_REMOVED"
	ChannelChanged      Kind = "CHANNEL_CHANGED"
)

// Removes reports whether a client drops the product on this kind.
func (k Kind) Removes() bool { return k == ProductRetired || k == ProductRemoved }

// MarshalGQL writes the kind as its enum value.
func (k Kind) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(k))) }

// UnmarshalGQL reads an enum value.
func (k *Kind) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("feed: a change kind is a string, not %T", v)
	}
	switch Kind(s) {
	case ProductPublished, ProductChanged, AvailabilityChanged, ProductRetired, ProductRemoved, ChannelChanged:
		*k = Kind(s)
		return nil
	}
	return fmt.Errorf("feed: %q is not a change kind", s)
}

// Change is one entry of the feed.
type Change struct {
	// ID is the change-log event's id: the feed's position.
	ID           int
	Slug         *string
	PreviousSlug *string
	Kind         Kind
	Version      *int
	Channel      *string
	At           time.Time
}

// Kinds lists every kind, in the order the API documents them.
var Kinds = []Kind{ProductPublished, ProductChanged, AvailabilityChanged, ProductRetired, ProductRemoved, ChannelChanged}

// productState is what Interpret follows of one product along the log.
type productState struct {
	slug      string
	version   int
	published bool
	// later are the events after the page's first one, for undoing.
	events []*ent.ChangeEvent
}

// Interpret turns a batch of events (in id order) into public changes. Each
// product's slug, version and status at an event are worked out backwards
// from the product as it is now: version minus the saves logged after the
// event, slug before later renames. That needs only the events after the
// batch's first, which retention keeps when it keeps that one. vis holds the
// channels the public sees (active ones). c must pass the privacy rules
// (the log is read on the public's behalf, not as the caller).
func Interpret(ctx context.Context, c *ent.Client, evs []*ent.ChangeEvent, vis map[int]bool) ([]Change, error) {
	first := evs[0].ID
	var pids []int
	seen := map[int]bool{}
	for _, e := range evs {
		if e.ProductID != nil && !seen[*e.ProductID] {
			seen[*e.ProductID] = true
			pids = append(pids, *e.ProductID)
		}
	}
	ps, err := c.Product.Query().Where(product.IDIn(pids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	now := map[int]*ent.Product{}
	for _, p := range ps {
		now[p.ID] = p
	}
	// Every logged event of these products from the batch on (all channels:
	// a change on an inactive channel raises the version too).
	later, err := c.ChangeEvent.Query().Where(
		changeevent.ProductIDIn(pids...),
		changeevent.EntityIn(changeevent.EntityPRODUCT, changeevent.EntityAVAILABILITY),
		changeevent.IDGTE(first),
	).Order(ent.Asc(changeevent.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	byProduct := map[int][]*ent.ChangeEvent{}
	for _, e := range later {
		byProduct[*e.ProductID] = append(byProduct[*e.ProductID], e)
	}
	// The status before the batch: the last product event before it.
	statusBefore := map[int]bool{}
	for _, pid := range pids {
		prev, err := c.ChangeEvent.Query().Where(
			changeevent.ProductID(pid), changeevent.EntityEQ(changeevent.EntityPRODUCT), changeevent.IDLT(first),
		).Order(ent.Desc(changeevent.FieldID)).First(ctx)
		switch {
		case ent.IsNotFound(err):
			// Created in the batch, or its earlier events fell to retention:
			// then its status is worked out from the first event below.
		case err != nil:
			return nil, err
		default:
			statusBefore[pid] = prev.State != nil && *prev.State == string(product.StatusPUBLISHED)
		}
	}
	chanIDs := []int{}
	for _, e := range evs {
		if e.ChannelID != nil {
			chanIDs = append(chanIDs, *e.ChannelID)
		}
	}
	chans, err := c.Channel.Query().Where(channel.IDIn(chanIDs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	code := map[int]string{}
	for _, ch := range chans {
		code[ch.ID] = ch.Code
	}

	published := map[int]bool{}
	for pid, s := range statusBefore {
		published[pid] = s
	}
	var out []Change
	for _, e := range evs {
		if e.Entity == changeevent.EntityCHANNEL {
			if ch, ok := channelChange(e, vis, code); ok {
				out = append(out, ch)
			}
			continue
		}
		pid := *e.ProductID
		p := now[pid]
		before, known := published[pid]
		after := before
		if e.Entity == changeevent.EntityPRODUCT {
			after = e.Action != changeevent.ActionDELETE && e.State != nil && *e.State == string(product.StatusPUBLISHED)
			switch old, ok := fieldOld(e, "status"); {
			case e.Action == changeevent.ActionCREATE:
				before = false
			case ok:
				before = old == string(product.StatusPUBLISHED)
			case !known:
				before = after
			}
		} else if !known {
			// An availability with no product event before it in reach:
			// the product's status now is the best there is.
			before = p != nil && p.Status == product.StatusPUBLISHED
			after = before
		}
		published[pid] = after
		if !before && !after {
			continue
		}
		slug, prevSlug, version := at(e, p, byProduct[pid])
		ch := Change{ID: e.ID, At: e.RecordedAt, Slug: &slug}
		if after {
			ch.Version = &version
		}
		switch {
		case !before:
			ch.Kind = ProductPublished
		case !after:
			ch.Kind = ProductRemoved
			if e.State != nil && *e.State == string(product.StatusRETIRED) {
				ch.Kind = ProductRetired
			}
			if prevSlug != "" {
				// Renamed on the way out: the client holds the old slug.
				ch.Slug = &prevSlug
			}
		case e.Entity == changeevent.EntityAVAILABILITY && e.ChannelID != nil && vis[*e.ChannelID]:
			ch.Kind = AvailabilityChanged
			c := code[*e.ChannelID]
			ch.Channel = &c
		default:
			// A product field, or a channel the public does not see: only
			// that the product changed, which its version shows anyway.
			ch.Kind = ProductChanged
			if prevSlug != "" {
				ch.PreviousSlug = &prevSlug
			}
		}
		out = append(out, ch)
	}
	return out, nil
}

// at works out the product's slug and version just after event e, and the
// slug before it when e renamed the product, from the product now and the
// product's events from e on (in id order).
func at(e *ent.ChangeEvent, p *ent.Product, events []*ent.ChangeEvent) (slug, prevSlug string, version int) {
	if p == nil {
		// Deleted since: its slug is in the delete's logged fields.
		for i := len(events) - 1; i >= 0; i-- {
			if old, ok := fieldOld(events[i], "slug"); ok {
				slug = old
				break
			}
		}
	} else {
		slug, version = p.Slug, p.Version
	}
	laterTx := map[string]bool{}
	for i := len(events) - 1; i >= 0 && events[i].ID > e.ID; i-- {
		l := events[i]
		if l.TxID != e.TxID {
			laterTx[l.TxID] = true
		}
		if old, ok := fieldOld(l, "slug"); ok && l.Entity == changeevent.EntityPRODUCT && l.Action == changeevent.ActionUPDATE {
			slug = old
		}
	}
	version -= len(laterTx)
	if old, ok := fieldOld(e, "slug"); ok && e.Action == changeevent.ActionUPDATE && e.Entity == changeevent.EntityPRODUCT {
		prevSlug = old
	}
	return slug, prevSlug, version
}

// channelChange is the public change of a channel event: shown when the
// channel is active after it, or was switched off by it.
func channelChange(e *ent.ChangeEvent, vis map[int]bool, code map[int]string) (Change, bool) {
	active := e.State != nil && *e.State == "ACTIVE"
	// Switched off: the channel was active before this event.
	if !active && !wasTrue(e, "active") {
		return Change{}, false
	}
	var c string
	if e.ChannelID != nil {
		c = code[*e.ChannelID]
	}
	if c == "" {
		if old, ok := fieldOld(e, "code"); ok {
			c = old
		}
	}
	return Change{ID: e.ID, Kind: ChannelChanged, Channel: &c, At: e.RecordedAt}, true
}

// wasTrue reports whether the event changed a logged boolean field from true.
func wasTrue(e *ent.ChangeEvent, name string) bool {
	for _, f := range e.Changes {
		if f.Field == name {
			var b bool
			return json.Unmarshal(f.Old, &b) == nil && b
		}
	}
	return false
}

// fieldOld returns the old value of a logged string field, and whether the
// event changed that field.
func fieldOld(e *ent.ChangeEvent, name string) (string, bool) {
	for _, f := range e.Changes {
		if f.Field == name {
			var s string
			_ = json.Unmarshal(f.Old, &s)
			return s, true
		}
	}
	return "", false
}
