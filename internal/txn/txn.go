// Package txn is the one way hand-written code runs a write transaction:
// committed when the work returns nil, rolled back when it returns an error
// or panics, so that no path can leave a transaction (and its connection and
// locks) open. It also holds a record's version for the optimistic
// concurrency check that edits make inside such a transaction.
package txn

import (
	"context"
	"database/sql"
	"errors"

	"github.com/gemeente-rotterdam/catalogus/ent"
)

// Discard, returned by the work, rolls the transaction back and makes Run
// return nil: a dry run, or an import that reports its problems instead of
// failing.
var Discard = errors.New("txn: discard the transaction")

// Run runs fn in a transaction of c and commits it when fn returns nil. An
// error from fn, or a panic (which goes on up), rolls it back.
func Run(ctx context.Context, c *ent.Client, fn func(tx *ent.Client) error) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	return finish(tx, func() error { return fn(tx.Client()) })
}

// RunSQL is Run for writers that go past Ent (raw SQL on the database handle).
func RunSQL(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	return finish(tx, func() error { return fn(tx) })
}

// ending is what both kinds of transaction have.
type ending interface {
	Commit() error
	Rollback() error
}

func finish(tx ending, work func() error) error {
	committing := false
	defer func() {
		// Also on a panic: the deferred call runs before it goes on up.
		if !committing {
			_ = tx.Rollback()
		}
	}()
	if err := work(); err != nil {
		if errors.Is(err, Discard) {
			return nil
		}
		return err
	}
	committing = true
	if err := tx.Commit(); err != nil {
		return &CommitError{Err: err}
	}
	return nil
}

// CommitError is a failed COMMIT: unlike a failure before it, the change may
// have reached the database (say, when the connection went as it answered).
// It reads as the driver's error.
type CommitError struct{ Err error }

func (e *CommitError) Error() string { return e.Err.Error() }
func (e *CommitError) Unwrap() error { return e.Err }

// HoldVersion reports whether record id of a versioned table (products,
// answers) still has the version the editor saw. If so, it holds the record
// until the transaction ends: a write that changes nothing takes the row
// lock in PostgreSQL and the write lock in SQLite, so that two editors
// holding the same version cannot both pass the check. It writes nothing the
// change log would see.
func HoldVersion(ctx context.Context, tx *ent.Client, table string, id, expected int) (bool, error) {
	res, err := tx.ExecContext(ctx, "UPDATE "+table+" SET version = version WHERE id = $1 AND version = $2", id, expected)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
