package changelog

import (
	"context"
	"sync"

	"github.com/google/uuid"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
)

// txIDs maps an open transaction (its Tx.Key) to the id its events share. An
// entry lives until the transaction commits or rolls back.
var txIDs sync.Map

// groupKey carries the group id of one imported history step, which shares
// its database transaction with the other steps of the import.
type groupKey struct{}

// txKey returns the id that groups the events of tx's transaction.
func txKey(ctx context.Context, tx *gen.Tx) string {
	if id, ok := ctx.Value(groupKey{}).(string); ok {
		return id
	}
	key := tx.Key()
	if id, ok := txIDs.Load(key); ok {
		return id.(string)
	}
	id := uuid.NewString()
	if v, loaded := txIDs.LoadOrStore(key, id); loaded {
		return v.(string)
	}
	forget := func() { txIDs.Delete(key) }
	tx.OnCommit(func(next gen.Committer) gen.Committer {
		return gen.CommitFunc(func(ctx context.Context, tx *gen.Tx) error {
			defer forget()
			return next.Commit(ctx, tx)
		})
	})
	tx.OnRollback(func(next gen.Rollbacker) gen.Rollbacker {
		return gen.RollbackFunc(func(ctx context.Context, tx *gen.Tx) error {
			defer forget()
			return next.Rollback(ctx, tx)
		})
	})
	return id
}
