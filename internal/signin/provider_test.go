package signin_test

// Tests against a real OpenID provider: npm oidc-provider, started on
// loopback by signintest.StartNode (skipped with a message when it is not
// installed). Each runs on SQLite and PostgreSQL.

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gemeente-rotterdam/catalogus/ent/securityevent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/signin"
	"github.com/gemeente-rotterdam/catalogus/internal/signin/signintest"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

const (
	janePassword = "geheim-1234"
	clientSecret = "catalogus-test-secret"
)

func janeClaims(groups ...string) map[string]any {
	return map[string]any{"email": "jane@rotterdam.nl", "email_verified": true, "preferred_username": "jane@rotterdam.nl", "groups": groups}
}

// nodeEnv is the catalogue signing in through a real provider.
type nodeEnv struct {
	*env
	op  *signintest.Node
	log *recorder
	cfg signin.Config
}

type nodeOpts struct {
	// key makes the catalogue authenticate by private_key_jwt with this
	// key; registered is the key the provider knows (key when nil).
	key, registered *ecdsa.PrivateKey
	// secret is the client secret the catalogue sends (the registered one
	// when empty).
	secret     string
	idTokenTTL int
	// providerPort starts the provider on this port; issuer, when set, is
	// used instead of the provider's (one that is not there yet).
	providerPort int
	issuer       string
	noProvider   bool
	// http talks to the provider (a counting one, in a test).
	http *http.Client
}

