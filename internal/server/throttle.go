package server

import (
	"sync"
	"time"
)

// throttle counts failed sign-ins per key — a client's address, and the
// token it presented — and shuts a key out for the rest of the period once
// it has failed too often. Counting and deciding happen under one lock, so
// a burst of N concurrent failures lets exactly the limit through.
//
// The counts live in each instance's memory: behind a load balancer with n
// instances a client gets n times the limit, and a restart forgets. That is
// accepted on purpose: the throttle keeps the security log and the database
// from being flooded, not the tokens from being guessed (256 random bits
// cannot be), and counting in the database would turn every attacker's
// request into a write.
type throttle struct {
	mu      sync.Mutex
	limit   int
	period  time.Duration
	now     func() time.Time
	windows map[string]*window
	// max bounds the number of keys kept, so that a flood of made-up tokens
	// cannot grow the map without end.
	max   int
	swept time.Time
}

type window struct {
	start time.Time
	n     int
}

func newThrottle(limit int, period time.Duration) *throttle {
	return &throttle{limit: limit, period: period, now: time.Now, windows: map[string]*window{}, max: 20000}
}

// current returns key's window if it is still running.
func (t *throttle) current(key string, now time.Time) *window {
	w := t.windows[key]
	if w == nil || now.Sub(w.start) >= t.period {
		return nil
	}
	return w
}

// blocked reports whether key has used up its failures.
func (t *throttle) blocked(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.current(key, t.now())
	return w != nil && w.n >= t.limit
}

// fail counts one failure against every key, or — when one of them is shut
// out already — against none, and reports whether the failure was admitted
// (the caller is told why it failed) and which keys it shut out. Failures of
// a key already shut out are not counted: they would only grow the map.
func (t *throttle) fail(keys ...string) (admitted bool, shut []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, k := range keys {
		if w := t.current(k, now); w != nil && w.n >= t.limit {
			return false, nil
		}
	}
	for _, k := range keys {
		w := t.current(k, now)
		if w == nil {
			t.makeRoom(now)
			w = &window{start: now}
			t.windows[k] = w
		}
		w.n++
		if w.n == t.limit {
			shut = append(shut, k)
		}
	}
	return true, shut
}

// makeRoom keeps the map within max: first the ended windows go (a sweep
// at most once a second, so that a full map does not cost a sweep per
// failure); if every window still runs, one that has not shut its key out
// yet (Go's map order picks it at random), so that a flood of single
// failures cannot push out the keys that are shut out.
func (t *throttle) makeRoom(now time.Time) {
	if len(t.windows) < t.max {
		return
	}
	if now.Sub(t.swept) >= time.Second {
		t.swept = now
		for k, w := range t.windows {
			if now.Sub(w.start) >= t.period {
				delete(t.windows, k)
			}
		}
		if len(t.windows) < t.max {
			return
		}
	}
	var victim string
	for k, w := range t.windows {
		victim = k
		if w.n < t.limit {
			break
		}
	}
	delete(t.windows, victim)
}
