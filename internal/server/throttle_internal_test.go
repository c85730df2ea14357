package server

import (
	"fmt"
	"testing"
	"time"
)

// TestThrottleStaysBounded floods the throttle with more one-off keys than
// it keeps: the map stays within its bound, and a key already shut out is
// not pushed out by the flood.
func TestThrottleStaysBounded(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	th := newThrottle(2, time.Minute)
	th.now = func() time.Time { return now }
	th.max = 50
	th.fail("client:bad")
	if _, shut := th.fail("client:bad"); len(shut) != 1 {
		t.Fatalf("the second failure shut out %v", shut)
	}
	for i := range 10 * th.max {
		if ok, _ := th.fail(fmt.Sprintf("token:%d", i)); !ok {
			t.Fatalf("a first failure of key %d was not admitted", i)
		}
		if len(th.windows) > th.max {
			t.Fatalf("after %d keys the throttle keeps %d, more than %d", i+1, len(th.windows), th.max)
		}
	}
	if !th.blocked("client:bad") {
		t.Error("the flood pushed out the shut-out client")
	}
	// A minute on, the period is over.
	now = now.Add(time.Minute)
	if th.blocked("client:bad") {
		t.Error("still shut out after the period")
	}
	if ok, _ := th.fail("client:bad"); !ok {
		t.Error("a failure after the period was not admitted")
	}
}