func newNodeEnv(t *testing.T, db *store.DB, o nodeOpts) *nodeEnv {
	t.Helper()
	e := &nodeEnv{env: &env{t: t, db: db, clock: &clock{}}, log: &recorder{}}
	if db.Client.Organization.Query().CountX(fixture.Ctx()) == 0 {
		e.k = fixture.New(t, db.Client)
	}
	srv := httptest.NewUnstartedServer(nil)
	e.url = "http://" + srv.Listener.Addr().String()
	client := map[string]any{
		"client_id":                           "catalogus",
		"client_secret":                       clientSecret,
		"redirect_uris":                       []string{e.url + signin.CallbackPath},
		"post_logout_redirect_uris":           []string{e.url + "/beheer/?afgemeld"},
		"grant_types":                         []string{"authorization_code", "refresh_token"},
		"backchannel_logout_uri":              e.url + signin.BackchannelPath,
		"backchannel_logout_session_required": true,
	}
	if o.key != nil {
		reg := o.registered
		if reg == nil {
			reg = o.key
		}
		delete(client, "client_secret")
		client["token_endpoint_auth_method"] = "private_key_jwt"
		client["token_endpoint_auth_signing_alg"] = "ES256"
		// Registered as the catalogue publishes it at /beheer/auth/jwks.json,
		// the key id being the key's thumbprint.
		jwk := jose.JSONWebKey{Key: reg.Public(), Algorithm: "ES256", Use: "sig"}
		thumb, _ := jwk.Thumbprint(crypto.SHA256)
		jwk.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
		client["jwks"] = jose.JSONWebKeySet{Keys: []jose.JSONWebKey{jwk}}
	}
	issuer := o.issuer
	if !o.noProvider {
		e.op = signintest.StartNode(t, signintest.NodeConfig{
			Port:       o.providerPort,
			Clients:    []map[string]any{client},
			Accounts:   map[string]signintest.NodeAccount{"jane": {Password: janePassword, Claims: janeClaims(signintest.EditorGroup, signintest.OrgPrefix+"cluster-a")}},
			IDTokenTTL: o.idTokenTTL,
		})
		if issuer == "" {
			issuer = e.op.Issuer
		}
	}
	e.cfg = signin.Config{
		Issuer: issuer, ClientID: "catalogus", ClientSecret: clientSecret,
		RedirectURL: e.url + signin.CallbackPath,
		Scopes:      []string{"profile", "email", "groups"},
		Mapping:     signin.Mapping{AdminValues: []string{signintest.AdminGroup}, EditorValues: []string{signintest.EditorGroup}, OrgPrefix: signintest.OrgPrefix},
		Key:         []byte("0123456789abcdef0123456789abcdef"),
		Client:      db.Client, Now: e.clock.now, Log: slog.New(e.log),
		Contact: "het functioneel beheer (catalogus@example.nl)",
	}
	if o.secret != "" {
		e.cfg.ClientSecret = o.secret
	}
	e.cfg.HTTPClient = o.http
	if o.key != nil {
		e.cfg.ClientSecret, e.cfg.ClientKey = "", o.key
	}
	s, err := signin.New(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = server.Handler(server.Config{DB: db, SignIn: s, Log: slog.New(e.log)})
	srv.Start()
	t.Cleanup(srv.Close)
	return e
}

// instance starts another instance on the same database with the same
// configuration, as behind a load balancer.
func (e *nodeEnv) instance() string {
	s, err := signin.New(e.t.Context(), e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	srv := httptest.NewServer(server.Handler(server.Config{DB: e.db, SignIn: s}))
	e.t.Cleanup(srv.Close)
	return srv.URL
}

// login walks the sign-in: to the provider, the password when it asks, and
// back. It returns the page it ends on and whether the password was asked.
func (e *nodeEnv) login(c *http.Client, path string) (*http.Response, string, bool) {
	e.t.Helper()
	resp, err := c.Get(e.url + path)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	if e.op == nil || !e.op.AtLogin(resp, body) {
		return resp, body, false
	}
	resp, body = e.op.Submit(e.t, c, resp, body, "jane", janePassword)
	return resp, body, true
}

func (e *nodeEnv) signedIn(c *http.Client) session {
	e.t.Helper()
	s, _ := e.session(c)
	if !s.SignedIn {
		e.t.Fatalf("not signed in; the log has %v", e.log.values("sign-in refused", "reason"))
	}
	return s
}

func (e *nodeEnv) failedSignIns() int {
	n, err := e.db.Client.SecurityEvent.Query().Where(securityevent.KindEQ(securityevent.KindAUTH_FAILED)).Count(auth.Allow(fixture.Ctx()))
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

var codeOnPage = regexp.MustCompile(`Foutcode: <code>([a-z-]+)</code>`)

func pageCode(body string) string {
	if m := codeOnPage.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// TestRealProviderClaimsFromUserInfo signs in through a provider that
// follows the specification's default: the ID token carries only the
// protocol claims, groups and e-mail come from UserInfo. The first try
// works, and the debug log names the claims that arrived (not their values).
func TestRealProviderClaimsFromUserInfo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newNodeEnv(t, db, nodeOpts{})
		c := e.browser()
		resp, body, asked := e.login(c, signin.LoginPath)
		if !asked || resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/beheer/" {
			t.Fatalf("signing in ended at %s with %d (password asked: %v): %s", resp.Request.URL, resp.StatusCode, asked, body)
		}
		s := e.signedIn(c)
		if s.Name != "jane@rotterdam.nl" || s.Role != "EDITOR" || s.Organization != "cluster-a" {
			t.Errorf("session %+v", s)
		}
		idClaims, infoClaims := e.log.values("sign-in claims arrived", "id_token"), e.log.values("sign-in claims arrived", "userinfo")
		if len(idClaims) != 1 || strings.Contains(idClaims[0], "groups") || !strings.Contains(infoClaims[0], "groups") {
			t.Errorf("claim names logged: ID token %v, UserInfo %v; want groups from UserInfo only", idClaims, infoClaims)
		}
		if strings.Contains(infoClaims[0], signintest.EditorGroup) {
			t.Errorf("the debug log holds a claim's value: %v", infoClaims)
		}
	})
}

