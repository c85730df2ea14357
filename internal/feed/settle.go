package feed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/ent"
)

// On PostgreSQL an event's id is taken from a sequence when it is written,
// not when its transaction commits: a transaction can hold id 10 uncommitted
// while another commits id 11. A reader that served 11 and moved its cursor
// on would never see 10. So the feed ends at a settled boundary: the highest
// id handed out before every transaction that might still hold a lower one
// has ended. Every write changes its record before it logs the event, so a
// transaction has its transaction id before it takes an event id; reading
// the sequence first and the snapshot of running transactions second, then
// waiting for those to end, leaves no id at or below the boundary in flight.
// SQLite has one writer at a time, whose ids are in commit order.

// settleWait bounds how long a read waits for running transactions; a
// longer one (an import) holds the feed at the previous boundary meanwhile.
const settleWait = 2 * time.Second

// settled returns the id up to which the log is complete: nil when all of
// it is (SQLite), -1 when running transactions did not end in time.
func settled(ctx context.Context, c *ent.Client, d string) (*int, error) {
	if d != dialect.Postgres {
		return nil, nil
	}
	// change_events.id is an identity column: its sequence is named after
	// it and found through the search path, like the table.
	var last int
	if err := one(ctx, c, &last, `SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END
		FROM change_events_id_seq`); err != nil {
		return nil, fmt.Errorf("feed: reading the change log's sequence: %w", err)
	}
	// The running transactions of this database that have written (other
	// databases of the server cannot hold our ids), as backend and
	// transaction id: a backend that moved on to another transaction is done
	// with this one.
	var running string
	if err := one(ctx, c, &running, `SELECT COALESCE(string_agg(pid::text || ':' || backend_xid::text, ','), '')
		FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`); err != nil {
		return nil, fmt.Errorf("feed: reading the running transactions: %w", err)
	}
	deadline := time.Now().Add(settleWait)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		if running == "" {
			return &last, nil
		}
		if err := one(ctx, c, &running, `SELECT COALESCE(string_agg(pid::text || ':' || backend_xid::text, ','), '')
			FROM pg_stat_activity WHERE pid::text || ':' || backend_xid::text = ANY(string_to_array($1, ','))`, running); err != nil {
			return nil, fmt.Errorf("feed: waiting for running transactions: %w", err)
		}
		if time.Now().After(deadline) {
			none := -1
			return &none, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// one scans the single value of a query.
func one(ctx context.Context, c *ent.Client, dst any, query string, args ...any) error {
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return errors.New("no row")
	}
	if err := rows.Scan(dst); err != nil {
		return err
	}
	return rows.Close()
}
