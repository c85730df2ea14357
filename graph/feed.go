package graph

import (
	"entgo.io/contrib/entgql"

	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/feed"
)

// feedMark is the value of a feed cursor, which tells it from the cursors of
// other lists (whose ids would be positions in another order).
const feedMark = "feed"

// feedPosition reads a feed cursor: the change-log position it stands at.
func feedPosition(c *entgql.Cursor[int]) (int, error) {
	if c == nil {
		return 0, nil
	}
	if s, _ := c.Value.(string); s != feedMark || c.ID < 0 {
		return 0, catalog.BadArgument("after", "invalid", "this cursor does not come from catalogueChanges; pass a cursor it answered, or leave after out to start at the beginning")
	}
	return c.ID, nil
}

func feedCursor(pos int) entgql.Cursor[int] { return entgql.Cursor[int]{ID: pos, Value: feedMark} }

func feedConnection(p *feed.Page, after *entgql.Cursor[int]) *CatalogueChangeConnection {
	c := &CatalogueChangeConnection{Edges: []*CatalogueChangeEdge{},
		PageInfo: &entgql.PageInfo[int]{HasNextPage: p.HasNext, HasPreviousPage: after != nil}}
	for i := range p.Changes {
		ch := &p.Changes[i]
		c.Edges = append(c.Edges, &CatalogueChangeEdge{Node: ch, Cursor: feedCursor(ch.ID)})
	}
	if len(c.Edges) > 0 {
		c.PageInfo.StartCursor = &c.Edges[0].Cursor
	}
	// The end moves past events the public does not see, so that a long run
	// of drafts is read once; it stays where it was when nothing was read.
	switch {
	case p.End > 0:
		end := feedCursor(p.End)
		c.PageInfo.EndCursor = &end
	case after != nil:
		end := feedCursor(after.ID)
		c.PageInfo.EndCursor = &end
	}
	return c
}
