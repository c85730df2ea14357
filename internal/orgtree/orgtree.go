// Package orgtree answers questions about the organization tree: which
// municipality a unit belongs to, and which units lie below it.
package orgtree

import (
	"context"
	"fmt"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
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
