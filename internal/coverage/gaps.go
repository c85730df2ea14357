package coverage

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// Gap is a cell that is not (yet) AVAILABLE, as it stands today: the work
// still to do, or, for the not-applicable review, a "no" to look at again.
type Gap struct {
	Product      *ent.Product
	Channel      *ent.Channel
	Status       CellStatus
	PlannedDate  *time.Time
	Reason       *string
	LastReviewed *time.Time
	// Overdue: PLANNED with a planned date before today.
	Overdue bool
	// DataGap: nobody has assessed the cell yet.
	DataGap bool
}

// GapFilter narrows a gap list.
type GapFilter struct {
	Municipality int
	Organization *int // with its sub-units
	Channel      *int
}

// GapPage is one page of a gap list.
type GapPage struct {
	Gaps       []Gap
	TotalCount int
	Offset     int
	HasNext    bool
}

// Gaps lists today's missing cells of published products on active
// channels: PLANNED first, by planned date (so the overdue ones lead), then
// the cells nobody has assessed, then UNAVAILABLE and PARTIAL ones.
func (s *Service) Gaps(ctx context.Context, f GapFilter, today time.Time, offset, limit int) (*GapPage, error) {
	return s.cellList(ctx, f, today, offset, limit,
		"(a.id IS NULL OR a.status IN ('PLANNED', 'UNAVAILABLE', 'PARTIAL'))",
		`CASE WHEN a.status = 'PLANNED' THEN 0 WHEN a.id IS NULL THEN 1 WHEN a.status = 'UNAVAILABLE' THEN 2 ELSE 3 END,
		a.planned_date, p.name, p.id, c.sort_order, c.id`)
}

// NotApplicable lists today's NOT_APPLICABLE cells with their reasons, the
// longest unreviewed first, so that nobody improves the ratio by calling
// channels not applicable unseen.
func (s *Service) NotApplicable(ctx context.Context, f GapFilter, offset, limit int) (*GapPage, error) {
	return s.cellList(ctx, f, time.Now(), offset, limit, "a.status = 'NOT_APPLICABLE'",
		"a.last_reviewed, p.name, p.id, c.sort_order, c.id")
}

func (s *Service) cellList(ctx context.Context, f GapFilter, today time.Time, offset, limit int, cond, order string) (*GapPage, error) {
	ctx = lookups(ctx)
	args := []any{f.Municipality}
	where := "p.municipality_id = $1 AND p.status = 'PUBLISHED' AND c.active = TRUE AND " + cond
	if f.Organization != nil {
		owners, err := orgtree.Subtree(ctx, s.Client, *f.Organization)
		if err != nil {
			return nil, err
		}
		where += " AND p.owner_id IN (" + intList(owners) + ")"
	}
	if f.Channel != nil {
		args = append(args, *f.Channel)
		where += " AND c.id = $" + strconv.Itoa(len(args))
	}
	from := `FROM products p CROSS JOIN channels c
	LEFT JOIN availabilities a ON a.product_id = p.id AND a.channel_id = c.id
	WHERE ` + where
	page := &GapPage{Offset: offset}
	if err := scanOne(ctx, s.Client, &page.TotalCount, "SELECT COUNT(*) "+from, args...); err != nil {
		return nil, fmt.Errorf("coverage: counting the list: %w", err)
	}
	args = append(args, limit, offset)
	rows, err := s.Client.QueryContext(ctx, `SELECT p.id, c.id, COALESCE(a.status, 'NOT_ASSESSED'), a.planned_date, a.reason, a.last_reviewed `+
		from+" ORDER BY "+order+" LIMIT $"+strconv.Itoa(len(args)-1)+" OFFSET $"+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("coverage: listing: %w", err)
	}
	defer rows.Close()
	var pids, cids []int
	todayDate := catalog.DateOf(today)
	for rows.Next() {
		var (
			g        Gap
			pid, cid int
			planned  sql.NullTime
			reason   sql.NullString
			reviewed sql.NullTime
		)
		if err := rows.Scan(&pid, &cid, &g.Status, &planned, &reason, &reviewed); err != nil {
			return nil, err
		}
		if planned.Valid {
			d := planned.Time.UTC()
			g.PlannedDate = &d
			g.Overdue = g.Status == Planned && d.Before(todayDate)
		}
		if reason.Valid && reason.String != "" {
			g.Reason = &reason.String
		}
		if reviewed.Valid {
			d := reviewed.Time.UTC()
			g.LastReviewed = &d
		}
		g.DataGap = g.Status == NotAssessed
		g.Product, g.Channel = &ent.Product{ID: pid}, &ent.Channel{ID: cid}
		pids, cids = append(pids, pid), append(cids, cid)
		page.Gaps = append(page.Gaps, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	page.HasNext = offset+len(page.Gaps) < page.TotalCount
	// Two queries for the page's products and channels, not one per row.
	ps, err := s.Client.Product.Query().Where(product.IDIn(pids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := s.Client.Channel.Query().Where(channel.IDIn(cids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	byP, byC := map[int]*ent.Product{}, map[int]*ent.Channel{}
	for _, p := range ps {
		byP[p.ID] = p
	}
	for _, c := range cs {
		byC[c.ID] = c
	}
	for i := range page.Gaps {
		page.Gaps[i].Product = byP[page.Gaps[i].Product.ID]
		page.Gaps[i].Channel = byC[page.Gaps[i].Channel.ID]
	}
	return page, nil
}

// scanOne runs a query that returns one value.
func scanOne(ctx context.Context, c *ent.Client, dst any, query string, args ...any) error {
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	return rows.Scan(dst)
}

// CellStatus is a cell's status in the API: an availability status, or
// NOT_ASSESSED for a cell without one.
type CellStatus string

// MarshalGQL writes the status as a GraphQL enum value.
func (s CellStatus) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(s))) }

// UnmarshalGQL reads a GraphQL enum value.
func (s *CellStatus) UnmarshalGQL(v any) error {
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("a cell status is a string, not %T", v)
	}
	switch str {
	case Available, Partial, Planned, Unavailable, NotApplicable, NotAssessed:
		*s = CellStatus(str)
		return nil
	}
	return fmt.Errorf("%q is not a cell status", str)
}
