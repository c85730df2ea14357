package live

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// catalogue stands for the database: a version that commits raise.
type catalogue struct{ v atomic.Int64 }

func (c *catalogue) version(context.Context) (int64, error) { return c.v.Load(), nil }

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for range 3000 {
		if ok() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("never: %s", what)
}

// TestFollowTellsWhatMoved: the first answer at once, then one per change
// that alters the answer; a change that leaves it alone sends nothing, and
// the stream closes when its context ends.
func TestFollowTellsWhatMoved(t *testing.T) {
	var c catalogue
	h := New(c.version, time.Millisecond)
	var answer atomic.Int64 // what load answers: changed by the "commits"
	ctx, cancel := context.WithCancel(context.Background())
	out, err := Follow(ctx, h, time.Millisecond, func(context.Context) (int64, string, error) {
		a := answer.Load()
		return a, strconv.FormatInt(a, 10), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := <-out; got != 0 {
		t.Fatalf("first answer %d", got)
	}
	// A commit that does not move the answer, then one that does: the next
	// answer sent is the second's.
	c.v.Add(1)
	waitFor(t, "the hub reads version 1", func() bool { h.mu.Lock(); defer h.mu.Unlock(); return h.current == 1 })
	answer.Store(7)
	c.v.Add(1)
	if got := <-out; got != 7 {
		t.Fatalf("after the change: %d", got)
	}
	cancel()
	for range out {
	}
	waitFor(t, "the poller stops with its last listener", func() bool { h.mu.Lock(); defer h.mu.Unlock(); return h.stop == nil })
}

// TestListenMissesNothing: a change that lands between Listen and the
// caller's first read still wakes it (Listen reads the version first).
func TestListenMissesNothing(t *testing.T) {
	var c catalogue
	h := New(c.version, time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	woken, err := h.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.v.Add(1) // before the caller reads its first answer
	select {
	case <-woken:
	case <-time.After(10 * time.Second):
		t.Fatal("not woken")
	}
}

// TestSharedLoadsOncePerVersion: streams asking the same question under one
// version share one load; a new version loads again, another question apart.
func TestSharedLoadsOncePerVersion(t *testing.T) {
	var c catalogue
	h := New(c.version, time.Hour)
	var s Shared[int]
	var loads atomic.Int64
	load := func(context.Context) (int, error) {
		loads.Add(1)
		time.Sleep(5 * time.Millisecond) // the others arrive while it loads
		return 1, nil
	}
	ask := func(key string, n int) {
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				if _, err := s.Get(context.Background(), h, key, load); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	ask("rotterdam", 20)
	if n := loads.Load(); n != 1 {
		t.Fatalf("20 streams, one version: %d loads", n)
	}
	ask("utrecht", 1)
	h.wake(1) // the poller read a new version
	ask("rotterdam", 5)
	if n := loads.Load(); n != 3 {
		t.Fatalf("loads after another question and a new version: %d, want 3", n)
	}
}