// TestRealProviderSignOut checks that "Afmelden" ends the session at the
// provider too (RP-initiated logout with id_token_hint): signing in again
// asks for the password, where without signing out it does not.
func TestRealProviderSignOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newNodeEnv(t, db, nodeOpts{})
		c := e.browser()
		if _, _, asked := e.login(c, signin.LoginPath); !asked {
			t.Fatal("the first sign-in did not ask for the password")
		}
		// Signed in at the provider, a second sign-in does not ask again:
		// the difference this test looks for.
		if _, _, asked := e.login(c, signin.LoginPath); asked {
			t.Fatal("with a session at the provider, signing in asked for the password anyway")
		}
		s := e.signedIn(c)

		resp, err := c.PostForm(e.url+signin.LogoutPath, url.Values{"csrf": {s.CSRF}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		next := regexp.MustCompile(`http-equiv="refresh" content="0; url=([^"]+)"`).FindStringSubmatch(string(b))
		if next == nil {
			t.Fatalf("signing out answered %d without moving on to the provider: %s", resp.StatusCode, b)
		}
		end, err := url.Parse(strings.ReplaceAll(next[1], "&amp;", "&"))
		if err != nil || !strings.HasPrefix(end.String(), e.op.Issuer+"/session/end") || end.Query().Get("id_token_hint") == "" ||
			end.Query().Get("post_logout_redirect_uri") != e.url+"/beheer/?afgemeld" {
			t.Fatalf("signing out goes on to %s", end)
		}
		resp, err = c.Get(end.String())
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		resp, _ = e.op.ConfirmLogout(t, c, resp, string(b))
		if resp.Request.URL.String() != e.url+"/beheer/?afgemeld" {
			t.Errorf("after signing out at the provider the browser is at %s", resp.Request.URL)
		}
		if s2, _ := e.session(c); s2.SignedIn {
			t.Error("still signed in to the catalogue")
		}
		if _, _, asked := e.login(c, signin.LoginPath); !asked {
			t.Error("after signing out, signing in again did not ask for the password: the provider's session lived on")
		}
	})
}

// TestRealProviderBackchannelLogout signs out at the provider directly (as
// from another application, or the provider's own portal): the provider
// tells instance A, and the session is refused on instance B too.
func TestRealProviderBackchannelLogout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newNodeEnv(t, db, nodeOpts{})
		b := e.instance()
		c := e.browser()
		e.login(c, signin.LoginPath)
		s := e.signedIn(c)
		u, _ := url.Parse(e.url + "/beheer/")
		cookie := c.Jar.Cookies(u)[0]
		if code := e.status(b, cookie, s.CSRF); code != http.StatusOK {
			t.Fatalf("instance B answers the session with %d", code)
		}
		resp, err := c.Get(e.op.Issuer + "/session/end")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		e.op.ConfirmLogout(t, c, resp, string(body))
		if got := e.log.values("signed out by the identity provider", "sessions"); len(got) != 1 || got[0] != "1" {
			t.Fatalf("back-channel logouts logged: %v (refused: %v)", got, e.log.values("back-channel logout refused", "reason"))
		}
		for name, base := range map[string]string{"A": e.url, "B": b} {
			if code := e.status(base, cookie, s.CSRF); code != http.StatusUnauthorized {
				t.Errorf("signed out at the provider, instance %s answers the session with %d", name, code)
			}
		}
	})
}

// TestBackchannelLogoutRefusesForgeries posts logout tokens the provider
// did not sign, or that are ID tokens rather than logout tokens: nothing
// ends.
func TestBackchannelLogoutRefusesForgeries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newNodeEnv(t, db, nodeOpts{})
		c := e.browser()
		e.login(c, signin.LoginPath)
		s := e.signedIn(c)
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, nil)
		claims, _ := json.Marshal(map[string]any{"iss": e.op.Issuer, "aud": "catalogus", "sub": "jane", "iat": time.Now().Unix(),
			"exp": time.Now().Add(time.Minute).Unix(), "jti": "x", "events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}})
		jws, _ := signer.Sign(claims)
		forged, _ := jws.CompactSerialize()
		for name, tok := range map[string]string{"signed by someone else": forged, "empty": "", "not a JWT": "abc"} {
			resp, err := http.PostForm(e.url+signin.BackchannelPath, url.Values{"logout_token": {tok}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", name, resp.StatusCode)
			}
		}
		if s2, _ := e.session(c); !s2.SignedIn || s2.CSRF != s.CSRF {
			t.Error("a forged logout token ended the session")
		}
	})
}

