package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/internal/webhook"
)

// BenchmarkDispatch measures delivery to a receiver on loopback with the
// dispatcher as serve runs it (woken by the commit, real clock), with 8
// subscriptions:
//
//   - latency: one edit at a time, from just after its COMMIT until each
//     subscription's POST arrives (p50, p99 over 8 × b.N deliveries);
//
//   - throughput: 100 edits queued while the dispatcher is stopped (800
//     deliveries), then the time until all have arrived (deliveries/s).
//
//     CATALOGUS_TEST_DATABASE_URL=… go test -run '^$' -bench Dispatch -benchtime 100x ./internal/webhook
func BenchmarkDispatch(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			db := storetest.Open(b, d, storetest.WithStoreOptions(store.Options{Clock: clock.System{}}))
			w := build(b, db, clock.NewManual(time.Now()))
			var mu sync.Mutex
			arrived := map[string]time.Time{}
			got := make(chan struct{}, 10000)
			rcv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
				mu.Lock()
				arrived[req.Header.Get(webhook.HeaderIdempotency)] = time.Now()
				mu.Unlock()
				rw.WriteHeader(http.StatusNoContent)
				got <- struct{}{}
			}))
			defer rcv.Close()
			// The subscription build made points at its own receiver; these 8 at this one.
			off := false
			if _, err := w.service.Update(admin(context.Background()), w.sub.ID, webhook.UpdateInput{Active: &off}); err != nil {
				b.Fatal(err)
			}
			for i := range 8 {
				if _, err := w.service.Create(admin(context.Background()), webhook.CreateInput{URL: fmt.Sprintf("%s/%d", rcv.URL, i),
					Secret: secret, Municipality: w.Municipality}); err != nil {
					b.Fatal(err)
				}
			}
			edit := func(i int) {
				fixture.Tx(b, db.Client, func(ctx context.Context, tx *ent.Client) error {
					return tx.Availability.UpdateOneID(w.cells[i%2].ID).SetInstructions(fmt.Sprintf("stap %d", i)).Exec(ctx)
				})
			}
			start := func() context.CancelFunc {
				ctx, cancel := context.WithCancel(context.Background())
				disp := &webhook.Dispatcher{DB: db.SQL, Dialect: db.Target.Dialect, SiteURL: "https://www.example.org/",
					Allow: w.service.Allow, Retry: webhook.DefaultRetry}
				done := make(chan struct{})
				go func() { disp.Run(ctx); close(done) }()
				return func() { cancel(); <-done }
			}
			wait := func(n int) {
				for range n {
					select {
					case <-got:
					case <-time.After(30 * time.Second):
						b.Fatal("a delivery did not arrive within 30 s")
					}
				}
			}

			stop := start()
			var lat []time.Duration
			i := 0
			for b.Loop() {
				edit(i)
				committed := time.Now()
				wait(8)
				mu.Lock()
				for k, at := range arrived {
					lat = append(lat, at.Sub(committed))
					delete(arrived, k)
				}
				mu.Unlock()
				i++
			}
			stop()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")

			for j := range 100 {
				edit(i + j)
			}
			t0 := time.Now()
			stop = start()
			wait(800)
			elapsed := time.Since(t0)
			stop()
			b.ReportMetric(800/elapsed.Seconds(), "deliveries/s")
		})
	}
}
