package signin_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
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

func TestMain(m *testing.M) { storetest.Main(m) }

// clock is a settable time for sessions.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

type env struct {
	t     *testing.T
	db    *store.DB
	url   string
	idp   *signintest.Provider
	clock *clock
	k     *fixture.Catalogue
}

func newEnv(t *testing.T, db *store.DB) *env {
	e := &env{t: t, db: db, idp: signintest.Start(t), clock: &clock{}}
	e.k = fixture.New(t, db.Client)
	e.url = servertest.WithSignIn(t, e.idp, db, e.clock.now, server.Config{ResponseCacheBytes: 1 << 20})
	return e
}

// browser is a client with its own cookies that follows redirects.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// signIn walks the code flow and returns the page it ends on.
func (e *env) signIn(c *http.Client) (*http.Response, string) {
	e.t.Helper()
	resp, err := c.Get(e.url + signin.LoginPath + "?next=/beheer/%23product/p-a")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

type session struct {
	SignedIn     bool
	Name, Role   string
	Organization string
	CSRF         string
}

func (e *env) session(c *http.Client) (session, int) {
	e.t.Helper()
	resp, err := c.Get(e.url + signin.SessionPath)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var s session
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		e.t.Fatal(err)
	}
	return s, resp.StatusCode
}

type reply struct {
	Header http.Header
	Status int
	Data   map[string]json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func (r reply) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// api posts to path with the browser's cookies and the given CSRF header.
func (e *env) api(c *http.Client, path, csrf, query string, vars map[string]any) reply {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.url+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set(signin.CSRFHeader, csrf)
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	r := reply{Status: resp.StatusCode, Header: resp.Header}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		e.t.Fatalf("decoding: %v", err)
	}
	return r
}

const setWebsite = `mutation($p: String!, $v: Int!) {
  setAvailability(input: {product: $p, expectedVersion: $v, channel: "website", status: AVAILABLE, url: "https://www.rotterdam.nl/x"}) { version }
}`

func (e *env) version(slug string) int {
	e.t.Helper()
	p, err := e.db.Client.Product.Query().Where().All(auth.Allow(fixture.Ctx()))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, x := range p {
		if x.Slug == slug {
			return x.Version
		}
	}
	e.t.Fatalf("no product %s", slug)
	return 0
}

func TestSignInAndEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.k.Product(t, db.Client, "p-a", e.k.DepartmentA1)
		e.k.Product(t, db.Client, "p-b", e.k.ClusterB)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			if err := fixture.ProductCreate(tx, "concept-a", e.k.DepartmentA1).SetStatus(product.StatusDRAFT).Exec(ctx); err != nil {
				return err
			}
			return fixture.ProductCreate(tx, "concept-b", e.k.ClusterB).SetStatus(product.StatusDRAFT).Exec(ctx)
		})

		c := e.browser()
		if s, status := e.session(c); s.SignedIn || status != http.StatusOK {
			t.Fatalf("before signing in the session says %+v (%d)", s, status)
		}
		e.idp.Editor("jane@rotterdam.nl", "cluster-a")
		resp, _ := e.signIn(c)
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/beheer/" || resp.Request.URL.Fragment != "" && resp.Request.URL.Fragment != "product/p-a" {
			t.Fatalf("signing in ended at %s with %d", resp.Request.URL, resp.StatusCode)
		}
		s, status := e.session(c)
		if status != http.StatusOK || !s.SignedIn || s.Name != "jane@rotterdam.nl" || s.Role != "EDITOR" || s.Organization != "cluster-a" || s.CSRF == "" {
			t.Fatalf("session %+v (%d)", s, status)
		}

		// The cookie is HttpOnly, SameSite and scoped to the editor.
		u, _ := url.Parse(e.url + "/beheer/")
		if len(c.Jar.Cookies(u)) != 1 {
			t.Fatalf("cookies for /beheer: %v", c.Jar.Cookies(u))
		}
		g, _ := url.Parse(e.url + "/graphql")
		if len(c.Jar.Cookies(g)) != 0 {
			t.Errorf("the session cookie is sent to /graphql too: %v", c.Jar.Cookies(g))
		}

		// An edit of a product of the person's organization lands, in their name.
		r := e.api(c, signin.GraphQLPath, s.CSRF, setWebsite, map[string]any{"p": "p-a", "v": e.version("p-a")})
		if r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("editing p-a: %d %+v", r.Status, r.Errors)
		}
		ev, err := db.Client.ChangeEvent.Query().Where(changeevent.ActorEQ("sso:jane@rotterdam.nl")).Count(auth.Allow(fixture.Ctx()))
		if err != nil || ev == 0 {
			t.Errorf("the change log has %d events by sso:jane@rotterdam.nl (%v)", ev, err)
		}
		// Signed-in answers are never cached, here or on the way.
		for range 2 {
			r = e.api(c, signin.GraphQLPath, s.CSRF, `{ product(slug: "concept-a") { slug } }`, nil)
			if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("ETag") != "" || r.Header.Get("X-Cache") != "" {
				t.Errorf("a signed-in read came with Cache-Control %q, ETag %q, X-Cache %q", r.Header.Get("Cache-Control"), r.Header.Get("ETag"), r.Header.Get("X-Cache"))
			}
		}
		// /graphql never gets the session, even with the CSRF header: the draft stays hidden there.
		if r := e.api(c, "/graphql", s.CSRF, `{ product(slug: "concept-a") { slug } }`, nil); string(r.Data["product"]) != "null" {
			t.Errorf("/graphql showed a draft to an anonymous caller: %s", r.Data["product"])
		}

		// Drafts: the person's own organization's, not another cluster's.
		r = e.api(c, signin.GraphQLPath, s.CSRF, `{ a: product(slug: "concept-a") { slug } b: product(slug: "concept-b") { slug }
			products(first: 50) { edges { node { slug } } } }`, nil)
		if len(r.Errors) > 0 || string(r.Data["a"]) == "null" || string(r.Data["b"]) != "null" {
			t.Errorf("drafts seen: a %s, b %s (%+v)", r.Data["a"], r.Data["b"], r.Errors)
		}
		if list := string(r.Data["products"]); !strings.Contains(list, "concept-a") || strings.Contains(list, "concept-b") {
			t.Errorf("the product list of an editor of cluster A: %s", list)
		}

		// Another cluster's product is refused.
		before := e.version("p-b")
		r = e.api(c, signin.GraphQLPath, s.CSRF, setWebsite, map[string]any{"p": "p-b", "v": before})
		if len(r.Errors) == 0 || e.version("p-b") != before {
			t.Errorf("editing cluster B's product: %+v, version %d → %d", r.Errors, before, e.version("p-b"))
		}
	})
}