// TestRealProviderRoleRemoved removes the editor from the editors' group
// at the provider: at the next check (15 minutes on) the session ends; the
// check before that, with the role still there, keeps it going.
func TestRealProviderRoleRemoved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newNodeEnv(t, db, nodeOpts{})
		c := e.browser()
		e.login(c, signin.LoginPath)
		s := e.signedIn(c)
		query := `{ channels { code } }`
		e.clock.advance(16 * time.Minute)
		if r := e.api(c, signin.GraphQLPath, s.CSRF, query, nil); r.Status != http.StatusOK {
			t.Fatalf("the first check, role unchanged: %d %+v", r.Status, r.Errors)
		}
		if got := e.log.values("session ended by its check at the identity provider", "reason"); len(got) != 0 {
			t.Fatalf("the session ended: %v", got)
		}
		e.op.SetClaims(t, "jane", janeClaims(signintest.OrgPrefix+"cluster-a"))
		e.clock.advance(10 * time.Minute)
		if r := e.api(c, signin.GraphQLPath, s.CSRF, query, nil); r.Status != http.StatusOK {
			t.Fatalf("before the next check is due: %d", r.Status)
		}
		e.clock.advance(6 * time.Minute)
		if r := e.api(c, signin.GraphQLPath, s.CSRF, query, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("with the role removed at the provider, 15 minutes on: %d %+v", r.Status, r.Errors)
		}
		if got := e.log.values("session ended by its check at the identity provider", "reason"); len(got) != 1 || !strings.Contains(got[0], "geen-rol") {
			t.Errorf("the end logged as %v", got)
		}
		if n := db.Client.EditorSession.Query().CountX(auth.Allow(fixture.Ctx())); n != 0 {
			t.Errorf("%d sessions left", n)
		}
	})
}

// TestProviderDownAtStart starts the catalogue while the provider is not
// there: the public API answers, /beheer explains, /readyz says so and stays
// ready; once the provider is up (npm oidc-provider, when installed),
// signing in works.
func TestProviderDownAtStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		issuer := "http://127.0.0.1:" + strconv.Itoa(port)
		e := newNodeEnv(t, db, nodeOpts{issuer: issuer, noProvider: true})
		if r := e.api(e.browser(), "/graphql", "", `{ channels { code } }`, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Errorf("/graphql with the provider down: %d %+v", r.Status, r.Errors)
		}
		resp, body, _ := e.login(e.browser(), signin.LoginPath)
		if resp.StatusCode != http.StatusServiceUnavailable || pageCode(body) != "provider-onbereikbaar" || !strings.Contains(body, "De catalogus zelf werkt gewoon") {
			t.Errorf("/beheer/login with the provider down: %d %s", resp.StatusCode, body)
		}
		resp, err = http.Get(e.url + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "identity provider: unreachable") {
			t.Errorf("/readyz with the provider down: %d %s", resp.StatusCode, b)
		}
		var sess struct{ ProviderProblem struct{ Code string } }
		resp, _ = http.Get(e.url + signin.SessionPath)
		_ = json.NewDecoder(resp.Body).Decode(&sess)
		resp.Body.Close()
		if sess.ProviderProblem.Code != "provider-onbereikbaar" {
			t.Errorf("the editor's page is not told the provider is down: %+v", sess)
		}
		if n := e.failedSignIns(); n != 0 {
			t.Errorf("the provider being down was logged as %d failed sign-ins", n)
		}

		if why := signintest.NodeMissing(); why != "" {
			t.Log(why + "; the provider's coming up is not tried")
			return
		}
		// The provider comes up on its address; the catalogue finds it by
		// itself (retries back off to at most a minute; the first ones are
		// seconds apart).
		e.op = signintest.StartNode(t, signintest.NodeConfig{Port: port,
			Clients: []map[string]any{{"client_id": "catalogus", "client_secret": clientSecret,
				"redirect_uris": []string{e.url + signin.CallbackPath}, "grant_types": []string{"authorization_code", "refresh_token"}}},
			Accounts: map[string]signintest.NodeAccount{"jane": {Password: janePassword, Claims: janeClaims(signintest.EditorGroup, signintest.OrgPrefix+"cluster-a")}}})
		deadline := time.Now().Add(90 * time.Second)
		for {
			resp, err := http.Get(e.url + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), "identity provider: reachable") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the provider came up, but /readyz still says: %s", b)
			}
			time.Sleep(200 * time.Millisecond)
		}
		c := e.browser()
		e.login(c, signin.LoginPath)
		e.signedIn(c)
	})
}

