package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// coverageFilter turns the API's codes into a coverage filter.
func (r *Resolver) coverageFilter(ctx context.Context, municipality, org, theme *string, audience *catalog.Audience, channels []string) (coverage.Filter, error) {
	m, err := r.municipality(ctx, municipality)
	if err != nil {
		return coverage.Filter{}, err
	}
	f := coverage.Filter{Municipality: m.ID, Theme: theme, Audience: audience}
	if f.Organization, err = r.organizationIn(ctx, m, org); err != nil {
		return coverage.Filter{}, err
	}
	if channels != nil {
		f.Channels, err = r.channelIDs(ctx, channels)
	}
	return f, err
}

// organizationIn resolves an organization code within a municipality.
func (r *Resolver) organizationIn(ctx context.Context, m *ent.Organization, code *string) (*int, error) {
	if code == nil {
		return nil, nil
	}
	o, err := orgtree.Within(ctx, r.Client, m, *code, "organization")
	if err != nil {
		return nil, err
	}
	return &o.ID, nil
}

// channelIDs resolves channel codes, naming any that do not exist.
func (r *Resolver) channelIDs(ctx context.Context, codes []string) ([]int, error) {
	found, err := r.Client.Channel.Query().Where(channel.CodeIn(codes...)).All(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int, 0, len(found))
	known := map[string]bool{}
	for _, c := range found {
		ids = append(ids, c.ID)
		known[c.Code] = true
	}
	var unknown []string
	for _, c := range codes {
		if !known[c] && !slices.Contains(unknown, c) {
			unknown = append(unknown, fmt.Sprintf("%q", c))
		}
	}
	if len(unknown) > 0 {
		return nil, catalog.NotFound("channels", "there is no channel with code %s", strings.Join(unknown, ", "))
	}
	return ids, nil
}

// gapQuery resolves the arguments of a gap list.
func (r *Resolver) gapQuery(ctx context.Context, municipality, org, ch *string, first *int, after *entgql.Cursor[int]) (coverage.GapFilter, int, int, error) {
	m, err := r.municipality(ctx, municipality)
	if err != nil {
		return coverage.GapFilter{}, 0, 0, err
	}
	f := coverage.GapFilter{Municipality: m.ID}
	if f.Organization, err = r.organizationIn(ctx, m, org); err != nil {
		return f, 0, 0, err
	}
	if ch != nil {
		ids, err := r.channelIDs(ctx, []string{*ch})
		if err != nil {
			return f, 0, 0, err
		}
		f.Channel = &ids[0]
	}
	n, err := pageSize(first, nil)
	if err != nil {
		return f, 0, 0, err
	}
	offset := 0
	if after != nil {
		offset = after.ID + 1
	}
	return f, offset, *n, nil
}

// gapConnection wraps a page of gaps; a cursor is the position in the list.
func gapConnection(p *coverage.GapPage) *GapConnection {
	c := &GapConnection{TotalCount: p.TotalCount, PageInfo: &entgql.PageInfo[int]{
		HasNextPage:     p.HasNext,
		HasPreviousPage: p.Offset > 0,
	}}
	for i := range p.Gaps {
		c.Edges = append(c.Edges, &GapEdge{Node: &p.Gaps[i], Cursor: entgql.Cursor[int]{ID: p.Offset + i}})
	}
	if n := len(c.Edges); n > 0 {
		c.PageInfo.StartCursor = &c.Edges[0].Cursor
		c.PageInfo.EndCursor = &c.Edges[n-1].Cursor
	}
	return c
}

// selects reports whether the current field's selection asks for the field
// name directly, so that a resolver can leave out costly parts nobody reads.
func selects(ctx context.Context, name string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}