// otherToken returns a token like tok, one character changed: a wrong
// token however tok was drawn (changing the first character to a fixed one
// gave tok itself whenever tok began with it).
func otherToken(tok string) string {
	c := byte('A')
	if tok[0] == c {
		c = 'B'
	}
	return string(c) + tok[1:]
}

func TestCSRFRefusal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.k.Product(t, db.Client, "p-a", e.k.ClusterA)
		c := e.browser()
		e.idp.Editor("jane@rotterdam.nl", "cluster-a")
		e.signIn(c)
		s, _ := e.session(c)
		v := e.version("p-a")
		for name, csrf := range map[string]string{"no header": "", "a wrong token": otherToken(s.CSRF)} {
			r := e.api(c, signin.GraphQLPath, csrf, setWebsite, map[string]any{"p": "p-a", "v": v})
			if r.Status != http.StatusForbidden || r.code() != "FORBIDDEN" || !strings.Contains(r.Errors[0].Message, signin.CSRFHeader) {
				t.Errorf("%s: %d %+v", name, r.Status, r.Errors)
			}
		}
		if e.version("p-a") != v {
			t.Error("a request without the CSRF token changed the product")
		}
		// Sign-out also wants the token.
		resp, err := c.Post(e.url+signin.LogoutPath, "application/x-www-form-urlencoded", strings.NewReader("csrf=wrong"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("sign-out without the token: %d", resp.StatusCode)
		}
		if s2, _ := e.session(c); !s2.SignedIn {
			t.Error("a forged sign-out signed the person out")
		}
	})
}

func TestSessionsExpireAndResistTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.browser()
		e.idp.Editor("jane@rotterdam.nl", "cluster-a")
		e.signIn(c)
		s, _ := e.session(c)
		u, _ := url.Parse(e.url + "/beheer/")
		cookie := c.Jar.Cookies(u)[0]

		// Making the session last longer breaks the signature.
		payload, sig, _ := strings.Cut(cookie.Value, ".")
		raw, _ := base64.RawURLEncoding.DecodeString(payload)
		forged := regexp.MustCompile(`"exp":"\d{4}`).ReplaceAllString(string(raw), `"exp":"2999`)
		if forged == string(raw) {
			t.Fatalf("the test did not change the session %s", raw)
		}
		for name, value := range map[string]string{
			"forged payload":      base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + sig,
			"no signature":        payload,
			"another's signature": payload + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 32)),
		} {
			t2 := e.browser()
			t2.Jar.SetCookies(u, []*http.Cookie{{Name: cookie.Name, Value: value, Path: "/beheer"}})
			if s2, status := e.session(t2); s2.SignedIn || status != http.StatusOK {
				t.Errorf("%s: session %+v (%d)", name, s2, status)
			}
			if r := e.api(t2, signin.GraphQLPath, s.CSRF, `{ channels { code } }`, nil); r.Status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
				t.Errorf("%s: API %d %+v", name, r.Status, r.Errors)
			}
		}

		// Eight hours on, the session is over.
		e.clock.advance(8*time.Hour + time.Second)
		if s2, status := e.session(c); s2.SignedIn || status != http.StatusOK {
			t.Errorf("after 8 hours: %+v (%d)", s2, status)
		}
		if r := e.api(c, signin.GraphQLPath, s.CSRF, `{ channels { code } }`, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("after 8 hours the API answers %d %+v", r.Status, r.Errors)
		}
	})
}

func TestSignOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.browser()
		e.idp.Editor("jane@rotterdam.nl", "cluster-a")
		e.signIn(c)
		s, _ := e.session(c)
		u, _ := url.Parse(e.url + "/beheer/")
		stolen := c.Jar.Cookies(u)[0]

		resp, err := c.Post(e.url+signin.LogoutPath, "application/x-www-form-urlencoded", strings.NewReader("csrf="+url.QueryEscape(s.CSRF)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Request.URL.Path != "/beheer/" {
			t.Errorf("after signing out the browser is at %s", resp.Request.URL)
		}
		if s2, _ := e.session(c); s2.SignedIn {
			t.Error("still signed in after signing out")
		}
		// A copy of the cookie taken before is refused too.
		other := e.browser()
		other.Jar.SetCookies(u, []*http.Cookie{{Name: stolen.Name, Value: stolen.Value, Path: "/beheer"}})
		if r := e.api(other, signin.GraphQLPath, s.CSRF, `{ channels { code } }`, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("the signed-out session's cookie still works: %d", r.Status)
		}
	})
}

// status posts a query to base's /beheer/graphql with the given session
// cookie and CSRF token, as a copy of someone's cookie would be sent.
func (e *env) status(base string, cookie *http.Cookie, csrf string) int {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+signin.GraphQLPath, strings.NewReader(`{"query": "{ channels { code } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signin.CSRFHeader, csrf)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSignOutHoldsOnEveryInstance runs two instances on one database with
// one session key, as behind a load balancer: a session signed out on one
// is refused by the other, and by an instance started afterwards (a
// restart); so is an expired one; and expired sessions are cleared out.
func TestSignOutHoldsOnEveryInstance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		instance := func() string {
			srv := httptest.NewServer(server.Handler(server.Config{DB: db, SignIn: e.idp.Service(t, db, e.url, e.clock.now)}))
			t.Cleanup(srv.Close)
			return srv.URL
		}
		a, b := e.url, instance()
		u, _ := url.Parse(a + "/beheer/")
		c := e.browser()
		e.idp.Editor("jane@rotterdam.nl", "cluster-a")
		e.signIn(c)
		s, _ := e.session(c)
		stolen := c.Jar.Cookies(u)[0]
		for name, base := range map[string]string{"A": a, "B": b} {
			if code := e.status(base, stolen, s.CSRF); code != http.StatusOK {
				t.Fatalf("before signing out, instance %s answers the session with %d", name, code)
			}
		}

		resp, err := c.Post(a+signin.LogoutPath, "application/x-www-form-urlencoded", strings.NewReader("csrf="+url.QueryEscape(s.CSRF)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for name, base := range map[string]string{"A": a, "B": b, "A after a restart": instance()} {
			if code := e.status(base, stolen, s.CSRF); code != http.StatusUnauthorized {
				t.Errorf("signed out on A, the session's cookie gets %d from %s, want 401", code, name)
			}
		}

		// A session that ran out is refused everywhere, and the next
		// sign-in clears it out of the database.
		c2 := e.browser()
		e.idp.Editor("piet@rotterdam.nl", "cluster-a")
		e.signIn(c2)
		s2, _ := e.session(c2)
		old := c2.Jar.Cookies(u)[0]
		e.clock.advance(8*time.Hour + time.Second)
		e.idp.FastForward(8*time.Hour + time.Second)
		for name, base := range map[string]string{"A": a, "B": b} {
			if code := e.status(base, old, s2.CSRF); code != http.StatusUnauthorized {
				t.Errorf("an expired session gets %d from %s, want 401", code, name)
			}
		}
		e.idp.Editor("jane@rotterdam.nl", "cluster-a")
		c3 := e.browser()
		e.signIn(c3)
		if s3, _ := e.session(c3); !s3.SignedIn {
			t.Fatal("signing in after the other session expired failed")
		}
		if n := db.Client.EditorSession.Query().CountX(auth.Allow(fixture.Ctx())); n != 1 {
			t.Errorf("the database keeps %d sessions, want only the one still running", n)
		}
	})
}

func TestSignInRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, tc := range []struct {
			name, code string
			queue      func()
		}{
			{"no role", "geen-rol", func() { e.idp.Person("x@rotterdam.nl", "iedereen", signintest.OrgPrefix+"cluster-a") }},
			{"unknown organization", "organisatie-onbekend", func() { e.idp.Editor("x@rotterdam.nl", "bestaat-niet") }},
			{"editor without organization", "geen-organisatie", func() { e.idp.Person("x@rotterdam.nl", signintest.EditorGroup) }},
		} {
			tc.queue()
			name := tc.name
			c := e.browser()
			resp, body := e.signIn(c)
			// The page says what is missing, whom to ask, and offers to sign
			// in as someone else.
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Foutcode: <code>"+tc.code+"</code>") ||
				!strings.Contains(body, "Neem contact op met") || !strings.Contains(body, `href="/beheer/login?prompt=login"`) {
				t.Errorf("%s: %d %s", name, resp.StatusCode, body)
			}
			if s, _ := e.session(c); s.SignedIn {
				t.Errorf("%s: signed in all the same", name)
			}
		}
		if n, err := db.Client.SecurityEvent.Query().Where(securityevent.KindEQ(securityevent.KindAUTH_FAILED)).Count(auth.Allow(fixture.Ctx())); err != nil || n < 3 {
			t.Errorf("the security log holds %d failed sign-ins (%v), want the 3 refusals", n, err)
		}

		// A callback that does not belong to a login started in this browser.
		c := e.browser()
		resp, err := c.Get(e.url + signin.CallbackPath + "?code=abc&state=def")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a callback without a login: %d", resp.StatusCode)
		}
		// The right browser, but the state of another attempt.
		noRedirect := e.browser()
		noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err = noRedirect.Get(e.url + signin.LoginPath)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		resp, err = noRedirect.Get(e.url + signin.CallbackPath + "?code=abc&state=someone-elses")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a callback with another state: %d", resp.StatusCode)
		}

		// An admin of everything may sign in without an organization.
		e.idp.Person("admin@rotterdam.nl", signintest.AdminGroup)
		c = e.browser()
		e.signIn(c)
		if s, _ := e.session(c); !s.SignedIn || s.Role != "ADMIN" || s.Organization != "" {
			t.Errorf("admin of everything: %+v", s)
		}
		// Development sign-in is off unless asked for.
		resp, err = c.Get(e.url + signin.DevLoginPath)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("dev login without --dev-login: %d", resp.StatusCode)
		}
	})
}

func TestDevLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		k.Product(t, db.Client, "p-a", k.ClusterA)
		s, err := signin.New(context.Background(), signin.Config{DevLogin: true, Client: db.Client})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.Handler(server.Config{DB: db, SignIn: s}))
		defer srv.Close()
		e := &env{t: t, db: db, url: srv.URL}
		c := e.browser()
		// Without a provider the login goes to the development form.
		resp, err := c.Get(srv.URL + signin.LoginPath)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Request.URL.Path != signin.DevLoginPath || !strings.Contains(string(b), "cluster-a") {
			t.Fatalf("the login went to %s: %s", resp.Request.URL, b)
		}
		token := regexp.MustCompile(`name="token" value="([^"]+)"`).FindSubmatch(b)
		if token == nil {
			t.Fatalf("no token in the form: %s", b)
		}
		form := url.Values{"name": {"tester"}, "role": {"EDITOR"}, "org": {"cluster-a"}, "next": {"/beheer/"}}

		// Posted from elsewhere (no token, or another browser's): refused.
		stranger := e.browser()
		form.Set("token", string(token[1]))
		resp, err = stranger.PostForm(srv.URL+signin.DevLoginPath, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a dev login without the form's cookie: %d", resp.StatusCode)
		}

		resp, err = c.PostForm(srv.URL+signin.DevLoginPath, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		sess, _ := e.session(c)
		if !sess.SignedIn || sess.Role != "EDITOR" || sess.Organization != "cluster-a" {
			t.Fatalf("after the dev login: %+v", sess)
		}
		r := e.api(c, signin.GraphQLPath, sess.CSRF, setWebsite, map[string]any{"p": "p-a", "v": e.version("p-a")})
		if len(r.Errors) > 0 {
			t.Fatalf("editing as the dev login: %+v", r.Errors)
		}
		if n, _ := db.Client.ChangeEvent.Query().Where(changeevent.ActorEQ("dev:tester")).Count(auth.Allow(fixture.Ctx())); n == 0 {
			t.Error("the change log does not name the dev login as dev:tester")
		}
	})
}
