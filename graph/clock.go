package graph

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// ClockWatch learns whether an answer depends on the moment it was made:
// coverage "now", today's gaps, an answer's currency, the age of a call-back
// request. The resolvers that default a moment to now, or compare with
// today, tell it through now and today below. The response cache asks it,
// rather than guessing from the query's text, so that a new field that reads
// the clock cannot be cached as if it did not.
type ClockWatch struct{ used atomic.Bool }

type clockKey struct{}

// WithClockWatch returns a context whose resolvers report to w.
func WithClockWatch(ctx context.Context, w *ClockWatch) context.Context {
	return context.WithValue(ctx, clockKey{}, w)
}

// Used reports whether a resolver read the clock.
func (w *ClockWatch) Used() bool { return w.used.Load() }

// readsClock notes that the answer depends on the clock.
func readsClock(ctx context.Context) {
	if w, ok := ctx.Value(clockKey{}).(*ClockWatch); ok {
		w.used.Store(true)
	}
}

// now is the resolvers' clock.
func now(ctx context.Context) time.Time {
	readsClock(ctx)
	return time.Now()
}

// orNow is t, or now when the caller gave no moment.
func orNow(ctx context.Context, t *time.Time) time.Time {
	if t == nil {
		return now(ctx)
	}
	return *t
}

// orToday is d, or today when the caller gave no date.
func orToday(ctx context.Context, d *time.Time) time.Time {
	if d == nil {
		return catalog.DateOf(now(ctx))
	}
	return *d
}
