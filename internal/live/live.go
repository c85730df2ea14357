// Package live wakes the server's open streams (GraphQL subscriptions over
// Server-Sent Events) when the catalogue changes.
//
// Every committed change raises the catalogue's version (one row, see
// store.DB.Version), whichever instance made it. So one poller per process
// reads that version while anybody listens, instead of each stream asking the
// database on its own, and instead of a notification channel that only
// PostgreSQL has and that a replica or a restarted listener would miss. A
// listener that is woken recomputes its answer and pushes it if it moved.
package live

import (
	"context"
	"sync"
	"time"
)

// Hub fans the catalogue's changes out to its listeners.
type Hub struct {
	version func(context.Context) (int64, error)
	every   time.Duration

	mu        sync.Mutex
	listeners map[*listener]struct{}
	// stop ends the poller; nil while nobody listens (no statement is sent
	// for a server without streams).
	stop context.CancelFunc
	// current is the version read last.
	current int64
}

// New returns a hub that reads the version with version every interval while
// someone listens.
func New(version func(context.Context) (int64, error), every time.Duration) *Hub {
	return &Hub{version: version, every: every, listeners: map[*listener]struct{}{}}
}

type listener struct {
	ch chan struct{}
	// seen is the version the listener was last told of.
	seen int64
}

// Listen returns a channel that receives after each change of the
// catalogue's version until ctx ends. It holds at most one unread wake-up:
// a listener busy while several changes land is woken once for all of them.
//
// Listen reads the version before it returns, so a caller that reads its
// first answer after Listen is woken by every change that answer may have
// missed. It fails when the database cannot tell the version.
func (h *Hub) Listen(ctx context.Context) (<-chan struct{}, error) {
	v, err := h.version(ctx)
	if err != nil {
		return nil, err
	}
	l := &listener{ch: make(chan struct{}, 1), seen: v}
	h.mu.Lock()
	h.current = max(h.current, v)
	h.listeners[l] = struct{}{}
	if h.stop == nil {
		pctx, cancel := context.WithCancel(context.Background())
		h.stop = cancel
		go h.poll(pctx)
	}
	h.mu.Unlock()
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.listeners, l)
		if len(h.listeners) == 0 && h.stop != nil {
			h.stop()
			h.stop = nil
		}
	})
	return l.ch, nil
}

// Listeners is the number of open listeners, for the metrics.
func (h *Hub) Listeners() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.listeners)
}

func (h *Hub) poll(ctx context.Context) {
	t := time.NewTicker(h.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		qctx, cancel := context.WithTimeout(ctx, h.every+time.Second)
		v, err := h.version(qctx)
		cancel()
		if err != nil {
			// The database is away: the streams keep what they pushed last
			// and hear of the next change once it answers again.
			continue
		}
		h.wake(v)
	}
}

// wake wakes the listeners that were last told of another version than v.
func (h *Hub) wake(v int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.current = v
	for l := range h.listeners {
		if l.seen == v {
			continue
		}
		l.seen = v
		select {
		case l.ch <- struct{}{}:
		default: // already woken, not yet read
		}
	}
}

// RetryAfter is how long a stream whose answer could not be read waits
// before it tries again without being woken.
const RetryAfter = 5 * time.Second

// Follow sends load's answer at once, and again after each change of the
// catalogue that alters it (whose key differs from the one sent last), at
// most once per gap, until ctx ends; then it closes the channel. An error of
// the first load is returned (the stream then ends with it); later errors
// are retried, the stream keeping what it sent.
func Follow[T any](ctx context.Context, h *Hub, gap time.Duration, load func(context.Context) (T, string, error)) (<-chan T, error) {
	woken, err := h.Listen(ctx)
	if err != nil {
		return nil, err
	}
	first, key, err := load(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan T, 1)
	out <- first
	go func() {
		defer close(out)
		sent := time.Now()
		var retry <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case <-woken:
			case <-retry:
			}
			retry = nil
			// Debounce: the changes of the next gap are told together.
			if wait := time.Until(sent.Add(gap)); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
			v, k, err := load(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				retry = time.After(RetryAfter)
				continue
			}
			if k == key {
				continue
			}
			select {
			case <-ctx.Done():
				return
			case out <- v:
			}
			key, sent = k, time.Now()
		}
	}()
	return out, nil
}

// Shared lets the streams that ask the same question share one answer per
// version of the catalogue: a hundred dashboards open on one municipality
// cost one count per change, not a hundred.
type Shared[T any] struct {
	mu      sync.Mutex
	answers map[string]*shared[T]
}

type shared[T any] struct {
	version int64
	done    chan struct{}
	v       T
	err     error
}

// Get returns the answer to the question key under the version the hub read
// last, loading it unless another stream did or is doing so.
func (s *Shared[T]) Get(ctx context.Context, h *Hub, key string, load func(context.Context) (T, error)) (T, error) {
	h.mu.Lock()
	v := h.current
	h.mu.Unlock()
	s.mu.Lock()
	if s.answers == nil {
		s.answers = map[string]*shared[T]{}
	}
	a := s.answers[key]
	if a == nil || a.version != v {
		for k, old := range s.answers {
			if old.version != v {
				delete(s.answers, k) // answers to an older catalogue
			}
		}
		a = &shared[T]{version: v, done: make(chan struct{})}
		s.answers[key] = a
		s.mu.Unlock()
		a.v, a.err = load(ctx)
		if a.err != nil {
			// Not kept: the next stream tries again (this one's context may
			// have been the trouble).
			s.mu.Lock()
			if s.answers[key] == a {
				delete(s.answers, key)
			}
			s.mu.Unlock()
		}
		close(a.done)
		return a.v, a.err
	}
	s.mu.Unlock()
	select {
	case <-a.done:
		return a.v, a.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
