package knowledge

import (
	"context"

	"entgo.io/contrib/entgql"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/search"
)

// Lookup is a look-up in the answer base.
type Lookup struct {
	Municipality *string
	// Search holds the words to find; empty: every answer, by question.
	Search *string
	// Product narrows to the answers about one product (its slug).
	Product *string
	// Channel (its code) picks the wording of each hit.
	Channel *string
	First   int
	After   *entgql.Cursor[int]
}

// Find looks answers up as the viewer may see them: with words, best match
// first; without, by question. A hit's cursor is its position in that order.
func (s *Service) Find(ctx context.Context, l Lookup) (*HitConnection, error) {
	m, err := s.municipality(ctx, s.Client, l.Municipality)
	if err != nil {
		return nil, err
	}
	var channelCode string
	if l.Channel != nil {
		ch, err := channelByCode(ctx, s.Client, *l.Channel, "channel")
		if err != nil {
			return nil, err
		}
		channelCode = ch.Code
	}
	q := s.Client.Answer.Query().Where(answer.MunicipalityID(m.ID))
	if l.Product != nil {
		p, err := productBySlug(ctx, s.Client, m, *l.Product, "product")
		if err != nil {
			return nil, err
		}
		q = q.Where(answer.HasProductsWith(product.ID(p.ID)))
	}
	var order []int
	var didYouMean string
	if l.Search != nil {
		res, err := s.engine().Answers(ctx, m.ID, *l.Search)
		if err != nil {
			return nil, err
		}
		ranked := res.IDs
		didYouMean = res.DidYouMean
		visible, err := q.Clone().Where(answer.IDIn(ranked...)).IDs(ctx)
		if err != nil {
			return nil, err
		}
		order = search.Keep(ranked, visible)
	} else {
		if order, err = q.Clone().Order(answer.ByQuestion(), answer.ByID()).IDs(ctx); err != nil {
			return nil, err
		}
	}
	w := search.PageWindow(len(order), l.After, l.First)
	// An empty page is an empty list, never null.
	conn := &HitConnection{Edges: []*Hit{}, TotalCount: w.Total,
		PageInfo: ent.PageInfo{HasPreviousPage: w.HasPrevious(), HasNextPage: w.HasNext()}}
	if len(order) == 0 && didYouMean != "" {
		conn.DidYouMean = &didYouMean
	}
	if w.Empty() {
		return conn, nil
	}
	page := order[w.Start:w.End]
	answers, err := q.Where(answer.IDIn(page...)).WithProducts().WithOwner().All(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int]*ent.Answer{}
	for _, a := range answers {
		byID[a.ID] = a
	}
	for i, id := range page {
		a, ok := byID[id]
		if !ok {
			continue
		}
		h := &Hit{Node: a, Cursor: w.Cursor(i), ChannelText: a.Text}
		if v := Variant(a, channelCode); v != nil {
			h.Variant, h.ChannelText = v, v.Text
		}
		conn.Edges = append(conn.Edges, h)
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}
