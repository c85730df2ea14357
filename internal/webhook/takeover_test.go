package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent/webhookdelivery"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/internal/webhook"
)

// TestLeaseTakeover stands in for a dispatcher killed mid-POST (its process
// gone, its lease left behind): a dispatcher hangs while the receiver holds
// its POST; once the lease has run out another sends the notification again,
// with the same key, and the hung one, coming back, cannot overwrite the
// outcome. (A SIGKILL of the real binary is not tested yet.)
func TestLeaseTakeover(t *testing.T) {
	clk := clock.NewManual(t0)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db, clk)
		var mu sync.Mutex
		var keys []string
		first, release := make(chan struct{}), make(chan struct{})
		rcv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
			mu.Lock()
			keys = append(keys, req.Header.Get(webhook.HeaderIdempotency))
			n := len(keys)
			mu.Unlock()
			if n == 1 {
				close(first)
				<-release // the first dispatcher's POST hangs here
			}
			rw.WriteHeader(http.StatusNoContent)
		}))
		defer rcv.Close()
		url := rcv.URL + "/hook"
		if _, err := w.service.Update(admin(context.Background()), w.sub.ID, webhook.UpdateInput{URL: &url}); err != nil {
			t.Fatal(err)
		}
		w.edit(t, 0, "stap 1")
		hung, other := w.dispatcher(), w.dispatcher()
		done := make(chan error)
		go func() { _, err := hung.RunOnce(context.Background()); done <- err }()
		<-first
		if n, err := other.RunOnce(context.Background()); err != nil || n != 0 {
			t.Fatalf("a leased delivery was claimed again at once: %d, %v", n, err)
		}
		clk.Advance(2 * time.Minute) // past the lease
		if n, err := other.RunOnce(context.Background()); err != nil || n != 1 {
			t.Fatalf("after the lease ran out: claimed %d, %v", n, err)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(keys) != 2 || keys[0] != keys[1] {
			t.Errorf("received %v, want the same key twice", keys)
		}
		ds := w.deliveries(t)
		if len(ds) != 1 || ds[0].State != webhookdelivery.StateDELIVERED || ds[0].Attempts != 1 {
			t.Errorf("after the takeover: %+v", ds)
		}
	}, storetest.WithStoreOptions(store.Options{Clock: clk}))
}
