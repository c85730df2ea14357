package server

import (
	"sync"
	"time"
)

// throttle counts failed sign-ins per client and shuts a client out for the
// rest of the period once it has failed too often.
type throttle struct {
	mu       sync.Mutex
	limit    int
	period   time.Duration
	now      func() time.Time
	failures map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newThrottle(limit int, period time.Duration) *throttle {
	return &throttle{limit: limit, period: period, now: time.Now, failures: map[string]*window{}}
}

// blocked reports whether the client has used up its failures.
func (t *throttle) blocked(client string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.failures[client]
	return w != nil && t.now().Sub(w.start) < t.period && w.n >= t.limit
}

// fail counts a failure and reports whether it was the one that shut the
// client out.
func (t *throttle) fail(client string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.failures) > 10000 { // forget old windows, so that the map stays small
		for k, w := range t.failures {
			if now.Sub(w.start) >= t.period {
				delete(t.failures, k)
			}
		}
	}
	w := t.failures[client]
	if w == nil || now.Sub(w.start) >= t.period {
		w = &window{start: now}
		t.failures[client] = w
	}
	w.n++
	return w.n == t.limit
}
