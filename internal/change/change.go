// Package change runs the callers' changes to the catalogue (the API's
// mutations, the editor's saves, the knowledge base's writes): one
// transaction each, made by someone, with what happened to it told when the
// connection goes during the commit, and read back after it.
package change

import (
	"context"
	"errors"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/dberr"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// Run runs fn in a transaction as the caller's change, committing when it
// returns nil. A change needs someone to make it: a viewer, or an actor for
// the catalogue's own jobs. A COMMIT the connection was lost on may have
// landed: that comes back as a catalog.OutcomeError, so the API does not
// report a saved change as failed.
func Run(ctx context.Context, c *ent.Client, fn func(ctx context.Context, tx *ent.Client) error) error {
	if auth.FromContext(ctx) == nil {
		// Reads would pass; say plainly that changes need a token.
		if _, ok := changelog.ActorFrom(ctx); !ok {
			return auth.ErrUnauthenticated
		}
	}
	err := txn.Run(ctx, c, func(tx *ent.Client) error { return fn(ctx, tx) })
	var commit *txn.CommitError
	if errors.As(err, &commit) && dberr.Unreachable(err) {
		// The COMMIT may have reached the database before the connection
		// went: the change may be saved.
		return &catalog.OutcomeError{Err: commit.Err}
	}
	return err
}

// Reread reads what a committed change saved, by id and outside its
// transaction, as the viewer sees it: an entity read inside the transaction
// would load the edges a caller selects through the committed transaction,
// which fails. A failure here is reported as such: the change itself is saved.
func Reread[T any](ctx context.Context, id int, get func(context.Context, int) (T, error)) (T, error) {
	v, err := get(ctx, id)
	if err != nil {
		var none T
		return none, &catalog.OutcomeError{Saved: true, Err: err}
	}
	return v, nil
}
