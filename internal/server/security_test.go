package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/securityevent"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func securityLog(t *testing.T, c *ent.Client) []*ent.SecurityEvent {
	t.Helper()
	return c.SecurityEvent.Query().Order(ent.Asc(securityevent.FieldID)).AllX(fixture.Ctx())
}

func TestFailedSignInsAreLoggedAndThrottled(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	w := newEditWorld(t, db)
	srv := httptest.NewServer(server.Handler(server.Config{DB: db, TrustedProxies: []string{"127.0.0.1"}, AuthFailures: 3}))
	defer srv.Close()
	send := func(token, forwardedFor string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{"query": "{ channels { code } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Forwarded-For", forwardedFor)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 3 {
		if code := send("cat_fout", "203.0.113.7"); code != http.StatusUnauthorized {
			t.Errorf("failure %d: status %d", i+1, code)
		}
	}
	// Shut out now, even with a good token; another client is not.
	if code := send(w.editorA, "203.0.113.7"); code != http.StatusTooManyRequests {
		t.Errorf("after three failures: status %d, want 429", code)
	}
	if code := send(w.editorA, "198.51.100.2"); code != http.StatusOK {
		t.Errorf("another client: status %d", code)
	}
	var failed, throttled int
	for _, e := range securityLog(t, db.Client) {
		switch e.Kind {
		case securityevent.KindAUTH_FAILED:
			failed++
			if e.Client != "203.0.113.7" {
				t.Errorf("failure logged for client %q, want the forwarded address", e.Client)
			}
		case securityevent.KindAUTH_THROTTLED:
			throttled++
		}
	}
	if failed != 3 || throttled != 1 {
		t.Errorf("security log: %d failures, %d throttles; want 3 and 1", failed, throttled)
	}
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
