// Package orgtree answers questions about the organization tree: which
// municipality a unit belongs to, and which units lie below it.
package orgtree

import (
	"context"
	"fmt"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// MaxDepth bounds walks up the tree. Real trees are four levels deep
// (municipality, cluster, department, team); the bound turns a cycle that
// slipped past the rules into an error instead of an endless loop.
const MaxDepth = 32

// Root returns the id of the municipality at the root above the organization
// with the given id (the organization itself when it is a root).
func Root(ctx context.Context, c *ent.Client, id int) (int, error) {
	cur := id
	for range MaxDepth {
		parent, err := c.Organization.Query().
			Where(organization.ID(cur)).
			Select(organization.FieldParentID).
			Only(ctx)
		if err != nil {
			if ent.IsNotFound(err) {
				return 0, fmt.Errorf("organization %d does not exist", cur)
			}
			return 0, err
		}
		if parent.ParentID == nil {
			return cur, nil
		}
		cur = *parent.ParentID
	}
	return 0, fmt.Errorf("organization %d: tree deeper than %d levels (a cycle?)", id, MaxDepth)
}

// IsAncestor reports whether the organization anc lies on the path from id up
// to its root (an organization counts as its own ancestor).
func IsAncestor(ctx context.Context, c *ent.Client, anc, id int) (bool, error) {
	cur := id
	for range MaxDepth {
		if cur == anc {
			return true, nil
		}
		o, err := c.Organization.Query().
			Where(organization.ID(cur)).
			Select(organization.FieldParentID).
			Only(ctx)
		if err != nil {
			return false, err
		}
		if o.ParentID == nil {
			return false, nil
		}
		cur = *o.ParentID
	}
	return false, fmt.Errorf("organization %d: tree deeper than %d levels (a cycle?)", id, MaxDepth)
}

// Subtree returns the ids of the organization with the given id and of every
// unit below it.
func Subtree(ctx context.Context, c *ent.Client, id int) ([]int, error) {
	const q = `WITH RECURSIVE sub(id, depth) AS (
		SELECT id, 0 FROM organizations WHERE id = $1
		UNION ALL
		SELECT o.id, sub.depth + 1 FROM organizations o JOIN sub ON o.parent_id = sub.id WHERE sub.depth < $2
	) SELECT id FROM sub`
	rows, err := c.QueryContext(ctx, q, id, MaxDepth)
	if err != nil {
		return nil, fmt.Errorf("reading the organization tree below %d: %w", id, err)
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		ids = append(ids, v)
	}
	return ids, rows.Err()
}

// Municipality returns the municipality with the given code; with an empty
// code, the only municipality there is.
func Municipality(ctx context.Context, c *ent.Client, code string) (*ent.Organization, error) {
	q := c.Organization.Query().Where(organization.KindEQ(organization.KindMUNICIPALITY))
	if code != "" {
		m, err := q.Where(organization.Code(code)).Only(ctx)
		if ent.IsNotFound(err) {
			return nil, catalog.NotFound("municipality", "there is no municipality with code %q", code)
		}
		return m, err
	}
	roots, err := q.Limit(2).All(ctx)
	switch {
	case err != nil:
		return nil, err
	case len(roots) == 1:
		return roots[0], nil
	case len(roots) == 0:
		return nil, catalog.NotFound("municipality", "the catalogue holds no municipality yet")
	}
	return nil, catalog.BadArgument("municipality", "required", "the catalogue holds several municipalities; name one with the municipality argument")
}

// Within returns the organization with the given code, which must lie in
// the municipality.
func Within(ctx context.Context, c *ent.Client, m *ent.Organization, code, field string) (*ent.Organization, error) {
	o, err := c.Organization.Query().Where(organization.Code(code)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, catalog.NotFound(field, "there is no organization with code %q", code)
	}
	if err != nil {
		return nil, err
	}
	root, err := Root(ctx, c, o.ID)
	if err != nil {
		return nil, err
	}
	if root != m.ID {
		return nil, catalog.BadArgument(field, "municipality", "organization %q is not part of municipality %q", code, m.Code)
	}
	return o, nil
}