// TestRealProviderDownDuringSignIn stops the provider between the password
// and the code exchange: the page says the provider is unreachable — not
// that the sign-in was refused — and the security log holds no failure.
func TestRealProviderDownDuringSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newNodeEnv(t, db, nodeOpts{})
		c := e.browser()
		var callback *url.URL
		c.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
			if r.URL.Path == signin.CallbackPath {
				callback = r.URL
				return http.ErrUseLastResponse
			}
			return nil
		}
		resp, body, asked := e.login(c, signin.LoginPath)
		if !asked || callback == nil {
			t.Fatalf("the sign-in did not reach the callback: %d %s", resp.StatusCode, body)
		}
		e.op.Stop()
		c.CheckRedirect = nil
		resp, err := c.Get(callback.String())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || pageCode(string(b)) != "provider-onbereikbaar" {
			t.Errorf("the callback with the provider gone: %d %s", resp.StatusCode, b)
		}
		if n := e.failedSignIns(); n != 0 {
			t.Errorf("the provider's outage was logged as %d failed sign-ins", n)
		}
	})
}

// TestRealProviderClockSkew signs in with this server's clock ahead of the
// provider's, with ID tokens that live one minute: within the leeway (60 s)
// it works; beyond it, and with the clock behind, the page names the clocks.
func TestRealProviderClockSkew(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newNodeEnv(t, db, nodeOpts{idTokenTTL: 60})
		for _, tc := range []struct {
			name   string
			offset time.Duration
			code   string
		}{
			{"90 s ahead: expired 30 s ago, within the leeway", 90 * time.Second, ""},
			{"4 minutes ahead", 4 * time.Minute, "klok"},
			{"4 minutes behind: issued in the future", -4 * time.Minute, "klok"},
		} {
			e.clock.mu.Lock()
			e.clock.off = tc.offset
			e.clock.mu.Unlock()
			c := e.browser()
			resp, body, _ := e.login(c, signin.LoginPath)
			if got := pageCode(body); got != tc.code {
				t.Errorf("%s: %d, code %q, want %q", tc.name, resp.StatusCode, got, tc.code)
			}
		}
		if n := e.failedSignIns(); n != 0 {
			t.Errorf("clock skew was logged as %d failed sign-ins; it is the operator's to fix", n)
		}
		if got := e.log.values("sign-in impossible: the catalogue's set-up at the identity provider is wrong", "code"); len(got) != 2 {
			t.Errorf("operator errors logged: %v", got)
		}
	})
}

// TestRealProviderClientAuthentication signs in with private_key_jwt, then
// with a key the provider does not know and with a wrong secret: those two
// say the catalogue is set up wrongly, as an operator error.
func TestRealProviderClientAuthentication(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, tc := range []struct {
			name string
			o    nodeOpts
			code string
		}{
			{"private_key_jwt", nodeOpts{key: key}, ""},
			{"private_key_jwt with an unknown key", nodeOpts{key: other, registered: key}, "instelling"},
			{"a wrong secret", nodeOpts{secret: "fout"}, "instelling"},
		} {
			e := newNodeEnv(t, db, tc.o)
			c := e.browser()
			resp, body, _ := e.login(c, signin.LoginPath)
			if got := pageCode(body); got != tc.code {
				t.Errorf("%s: %d, code %q, want %q: %s", tc.name, resp.StatusCode, got, tc.code, body)
			}
			if tc.code == "" {
				e.signedIn(c)
				// The key the provider was given is the one the catalogue
				// publishes, key id and all.
				resp, err := http.Get(e.url + signin.JWKSPath)
				if err != nil {
					t.Fatal(err)
				}
				var set jose.JSONWebKeySet
				err = json.NewDecoder(resp.Body).Decode(&set)
				resp.Body.Close()
				thumb, _ := (&jose.JSONWebKey{Key: key.Public()}).Thumbprint(crypto.SHA256)
				if err != nil || len(set.Keys) != 1 || set.Keys[0].KeyID != base64.RawURLEncoding.EncodeToString(thumb) || !set.Keys[0].IsPublic() {
					t.Errorf("%s: the published key set %+v (%v)", tc.name, set, err)
				}
			} else if resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("%s: status %d", tc.name, resp.StatusCode)
			}
			if n := e.failedSignIns(); n != 0 {
				t.Errorf("%s: logged as %d failed sign-ins", tc.name, n)
			}
		}
	})
}

