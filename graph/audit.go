package graph

import (
	"time"

	"entgo.io/contrib/entgql"

	"github.com/gemeente-rotterdam/catalogus/internal/audit"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// changeCursor reads a history cursor: the change's id and moment.
func changeCursor(c *entgql.Cursor[int]) (*audit.Cursor, error) {
	if c == nil {
		return nil, nil
	}
	s, _ := c.Value.(string)
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, catalog.BadArgument("after", "invalid", "this cursor does not come from a list of changes")
	}
	return &audit.Cursor{At: at, ID: c.ID}, nil
}

func changeConnection(p *audit.Page, paged bool) *ChangeConnection {
	c := &ChangeConnection{TotalCount: p.TotalCount, PageInfo: &entgql.PageInfo[int]{HasNextPage: p.HasNext, HasPreviousPage: paged}}
	for i := range p.Changes {
		ch := &p.Changes[i]
		c.Edges = append(c.Edges, &ChangeEdge{Node: ch, Cursor: entgql.Cursor[int]{ID: ch.ID, Value: ch.At.UTC().Format(time.RFC3339Nano)}})
	}
	if n := len(c.Edges); n > 0 {
		c.PageInfo.StartCursor = &c.Edges[0].Cursor
		c.PageInfo.EndCursor = &c.Edges[n-1].Cursor
	}
	return c
}
