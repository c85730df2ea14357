// Package feed reads the public change feed from the change log: what changed
// in a municipality's published catalogue, oldest first, from a cursor. It
// shows what anonymous callers may see: published products, active channels,
// no people. See docs/notifications.md for the contract and for why the feed
// ends at a settled boundary on PostgreSQL.
package feed

import (
	"context"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/feed/publicview"
)

// Kind is what a change did to the published catalogue (publicview.Kind).
type Kind = publicview.Kind

// The kinds (see publicview).
const (
	ProductPublished    = publicview.ProductPublished
	ProductChanged      = publicview.ProductChanged
	AvailabilityChanged = publicview.AvailabilityChanged
	ProductRetired      = publicview.ProductRetired
	ProductRemoved      = publicview.ProductRemoved
	ChannelChanged      = publicview.ChannelChanged
)

// Change is one entry of the feed (publicview.Change).
type Change = publicview.Change

// Page is a page of the feed. End is where to continue, past the last
// change shown and past events the public does not see; zero when the page
// moved nowhere.
type Page struct {
	Changes []Change
	End     int
	HasNext bool
}

// scanBatch is how many log events one read looks at; a page that finds
// too few public changes reads again, at most maxBatches times, so that a
// long run of drafts costs a bounded amount per call.
const (
	scanBatch  = 500
	maxBatches = 8
)

// Read returns up to limit public changes of municipality m after the
// position after (0: from the start), up to the settled boundary.
func Read(ctx context.Context, c *ent.Client, dialect string, m *ent.Organization, after, limit int) (*Page, error) {
	// Channels as the caller sees them: the log is read past the policies.
	visible, err := auth.VisibleChannelIDs(ctx, c)
	if err != nil {
		return nil, err
	}
	ctx = auth.Allow(ctx)
	boundary, err := settled(ctx, c, dialect)
	if err != nil {
		return nil, err
	}
	vis := map[int]bool{}
	for _, id := range visible {
		vis[id] = true
	}
	page := &Page{}
	if boundary != nil && *boundary < 0 {
		// Not settled in time: nothing is certain yet; ask again later.
		page.HasNext = true
		return page, nil
	}
	pos := after
	for batch := 0; batch < maxBatches && len(page.Changes) <= limit; batch++ {
		q := c.ChangeEvent.Query().Where(
			changeevent.IDGT(pos),
			changeevent.Or(
				changeevent.And(changeevent.MunicipalityID(m.ID), changeevent.EntityIn(changeevent.EntityPRODUCT, changeevent.EntityAVAILABILITY)),
				changeevent.EntityEQ(changeevent.EntityCHANNEL),
			),
		)
		if boundary != nil {
			q = q.Where(changeevent.IDLTE(*boundary))
		}
		evs, err := q.Order(ent.Asc(changeevent.FieldID)).Limit(scanBatch).All(ctx)
		if err != nil {
			return nil, err
		}
		if len(evs) == 0 {
			return page, nil
		}
		changes, err := publicview.Interpret(ctx, c, evs, vis)
		if err != nil {
			return nil, err
		}
		for _, ch := range changes {
			if len(page.Changes) == limit {
				page.HasNext = true
				return page, nil
			}
			page.Changes = append(page.Changes, ch)
			page.End = ch.ID
		}
		pos = evs[len(evs)-1].ID
		page.End = pos
		if len(evs) < scanBatch {
			return page, nil
		}
	}
	// Stopped with a full batch behind: there may be more.
	page.HasNext = true
	return page, nil
}
