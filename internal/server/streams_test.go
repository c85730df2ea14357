package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// event is one event of a stream: its name and its data.
type event struct {
	name string
	data json.RawMessage
}

// stream opens a subscription and returns its events as they come, and the
// answer's status. The channel closes when the stream ends.
func stream(t *testing.T, ctx context.Context, base, query string, vars map[string]any) (<-chan event, *http.Response) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan event, 16)
	go func() {
		defer close(events)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		var e event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.name != "" {
					events <- e
				}
				e = event{}
			case strings.HasPrefix(line, "event:"):
				e.name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				e.data = append(e.data, strings.TrimSpace(strings.TrimPrefix(line, "data:"))...)
			}
		}
	}()
	return events, resp
}

// next waits for the stream's next event; the wait's bound only keeps a
// broken stream from holding the test until its timeout.
func next(t *testing.T, events <-chan event) event {
	t.Helper()
	select {
	case e, ok := <-events:
		if !ok {
			t.Fatal("the stream ended")
		}
		return e
	case <-time.After(30 * time.Second):
		t.Fatal("no event within 30 s")
	}
	return event{}
}

const liveCoverage = `subscription { coverageChanged { byChannel { channel { code } planned } } }`
const liveProduct = `subscription($slug: String!) { productChanged(slug: $slug) { slug version availabilities { status channel { code } } } }`

func plannedOnWebsite(t *testing.T, e event) int {
	t.Helper()
	var r struct {
		Data struct {
			CoverageChanged struct {
				ByChannel []struct {
					Channel struct{ Code string }
					Planned int
				}
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(e.data, &r); err != nil || e.name != "next" || len(r.Errors) > 0 {
		t.Fatalf("event %s %s: %v", e.name, e.data, err)
	}
	for _, c := range r.Data.CoverageChanged.ByChannel {
		if c.Channel.Code == "website" {
			return c.Planned
		}
	}
	t.Fatalf("no website in %s", e.data)
	return 0
}

// TestSubscriptionsFollowTheCatalogue is issue 22's live dashboards: a
// subscription answers at once, and again after a save moves what it shows —
// the coverage's figures, the product's version — and not after a save that
// does not.
func TestSubscriptionsFollowTheCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newEditWorld(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cov, resp := stream(t, ctx, w.url, liveCoverage, nil)
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
			t.Fatalf("status %d, Content-Type %q", resp.StatusCode, ct)
		}
		prod, _ := stream(t, ctx, w.url, liveProduct, map[string]any{"slug": "paspoort"})
		before := plannedOnWebsite(t, next(t, cov))
		first := next(t, prod)
		if !strings.Contains(string(first.data), `"version":1`) {
			t.Fatalf("first answer of productChanged: %s", first.data)
		}

		// A save to another product, which the coverage counts: the
		// coverage stream answers, the paspoort stream does not.
		if r := call(t, w.url, w.editorB, setAvailability, map[string]any{"in": map[string]any{
			"product": "grofvuil", "channel": "website", "status": "PLANNED", "plannedDate": future(30), "expectedVersion": 1}}); len(r.Errors) > 0 {
			t.Fatalf("save: %+v", r.Errors)
		}
		if got := plannedOnWebsite(t, next(t, cov)); got != before+1 {
			t.Fatalf("planned on the website after the save: %d, want %d", got, before+1)
		}
		// Then paspoort: its stream's next answer is this save's.
		if r := call(t, w.url, w.editorA, setAvailability, map[string]any{"in": map[string]any{
			"product": "paspoort", "channel": "website", "status": "PLANNED", "plannedDate": future(30), "expectedVersion": 1}}); len(r.Errors) > 0 {
			t.Fatalf("save: %+v", r.Errors)
		}
		e := next(t, prod)
		if e.name != "next" || !strings.Contains(string(e.data), `"version":2`) || !strings.Contains(string(e.data), `"PLANNED"`) {
			t.Fatalf("productChanged after its save: %s %s", e.name, e.data)
		}
		if got := plannedOnWebsite(t, next(t, cov)); got != before+2 {
			t.Fatalf("planned on the website after the second save: %d, want %d", got, before+2)
		}
	})
}

// TestStreamsAreBounded: what an attacker could do with streams — open many,
// keep them forever, smuggle a query past the request deadline, or hold a
// subscription over a plain POST — is refused or ended.
func TestStreamsAreBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		newEditWorld(t, db)
		srv := httptest.NewServer(server.Handler(server.Config{DB: db,
			Streams: server.StreamLimits{Max: 2, PerClient: 1, Lifetime: 2 * time.Second}}))
		t.Cleanup(srv.Close)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()

		// A query over a stream, and a subscription without one.
		other, _ := stream(t, ctx, srv.URL, `{ channels { code } }`, nil)
		if e := next(t, other); e.name != "next" || !strings.Contains(string(e.data), "serves subscriptions only") {
			t.Errorf("a query over a stream: %s %s", e.name, e.data)
		}
		for range other {
		}
		if r := call(t, srv.URL, "", liveCoverage, nil); r.code() != "BAD_REQUEST" || !strings.Contains(r.Errors[0].Message, "text/event-stream") {
			t.Errorf("a subscription as a plain POST: %+v", r.Errors)
		}

		events, _ := stream(t, ctx, srv.URL, liveCoverage, nil)
		next(t, events)
		_, resp := stream(t, ctx, srv.URL, liveCoverage, nil)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Errorf("a second stream of one client: status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		// The first ends after its lifetime, with complete, and then the
		// answer ends.
		last := ""
		for e := range events {
			if e.name != "next" && e.name != "complete" {
				t.Fatalf("event %s %s", e.name, e.data)
			}
			last = e.name
		}
		if last != "complete" {
			t.Fatalf("the stream's last event: %q", last)
		}
		// Its place is free again.
		events, resp = stream(t, ctx, srv.URL, liveCoverage, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("a stream after the first ended: status %d", resp.StatusCode)
		}
		next(t, events)
	})
}
