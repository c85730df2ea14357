package changelog

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
)

// txState is what the change log keeps about an open transaction.
type txState struct {
	id string
	mu sync.Mutex
	// bumped holds, per write (the transaction, or an imported step), the
	// products whose version the write raised already, with their
	// municipality: one save raises a product's version once.
	bumped map[string]map[int]int
	// municipalities are those the transaction's events concern (0: all of
	// them, e.g. a channel); their versions are raised when it commits.
	municipalities map[int]bool
	// past are the municipalities of events recorded at a pinned moment (the
	// history importer, the restore): their past changed, whose version is
	// kept under the municipality's negated id; with the first pinned
	// moment, from which on its snapshots of the past are dropped.
	past map[int]time.Time
	// products changed, or whose availabilities did: their coverage rows are
	// rewritten when it commits (keepCoverage).
	products map[int]bool
	// events are the transaction's logged events that the public view may
	// show, for the webhook outbox (outbox.go); none at pinned moments.
	events []*gen.ChangeEvent
}

// txStates maps an open transaction (its Tx.Key) to its state. An entry
// lives until the transaction commits or rolls back.
var txStates sync.Map

// groupKey carries the group id of one imported history step, which shares
// its database transaction with the other steps of the import.
type groupKey struct{}

// state returns the change log's state of tx's transaction.
func state(tx *gen.Tx) *txState {
	key := tx.Key()
	if s, ok := txStates.Load(key); ok {
		return s.(*txState)
	}
	s := &txState{id: uuid.NewString(), bumped: map[string]map[int]int{}}
	if v, loaded := txStates.LoadOrStore(key, s); loaded {
		return v.(*txState)
	}
	forget := func() { txStates.Delete(key) }
	tx.OnCommit(func(next gen.Committer) gen.Committer {
		return gen.CommitFunc(func(ctx context.Context, tx *gen.Tx) error {
			defer forget()
			s.mu.Lock()
			municipalities := slices.Sorted(maps.Keys(s.municipalities))
			past := maps.Clone(s.past)
			for m := range s.past {
				if m != 0 {
					municipalities = append(municipalities, -m)
				}
			}
			slices.Sort(municipalities)
			products := slices.Sorted(maps.Keys(s.products))
			events := s.events
			s.mu.Unlock()
			if err := refreshCoverage(ctx, tx, products); err != nil {
				return err
			}
			if err := invalidateSnapshots(ctx, tx, past); err != nil {
				return err
			}
			// In id order, so that two transactions never wait on each
			// other's rows. The catalogue's version is raised after these,
			// by the connection itself (internal/store/writes.go).
			for _, m := range municipalities {
				if _, err := tx.ExecContext(ctx, `INSERT INTO municipality_version (municipality_id, version) VALUES ($1, 1)
					ON CONFLICT (municipality_id) DO UPDATE SET version = municipality_version.version + 1`, m); err != nil {
					return fmt.Errorf("changelog: raising the version of municipality %d: %w", m, err)
				}
			}
			// After the versions: the transaction holds its municipalities'
			// version rows until it commits, so the outbox rows of two
			// transactions of one municipality are numbered in commit order,
			// the order the dispatcher delivers them in.
			queued, err := writeOutbox(ctx, tx, events)
			if err != nil {
				return err
			}
			if err := next.Commit(ctx, tx); err != nil {
				return err
			}
			if queued {
				signalOutbox()
			}
			return nil
		})
	})
	tx.OnRollback(func(next gen.Rollbacker) gen.Rollbacker {
		return gen.RollbackFunc(func(ctx context.Context, tx *gen.Tx) error {
			defer forget()
			return next.Rollback(ctx, tx)
		})
	})
	return s
}

// txKey returns the id that groups the events of one write: the imported
// step's, else the transaction's.
func txKey(ctx context.Context, tx *gen.Tx) string {
	if id, ok := ctx.Value(groupKey{}).(string); ok {
		return id
	}
	return state(tx).id
}

// bumpedAlready reports whether this write raised the product's version
// before, and the municipality it learnt then.
func bumpedAlready(ctx context.Context, tx *gen.Tx, product int) (int, bool) {
	s := state(tx)
	s.mu.Lock()
	defer s.mu.Unlock()
	mid, ok := s.bumped[txKey(ctx, tx)][product]
	return mid, ok
}

// markBumped records that this write raised the product's version.
func markBumped(ctx context.Context, tx *gen.Tx, product, municipality int) {
	s := state(tx)
	s.mu.Lock()
	defer s.mu.Unlock()
	k := txKey(ctx, tx)
	if s.bumped[k] == nil {
		s.bumped[k] = map[int]int{}
	}
	s.bumped[k][product] = municipality
}

// markLogged records that the transaction wrote to the change log, about a
// municipality's records (nil: records of all municipalities), at a pinned
// moment or not.
func markLogged(tx *gen.Tx, municipality *int, pinned bool, at time.Time) {
	s := state(tx)
	s.mu.Lock()
	if s.municipalities == nil {
		s.municipalities = map[int]bool{}
	}
	m := 0
	if municipality != nil {
		m = *municipality
	}
	s.municipalities[m] = true
	if pinned {
		if s.past == nil {
			s.past = map[int]time.Time{}
		}
		if first, ok := s.past[m]; !ok || at.Before(first) {
			s.past[m] = at
		}
	}
	s.mu.Unlock()
}
