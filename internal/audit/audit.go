// Package audit reads a product's history from the change log: who changed
// what, when, old → new. The public sees the history of published products
// on active channels with the organization that made each change; editors
// and admins of the owning organization also see who.
package audit

import (
	"context"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// Change is one change of a product or of one of its channels.
type Change struct {
	ID           int
	At           time.Time
	Entity       string
	Action       string
	Channel      *ent.Channel
	Fields       []Field
	Actor        *string
	Organization *ent.Organization
	Transaction  string
}

// Field is one changed field; Old and New are JSON values.
type Field struct {
	Field    string
	Old, New string
}

// Page is a page of a product's history, newest first.
type Page struct {
	Changes    []Change
	TotalCount int
	HasNext    bool
}

// Cursor marks a position in a history: the change's moment and id.
type Cursor struct {
	At time.Time
	ID int
}

// Changes returns the history of the product (which the caller must be
// allowed to see: look it up with the caller's context), newest first, from
// since on, after the cursor.
func Changes(ctx context.Context, c *ent.Client, p *ent.Product, since *time.Time, after *Cursor, limit int) (*Page, error) {
	v := auth.FromContext(ctx)
	showActor := v.Reaches(p.OwnerID)
	// The log is read past the policies, so it keeps to the channels the
	// caller may see itself: the cells of an inactive channel are not
	// theirs to read, in the history no more than now.
	channels, err := auth.VisibleChannelIDs(ctx, c)
	if err != nil {
		return nil, err
	}
	ctx = auth.Allow(ctx) // the product is visible, and so are its organizations
	q := c.ChangeEvent.Query().Where(
		changeevent.ProductID(p.ID),
		changeevent.EntityIn(changeevent.EntityPRODUCT, changeevent.EntityAVAILABILITY),
		changeevent.Or(changeevent.ChannelIDIsNil(), changeevent.ChannelIDIn(channels...)),
	)
	if since != nil {
		q = q.Where(changeevent.RecordedAtGTE(*since))
	}
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, err
	}
	if after != nil {
		q = q.Where(changeevent.Or(
			changeevent.RecordedAtLT(after.At),
			changeevent.And(changeevent.RecordedAt(after.At), changeevent.IDLT(after.ID)),
		))
	}
	evs, err := q.Order(ent.Desc(changeevent.FieldRecordedAt), ent.Desc(changeevent.FieldID)).Limit(limit + 1).All(ctx)
	if err != nil {
		return nil, err
	}
	page := &Page{TotalCount: total, HasNext: len(evs) > limit}
	if page.HasNext {
		evs = evs[:limit]
	}
	// One query each for the page's channels and organizations.
	var chIDs, orgIDs []int
	for _, e := range evs {
		if e.ChannelID != nil {
			chIDs = append(chIDs, *e.ChannelID)
		}
		orgIDs = append(orgIDs, orgOf(e, p))
	}
	chans, err := c.Channel.Query().Where(channel.IDIn(chIDs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := c.Organization.Query().Where(organization.IDIn(orgIDs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	chByID, orgByID := map[int]*ent.Channel{}, map[int]*ent.Organization{}
	for _, ch := range chans {
		chByID[ch.ID] = ch
	}
	for _, o := range orgs {
		orgByID[o.ID] = o
	}
	for _, e := range evs {
		ch := Change{ID: e.ID, At: e.RecordedAt, Entity: e.Entity.String(), Action: e.Action.String(),
			Organization: orgByID[orgOf(e, p)], Transaction: e.TxID}
		if e.ChannelID != nil {
			ch.Channel = chByID[*e.ChannelID]
		}
		if showActor {
			actor := e.Actor
			ch.Actor = &actor
		}
		for _, f := range e.Changes {
			ch.Fields = append(ch.Fields, Field{Field: catalog.APIName(f.Field), Old: string(f.Old), New: string(f.New)})
		}
		page.Changes = append(page.Changes, ch)
	}
	return page, nil
}

// orgOf is the organization a change is shown as made by: the actor's, else
// the product's owner.
func orgOf(e *ent.ChangeEvent, p *ent.Product) int {
	if e.ActorOrganizationID != nil {
		return *e.ActorOrganizationID
	}
	return p.OwnerID
}
