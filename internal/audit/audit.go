// Package audit reads a product's history from the change log: who changed
// what, when, old → new. The public sees the history of published products
// on active channels with the organization that made each change; editors
// and admins of the owning organization also see who.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/uplentry"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// Change is one change of a product or of one of its channels.
type Change struct {
	ID int
	// Product is the product's slug (as it is now).
	Product      string
	At           time.Time
	Entity       string
	Action       string
	Channel      *ent.Channel
	Fields       []Field
	Actor        *string
	Organization *ent.Organization
	Transaction  string
}

// Field is one changed field. Old and New are the logged JSON values;
// OldValue and NewValue the values themselves as the API gives them (dates as
// dates, references by code), nil when absent.
type Field struct {
	Field              string
	Old, New           string
	OldValue, NewValue any
	info               fieldInfo
	refs               map[int64]ref
}

// Label is the field's name for people, in Dutch ("nl") or English ("en").
func (f Field) Label(language string) string { return f.info.label.in(language) }

// Type says how to read the values.
func (f Field) Type() ValueType { return f.info.typ }

// OldText is the old value for people, in Dutch or English; nil when absent.
func (f Field) OldText(language string) *string {
	return text(f.OldValue, f.info, f.refs, f.Old, language)
}

// NewText is the new value for people, in Dutch or English; nil when absent.
func (f Field) NewText(language string) *string {
	return text(f.NewValue, f.info, f.refs, f.New, language)
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
	refs, err := references(ctx, c, evs)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		ch := Change{ID: e.ID, Product: p.Slug, At: e.RecordedAt, Entity: e.Entity.String(), Action: e.Action.String(),
			Organization: orgByID[orgOf(e, p)], Transaction: e.TxID}
		if e.ChannelID != nil {
			ch.Channel = chByID[*e.ChannelID]
		}
		if showActor {
			actor := e.Actor
			ch.Actor = &actor
		}
		for _, f := range e.Changes {
			name := catalog.APIName(f.Field)
			fi := info(e.Entity.String(), name)
			ch.Fields = append(ch.Fields, Field{Field: name, Old: string(f.Old), New: string(f.New),
				OldValue: value(string(f.Old), fi, refs), NewValue: value(string(f.New), fi, refs), info: fi, refs: refs})
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

// references looks up the records the page's reference fields name (owner,
// municipality, UPL name, product, channel), one query per kind, so that the
// history names them by code and name rather than by internal id.
func references(ctx context.Context, c *ent.Client, evs []*ent.ChangeEvent) (map[int64]ref, error) {
	var ids []int
	for _, e := range evs {
		for _, f := range e.Changes {
			if info(e.Entity.String(), catalog.APIName(f.Field)).typ != Reference {
				continue
			}
			for _, raw := range []json.RawMessage{f.Old, f.New} {
				var n float64
				if json.Unmarshal(raw, &n) == nil && n > 0 {
					ids = append(ids, int(n))
				}
			}
		}
	}
	refs := map[int64]ref{}
	if len(ids) == 0 {
		return refs, nil
	}
	orgs, err := c.Organization.Query().Where(organization.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		refs[int64(o.ID)] = ref{o.Code, o.Name}
	}
	entries, err := c.UPLEntry.Query().Where(uplentry.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range entries {
		refs[int64(u.ID)] = ref{u.URI, u.Name}
	}
	chans, err := c.Channel.Query().Where(channel.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, ch := range chans {
		refs[int64(ch.ID)] = ref{ch.Code, ch.Name}
	}
	ps, err := c.Product.Query().Where(product.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		refs[int64(p.ID)] = ref{p.Slug, p.Name}
	}
	return refs, nil
}
