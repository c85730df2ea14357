package signin_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent/securityevent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/server/servertest"
	"github.com/gemeente-rotterdam/catalogus/internal/signin"
	"github.com/gemeente-rotterdam/catalogus/internal/signin/signintest"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// forwardedFor sends every request with an X-Forwarded-For header, as a load
// balancer in front of the catalogue would, or as anyone can.
type forwardedFor string

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", string(f))
	return http.DefaultTransport.RoundTrip(r)
}

// recorder keeps the log's records, for a test to read what was logged.
// Attributes added with With are dropped: the sign-in logs none that way.
type recorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *recorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recorder) WithGroup(string) slog.Handler            { return h }

func (h *recorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

// values returns the value of key in every record with message msg.
func (h *recorder) values(msg, key string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var vs []string
	for _, r := range h.records {
		if r.Message != msg {
			continue
		}
		v := "(none)"
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == key {
				v = a.Value.String()
				return false
			}
			return true
		})
		vs = append(vs, v)
	}
	return vs
}

// TestRefusalsNameTheClient checks that the sign-in's refusals, in the
// security log and the service's log, name the caller as the API's do: the
// address a trusted load balancer forwards, and otherwise the connection's,
// whatever X-Forwarded-For a caller makes up.
func TestRefusalsNameTheClient(t *testing.T) {
	const forwarded = "203.0.113.7"
	for _, tc := range []struct {
		name    string
		proxies []string
		want    string
	}{
		{"through a trusted proxy", []string{"127.0.0.1"}, forwarded},
		{"no trusted proxy", nil, "127.0.0.1"},
		{"from a peer that is not the trusted proxy", []string{"192.0.2.0/24"}, "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				log := &recorder{}
				e := &env{t: t, db: db, idp: signintest.Start(t), clock: &clock{}}
				e.k = fixture.New(t, db.Client)
				e.url = servertest.WithSignIn(t, e.idp, db, e.clock.now, server.Config{TrustedProxies: tc.proxies, Log: slog.New(log)})
				browser := func() *http.Client {
					c := e.browser()
					c.Transport = forwardedFor(forwarded)
					return c
				}
				get := func(c *http.Client, path string) int {
					t.Helper()
					resp, err := c.Get(e.url + path)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					return resp.StatusCode
				}

				// A callback without a login started in this browser.
				if code := get(browser(), signin.CallbackPath+"?code=abc&state=def"); code != http.StatusForbidden {
					t.Errorf("a callback without a login: %d", code)
				}
				// A login started here, answered with another attempt's state.
				c := browser()
				c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
				get(c, signin.LoginPath)
				if code := get(c, signin.CallbackPath+"?code=abc&state=someone-elses"); code != http.StatusForbidden {
					t.Errorf("a callback with another state: %d", code)
				}
				events, err := db.Client.SecurityEvent.Query().Where(securityevent.KindEQ(securityevent.KindAUTH_FAILED)).All(auth.Allow(fixture.Ctx()))
				if err != nil {
					t.Fatal(err)
				}
				if len(events) != 2 {
					t.Fatalf("the security log holds %d failed sign-ins, want the 2 refusals", len(events))
				}
				for _, ev := range events {
					if ev.Client != tc.want {
						t.Errorf("%q logged for client %q, want %q", ev.Detail, ev.Client, tc.want)
					}
				}
				if got := log.values("sign-in refused", "client"); len(got) != 2 || got[0] != tc.want || got[1] != tc.want {
					t.Errorf("the log names the refused clients %q, want %q twice", got, tc.want)
				}

				// A signed-in session's request without its CSRF token.
				c = browser()
				e.idp.Editor("jane@rotterdam.nl", "cluster-a")
				e.signIn(c)
				if r := e.api(c, signin.GraphQLPath, "", `{ channels { code } }`, nil); r.Status != http.StatusForbidden {
					t.Fatalf("without the CSRF token: %d %+v", r.Status, r.Errors)
				}
				if got := log.values("request without the session's CSRF token refused", "client"); len(got) != 1 || got[0] != tc.want {
					t.Errorf("the CSRF refusal names the client %q, want %q", got, tc.want)
				}
			})
		})
	}
}
