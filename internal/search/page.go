package search

import (
	"context"

	"entgo.io/contrib/entgql"

	"github.com/gemeente-rotterdam/catalogus/ent"
	entproduct "github.com/gemeente-rotterdam/catalogus/ent/product"
)

// The results of a search are paged in the order of their rank, not by a
// column: the cursor of an edge is its position in the ranked list, cut to
// what the caller may see. Products (ProductPage) and answers (package
// knowledge) page so.

// Keep returns the ids of ranked that visible holds, in ranked order.
func Keep(ranked, visible []int) []int {
	keep := make(map[int]bool, len(visible))
	for _, id := range visible {
		keep[id] = true
	}
	var order []int
	for _, id := range ranked {
		if keep[id] {
			order = append(order, id)
		}
	}
	return order
}

// Window is the part of an ordered list of Total ids that a page shows:
// positions Start up to End (not included).
type Window struct {
	Start, End, Total int
}

// PageWindow is the page of at most first entries after the position
// cursor after (from the start when nil) of a list of total entries. Past
// the end it is empty, and still has entries before it.
func PageWindow(total int, after *entgql.Cursor[int], first int) Window {
	start := 0
	if after != nil {
		start = max(after.ID+1, 0)
	}
	return Window{Start: start, End: max(min(start+first, total), start), Total: total}
}

// Empty says whether the window shows no entry.
func (w Window) Empty() bool { return w.Start >= w.End }

// HasNext says whether entries follow the window.
func (w Window) HasNext() bool { return w.End < w.Total }

// HasPrevious says whether entries come before it.
func (w Window) HasPrevious() bool { return w.Start > 0 }

// Cursor is the cursor of the i-th entry of the window.
func (w Window) Cursor(i int) entgql.Cursor[int] { return entgql.Cursor[int]{ID: w.Start + i} }

// ProductPage pages through ranked product ids (a search's, best first):
// only those q and where let through, first of them after the cursor, each
// loaded with what a product page asks for most.
func ProductPage(ctx context.Context, q *ent.ProductQuery, where *ent.ProductWhereInput, ranked []int, after *entgql.Cursor[int], first int) (*ent.ProductConnection, error) {
	var err error
	if q, err = where.Filter(q); err != nil {
		return nil, err
	}
	visible, err := q.Clone().IDs(ctx)
	if err != nil {
		return nil, err
	}
	order := Keep(ranked, visible)
	w := PageWindow(len(order), after, first)
	// An empty page is an empty list, never null.
	conn := &ent.ProductConnection{Edges: []*ent.ProductEdge{}, TotalCount: w.Total,
		PageInfo: ent.PageInfo{HasPreviousPage: w.HasPrevious(), HasNextPage: w.HasNext()}}
	if w.Empty() {
		return conn, nil
	}
	page := order[w.Start:w.End]
	// The fields a product page asks for most, loaded in a few queries.
	products, err := q.Where(entproduct.IDIn(page...)).
		WithOwner().
		WithAvailabilities(func(aq *ent.AvailabilityQuery) { aq.WithChannel().WithLocations() }).
		All(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int]*ent.Product{}
	for _, p := range products {
		byID[p.ID] = p
	}
	for i, id := range page {
		if p, ok := byID[id]; ok {
			conn.Edges = append(conn.Edges, &ent.ProductEdge{Node: p, Cursor: w.Cursor(i)})
		}
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}