// TestRealProviderCancel: the person cancels at the provider's login page.
func TestRealProviderCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newNodeEnv(t, db, nodeOpts{})
		c := e.browser()
		resp, err := c.Get(e.url + signin.LoginPath)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp, body := e.op.Submit(t, c, resp, string(b), "", "")
		if resp.StatusCode != http.StatusOK || pageCode(body) != "afgebroken" || !strings.Contains(body, "Opnieuw aanmelden") {
			t.Errorf("after cancelling: %d %s", resp.StatusCode, body)
		}
		if n := e.failedSignIns(); n != 0 {
			t.Errorf("cancelling was logged as %d failed sign-ins", n)
		}
	})
}

// TestSignInAsSomeoneElse: prompt=login makes the provider ask for the
// password though it has a session.
func TestSignInAsSomeoneElse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newNodeEnv(t, db, nodeOpts{})
		c := e.browser()
		e.login(c, signin.LoginPath)
		if _, _, asked := e.login(c, signin.LoginPath); asked {
			t.Fatal("with a session at the provider, the password was asked anyway")
		}
		if _, _, asked := e.login(c, signin.LoginPath+"?prompt=login"); !asked {
			t.Error("prompt=login did not ask for the password")
		}
	})
}

// refreshCounter counts the refresh-token requests to the provider.
type refreshCounter struct {
	mu sync.Mutex
	n  int
}

func (rc *refreshCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Method == http.MethodPost {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		if strings.Contains(string(b), "grant_type=refresh_token") {
			rc.mu.Lock()
			rc.n++
			rc.mu.Unlock()
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestRecheckOncePerInterval sends a burst of requests on two instances
// when the check is due: one of them asks the provider (refresh tokens are
// often single-use), all of them are answered.
func TestRecheckOncePerInterval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rc := &refreshCounter{}
		e := newNodeEnv(t, db, nodeOpts{http: &http.Client{Transport: rc, Timeout: 15 * time.Second}})
		b := e.instance()
		c := e.browser()
		e.login(c, signin.LoginPath)
		s := e.signedIn(c)
		u, _ := url.Parse(e.url + "/beheer/")
		cookie := c.Jar.Cookies(u)[0]
		e.clock.advance(16 * time.Minute)
		codes := make([]int, 8)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range codes {
			base := e.url
			if i%2 == 1 {
				base = b
			}
			wg.Go(func() {
				<-start
				codes[i] = e.status(base, cookie, s.CSRF)
			})
		}
		close(start)
		wg.Wait()
		for i, code := range codes {
			if code != http.StatusOK {
				t.Errorf("request %d: %d", i, code)
			}
		}
		if rc.n != 1 {
			t.Errorf("%d refreshes at the provider for one due check, want 1", rc.n)
		}
	})
}

// TestProviderTooSlow: a provider that does not answer in time is named as
// slow, not as refusing anyone.
func TestProviderTooSlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
		}))
		t.Cleanup(slow.Close)
		e := newNodeEnv(t, db, nodeOpts{issuer: slow.URL, noProvider: true, http: &http.Client{Timeout: 200 * time.Millisecond}})
		resp, body, _ := e.login(e.browser(), signin.LoginPath)
		if resp.StatusCode != http.StatusServiceUnavailable || pageCode(body) != "provider-traag" {
			t.Errorf("with a provider that does not answer: %d %q", resp.StatusCode, pageCode(body))
		}
		if n := e.failedSignIns(); n != 0 {
			t.Errorf("a slow provider was logged as %d failed sign-ins", n)
		}
	})
}
