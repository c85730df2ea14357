package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/securityevent"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func securityLog(t *testing.T, c *ent.Client) []*ent.SecurityEvent {
	t.Helper()
	return c.SecurityEvent.Query().Order(ent.Asc(securityevent.FieldID)).AllX(fixture.Ctx())
}

// tokenSender posts a query to a server with a bearer token, as if from
// the address a trusted load balancer forwards.
func tokenSender(t *testing.T, url string) func(token, forwardedFor string) int {
	return func(token, forwardedFor string) int {
		req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(`{"query": "{ channels { code } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Forwarded-For", forwardedFor)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
}

func countKinds(t *testing.T, c *ent.Client) (failed, throttled int) {
	for _, e := range securityLog(t, c) {
		switch e.Kind {
		case securityevent.KindAUTH_FAILED:
			failed++
		case securityevent.KindAUTH_THROTTLED:
			throttled++
		}
	}
	return failed, throttled
}

func TestFailedSignInsAreLoggedAndThrottled(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	w := newEditWorld(t, db)
	srv := httptest.NewServer(server.Handler(server.Config{DB: db, TrustedProxies: []string{"127.0.0.1"}, AuthFailures: 3}))
	defer srv.Close()
	send := tokenSender(t, srv.URL)
	for i := range 3 {
		if code := send(fmt.Sprintf("cat_fout%d", i), "203.0.113.7"); code != http.StatusUnauthorized {
			t.Errorf("failure %d: status %d", i+1, code)
		}
	}
	// The address is shut out now: a fourth wrong token is refused unheard.
	if code := send("cat_fout3", "203.0.113.7"); code != http.StatusTooManyRequests {
		t.Errorf("after three failures: status %d, want 429", code)
	}
	failed, throttled := countKinds(t, db.Client)
	if failed != 3 || throttled != 1 {
		t.Errorf("security log: %d failures, %d throttles; want 3 and 1", failed, throttled)
	}
	for _, e := range securityLog(t, db.Client) {
		if e.Kind == securityevent.KindAUTH_FAILED && e.Client != "203.0.113.7" {
			t.Errorf("failure logged for client %q, want the forwarded address", e.Client)
		}
	}
	// Someone else's failures never shut out a correct token, from that
	// address or any other.
	if code := send(w.editorA, "203.0.113.7"); code != http.StatusOK {
		t.Errorf("a correct token from the shut-out address: status %d, want 200", code)
	}
	if code := send(w.editorA, "198.51.100.2"); code != http.StatusOK {
		t.Errorf("another client: status %d", code)
	}
}

// TestOneTokenIsThrottledAcrossAddresses checks the count per token: one
// wrong (here: revoked) token tried from ever new addresses is shut out
// after the limit, while the addresses themselves stay free for correct
// tokens.
func TestOneTokenIsThrottledAcrossAddresses(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	w := newEditWorld(t, db)
	srv := httptest.NewServer(server.Handler(server.Config{DB: db, TrustedProxies: []string{"127.0.0.1"}, AuthFailures: 3}))
	defer srv.Close()
	send := tokenSender(t, srv.URL)
	var codes []int
	for i := range 6 {
		codes = append(codes, send(w.revoked, fmt.Sprintf("203.0.113.%d", i+1)))
	}
	if want := []int{401, 401, 401, 429, 429, 429}; !slices.Equal(codes, want) {
		t.Errorf("a revoked token from six addresses: %v, want %v", codes, want)
	}
	// The same token with spaces around it is the same token to the throttle.
	if code := send(w.revoked+" ", "203.0.113.99"); code != http.StatusTooManyRequests {
		t.Errorf("the shut-out token with a trailing space: %d", code)
	}
	for i := range 6 {
		if code := send(w.editorA, fmt.Sprintf("203.0.113.%d", i+1)); code != http.StatusOK {
			t.Errorf("a correct token from address %d: %d", i+1, code)
		}
	}
	if failed, throttled := countKinds(t, db.Client); failed != 3 || throttled != 1 {
		t.Errorf("security log: %d failures, %d throttles; want 3 and 1", failed, throttled)
	}
}

// TestFailedSignInBurstIsCountedExactly sends a burst of wrong tokens at
// once, from one address: exactly the limit of them is heard (401 and a
// line in the security log each), the rest are refused with 429 — and a
// correct token sent in the same burst passes.
func TestFailedSignInBurstIsCountedExactly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newEditWorld(t, db)
		const limit, burst = 10, 40
		srv := httptest.NewServer(server.Handler(server.Config{DB: db, TrustedProxies: []string{"127.0.0.1"}, AuthFailures: limit}))
		defer srv.Close()
		send := tokenSender(t, srv.URL)
		codes := make([]int, burst)
		good := make([]int, 4)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range burst {
			wg.Go(func() {
				<-start
				codes[i] = send(fmt.Sprintf("cat_geraden%d", i), "203.0.113.7")
			})
		}
		for i := range good {
			wg.Go(func() {
				<-start
				good[i] = send(w.editorA, "203.0.113.7")
			})
		}
		close(start)
		wg.Wait()
		n := map[int]int{}
		for _, c := range codes {
			n[c]++
		}
		if n[401] != limit || n[429] != burst-limit {
			t.Errorf("a burst of %d wrong tokens: %v; want %d × 401 and %d × 429", burst, n, limit, burst-limit)
		}
		if slices.ContainsFunc(good, func(c int) bool { return c != http.StatusOK }) {
			t.Errorf("a correct token in the burst: %v, want 200 each time", good)
		}
		if failed, throttled := countKinds(t, db.Client); failed != limit || throttled != 1 {
			t.Errorf("security log: %d failures, %d throttles; want %d and 1", failed, throttled, limit)
		}
	})
}

func TestUntrustedForwardedForIsIgnored(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	fixture.New(t, db.Client)
	srv := httptest.NewServer(server.Handler(server.Config{DB: db}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{"query": "{ channels { code } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer cat_fout")
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	evs := securityLog(t, db.Client)
	if len(evs) != 1 || evs[0].Client != "127.0.0.1" {
		t.Errorf("without a trusted proxy the client is the connection's address: %+v", evs)
	}
}

func TestTokensAndAdminActionsAreLogged(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	w := newEditWorld(t, db)
	if r := call(t, w.url, w.root, `mutation { createChannel(input: {code: "fax", name: "Fax", nameEn: "Fax"}) { code } }`, nil); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	kinds := map[securityevent.Kind]int{}
	var admin *ent.SecurityEvent
	for _, e := range securityLog(t, db.Client) {
		kinds[e.Kind]++
		if e.Kind == securityevent.KindADMIN_ACTION {
			admin = e
		}
	}
	// newEditWorld made five tokens and revoked one.
	if kinds[securityevent.KindTOKEN_CREATED] != 5 || kinds[securityevent.KindTOKEN_REVOKED] != 1 || admin == nil {
		t.Fatalf("security log kinds %v", kinds)
	}
	if admin.Actor != "token:admin-alles" || admin.Detail != "createChannel: fax" {
		t.Errorf("admin action logged as %+v", admin)
	}
	// Nobody reads the security log through the API.
	if _, err := db.Client.SecurityEvent.Query().All(context.Background()); err == nil {
		t.Error("the security log is readable without the catalogue's own context")
	}
}
