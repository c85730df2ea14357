// Package signin signs municipal staff in to the editor pages (/beheer)
// through the city's identity provider — OpenID Connect, authorization code
// flow with PKCE, state and nonce — and keeps them signed in with a signed
// session cookie. A session stands for the same auth.Viewer an API token
// does, so the privacy policies treat both alike.
//
// The session cookie is scoped to /beheer: the browser sends it to the pages
// and to /beheer/graphql (the API for signed-in pages), never to /graphql, so
// the public endpoint, its response cache and the dashboard's anonymous reads
// are untouched by it. Every /beheer/graphql request must also carry the
// session's CSRF token in the X-Catalogus-CSRF header, which a page on another
// site cannot add.
package signin

import (
	"context"
	"crypto"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/clientaddr"
	"github.com/gemeente-rotterdam/catalogus/internal/dberr"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// The paths this package serves, all under /beheer.
const (
	Prefix       = "/beheer"
	LoginPath    = Prefix + "/login"
	CallbackPath = Prefix + "/auth/callback"
	LogoutPath   = Prefix + "/logout"
	SessionPath  = Prefix + "/session"
	DevLoginPath = Prefix + "/dev-login"
	GraphQLPath  = Prefix + "/graphql"
	// BackchannelPath receives the provider's logout tokens (OpenID Connect
	// Back-Channel Logout): register it as the client's backchannel_logout_uri.
	BackchannelPath = Prefix + "/auth/backchannel-logout"
	// JWKSPath publishes the public key of --oidc-client-key, for providers
	// that read a client's keys from a URL.
	JWKSPath = Prefix + "/auth/jwks.json"
	// CSRFHeader carries the session's CSRF token on every API request.
	CSRFHeader = "X-Catalogus-CSRF"
)

// Config configures sign-in.
type Config struct {
	// Issuer is the identity provider's issuer URL, e.g.
	// https://login.microsoftonline.com/{tenant}/v2.0; empty turns OpenID
	// Connect off (then only DevLogin can sign anyone in).
	Issuer       string
	ClientID     string
	ClientSecret string
	// ClientKey authenticates the client by a signed assertion
	// (private_key_jwt) instead of the secret; the provider registers its
	// public key (served at JWKSPath too).
	ClientKey crypto.Signer
	// RedirectURL is this server's callback as registered at the provider:
	// https://catalogus.example/beheer/auth/callback.
	RedirectURL string
	// PostLogoutRedirectURL is where the provider sends the browser after
	// signing out there; by default /beheer/?afgemeld on the redirect URL's
	// origin. Register it at the provider.
	PostLogoutRedirectURL string
	// Scopes are asked for besides openid, e.g. profile, email, groups.
	Scopes  []string
	Mapping Mapping
	// ClockSkew is how far the provider's clock may be off ours; 60 s when
	// zero, none when negative.
	ClockSkew time.Duration
	// Recheck is how often a session's role and organization are checked
	// again at the provider (by refresh token, or UserInfo); 15 minutes
	// when zero, never when negative.
	Recheck time.Duration
	// Contact tells people whom to ask when they cannot sign in, e.g.
	// "het functioneel beheer van de catalogus (catalogus@rotterdam.nl)".
	Contact string
	// Key signs the cookies, at least 32 bytes; nil draws a random one, so
	// that every start signs everyone out.
	Key []byte
	// TTL is how long a session lasts; 8 hours when zero.
	TTL time.Duration
	// Secure marks the cookies Secure (HTTPS only); off only for trying the
	// editor on http://localhost.
	Secure bool
	// DevLogin lets anyone choose who they are, without a provider. Never in
	// production.
	DevLogin bool
	Client   *ent.Client
	Log      *slog.Logger
	// Now tells the time; nil means the system clock.
	Now func() time.Time
	// HTTPClient talks to the provider; nil means one with a 15 s timeout.
	HTTPClient *http.Client
}

// Service signs people in and out and authenticates their requests.
type Service struct {
	cfg  Config
	sign signer
	// idp is the identity provider, found lazily; nil without one.
	idp *idp
	key clientKey
	// secretStyle is how the provider takes the client secret, once known.
	secretStyle atomic.Int32
	log         *slog.Logger
	// clients names the caller in the logs; Register sets it.
	clients clientaddr.Resolver
}

// New prepares sign-in. It does not contact the identity provider: that
// happens in the background and at the first sign-in, with retries, so that
// a provider that is down never stops the service (ctx ends the retries).
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Issuer == "" && !cfg.DevLogin {
		return nil, errors.New("sign-in needs an OpenID Connect issuer (--oidc-issuer) or --dev-login")
	}
	if cfg.Client == nil {
		return nil, errors.New("sign-in needs the database client")
	}
	if cfg.TTL <= 0 {
		cfg.TTL = 8 * time.Hour
	}
	switch {
	case cfg.ClockSkew == 0:
		cfg.ClockSkew = time.Minute
	case cfg.ClockSkew < 0:
		cfg.ClockSkew = 0
	}
	if cfg.Recheck == 0 {
		cfg.Recheck = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Key == nil {
		cfg.Key = make([]byte, 32)
		if _, err := rand.Read(cfg.Key); err != nil {
			return nil, err
		}
	} else if len(cfg.Key) < 32 {
		return nil, fmt.Errorf("the session key has %d bytes; give at least 32 (e.g. `openssl rand -hex 32`)", len(cfg.Key))
	}
	s := &Service{cfg: cfg, sign: signer{key: cfg.Key}, log: cfg.Log}
	if cfg.Issuer != "" {
		switch {
		case cfg.ClientID == "":
			return nil, errors.New("--oidc-issuer needs --oidc-client-id")
		case cfg.RedirectURL == "":
			return nil, errors.New("--oidc-issuer needs --oidc-redirect-url, the callback registered at the provider (https://…/beheer/auth/callback)")
		case len(cfg.Mapping.AdminValues) == 0 && len(cfg.Mapping.EditorValues) == 0:
			return nil, errors.New("--oidc-issuer needs --oidc-admin-values or --oidc-editor-values: nobody could sign in")
		case cfg.ClientKey != nil && cfg.ClientSecret != "":
			return nil, errors.New("a client key (--oidc-client-key) and a client secret (CATALOGUS_OIDC_CLIENT_SECRET): choose one way for the catalogue to prove itself to the provider")
		}
		u, err := url.Parse(cfg.RedirectURL)
		if err != nil || u.Path != CallbackPath || u.Host == "" {
			return nil, fmt.Errorf("--oidc-redirect-url %q must be an absolute URL ending in %s", cfg.RedirectURL, CallbackPath)
		}
		if _, err := url.Parse(cfg.Issuer); err != nil {
			return nil, fmt.Errorf("--oidc-issuer %q is not a URL", cfg.Issuer)
		}
		if s.cfg.PostLogoutRedirectURL == "" {
			s.cfg.PostLogoutRedirectURL = u.Scheme + "://" + u.Host + Prefix + "/?afgemeld"
		}
		if cfg.ClientKey != nil {
			if s.key, err = newClientKey(cfg.ClientKey); err != nil {
				return nil, fmt.Errorf("--oidc-client-key: %w", err)
			}
		}
		s.idp = &idp{s: s}
		go s.idp.keepTrying(ctx)
	}
	return s, nil
}

func (s *Service) providerContext(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, s.cfg.HTTPClient)
}

// Register adds the sign-in routes to mux; api is the GraphQL handler that
// /beheer/graphql serves to signed-in pages. clients finds the caller's
// address for the logs: the server passes the one its API uses, so that the
// trusted proxies are configured once and both name the same client. Until
// then the connection's address is logged.
func (s *Service) Register(mux *http.ServeMux, api http.Handler, clients clientaddr.Resolver) {
	s.clients = clients
	mux.HandleFunc("GET "+LoginPath, s.login)
	mux.HandleFunc("GET "+CallbackPath, s.callback)
	mux.HandleFunc("POST "+LogoutPath, s.logout)
	mux.HandleFunc("GET "+SessionPath, s.session)
	if s.cfg.DevLogin {
		mux.HandleFunc("GET "+DevLoginPath, s.devLoginForm)
		mux.HandleFunc("POST "+DevLoginPath, s.devLogin)
	}
	if s.idp != nil {
		mux.HandleFunc("POST "+BackchannelPath, s.backchannelLogout)
		if s.cfg.ClientKey != nil {
			mux.HandleFunc("GET "+JWKSPath, s.jwks)
		}
	}
	mux.Handle("POST "+GraphQLPath, s.Protect(api))
}

func (s *Service) cookieName(base string) string {
	if s.cfg.Secure {
		// The prefix makes the browser refuse the cookie over plain HTTP.
		return "__Secure-" + base
	}
	return base
}

const (
	sessionCookie = "catalogus-session"
	loginCookie   = "catalogus-login"
)

func (s *Service) setCookie(w http.ResponseWriter, name, value, path string, exp time.Time, same http.SameSite) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(name), Value: value, Path: path, Expires: exp,
		MaxAge: max(1, int(exp.Sub(s.cfg.Now()).Seconds())), Secure: s.cfg.Secure, HttpOnly: true, SameSite: same})
}

func (s *Service) clearCookie(w http.ResponseWriter, name, path string, same http.SameSite) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(name), Value: "", Path: path, MaxAge: -1,
		Secure: s.cfg.Secure, HttpOnly: true, SameSite: same})
}

// login sends the browser to the identity provider. With ?prompt=login the
// provider asks for the password even if it has a session: "sign in as
// someone else".
func (s *Service) login(w http.ResponseWriter, r *http.Request) {
	next := localNext(r.URL.Query().Get("next"))
	if s.idp == nil {
		http.Redirect(w, r, DevLoginPath+"?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	d, p := s.idp.get(r.Context())
	if p != nil {
		s.show(w, r, p)
		return
	}
	st := loginState{State: random(24), Nonce: random(24), Verifier: oauth2.GenerateVerifier(), Next: next,
		Exp: s.cfg.Now().Add(10 * time.Minute)}
	v, err := s.sign.seal(loginCookie, st)
	if err != nil {
		s.show(w, r, newProblem("intern", "sealing the login cookie: "+err.Error()))
		return
	}
	// Lax, not Strict: the provider's redirect back is a navigation from
	// another site, and this cookie must come along with it.
	s.setCookie(w, loginCookie, v, CallbackPath, st.Exp, http.SameSiteLaxMode)
	w.Header().Set("Cache-Control", "no-store")
	opts := []oauth2.AuthCodeOption{oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)}
	if r.URL.Query().Get("prompt") == "login" {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", "login"))
	}
	http.Redirect(w, r, s.oauth(d).AuthCodeURL(st.State, opts...), http.StatusFound)
}

// oauth describes the client to x/oauth2, for building the authorization URL.
func (s *Service) oauth(d *discovered) *oauth2.Config {
	return &oauth2.Config{ClientID: s.cfg.ClientID, Endpoint: oauth2.Endpoint{AuthURL: d.authURL, TokenURL: d.tokenURL},
		RedirectURL: s.cfg.RedirectURL, Scopes: append([]string{oidc.ScopeOpenID}, s.cfg.Scopes...)}
}

// callback takes the provider's answer, checks it and starts a session.
func (s *Service) callback(w http.ResponseWriter, r *http.Request) {
	if s.idp == nil {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	c, err := r.Cookie(s.cookieName(loginCookie))
	var st loginState
	if err != nil || s.sign.open(loginCookie, c.Value, s.cfg.Now(), &st, func() time.Time { return st.Exp }) != nil {
		s.show(w, r, newProblem("aanmelding-verlopen", "no valid login cookie"))
		return
	}
	s.clearCookie(w, loginCookie, CallbackPath, http.SameSiteLaxMode)
	if e := q.Get("error"); e != "" {
		s.show(w, r, authorizationProblem(limitText(e, 60), limitText(q.Get("error_description"), 300)))
		return
	}
	if q.Get("state") == "" || q.Get("state") != st.State {
		s.show(w, r, newProblem("aanmelding-onbekend", "state mismatch"))
		return
	}
	d, p := s.idp.get(r.Context())
	if p != nil {
		s.show(w, r, p)
		return
	}
	ctx := r.Context()
	tok, err := s.tokenRequest(ctx, d, url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")},
		"redirect_uri": {s.cfg.RedirectURL}, "code_verifier": {st.Verifier}})
	if err != nil {
		s.show(w, r, s.providerProblem("exchanging the code", err))
		return
	}
	if tok.IDToken == "" {
		s.show(w, r, newProblem("token-ongeldig", "no id_token in the token response (is the scope openid allowed for the client?)"))
		return
	}
	idt, p := s.verifyIDToken(ctx, d, tok.IDToken, st.Nonce)
	if p != nil {
		s.show(w, r, p)
		return
	}
	claims, p := s.claims(ctx, d, idt, tok.AccessToken)
	if p != nil {
		s.show(w, r, p)
		return
	}
	id, err := s.cfg.Mapping.Map(claims)
	if err != nil {
		s.show(w, r, s.refusal(err, idt.Subject))
		return
	}
	creds := credentials{IDToken: tok.IDToken, AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken}
	if e := tok.expiresIn(); e > 0 {
		creds.AccessExp = s.cfg.Now().Add(e)
	}
	sid, _ := claims["sid"].(string)
	s.start(w, r, id, false, st.Next, provider{Subject: idt.Subject, Session: sid}, &creds)
}

// providerProblem names an error of a call to the provider.
func (s *Service) providerProblem(what string, err error) *problem {
	var oe *oauthError
	if errors.As(err, &oe) {
		return endpointProblem(what, oe)
	}
	if isTransport(err) {
		return transportProblem(what, err)
	}
	return newProblem("intern", what+": "+err.Error())
}

// verifyIDToken checks an ID token: signature with the provider's keys,
// issuer, audience, expiry (with the clock leeway), the issue time not in
// the future beyond the leeway, and the nonce when one is expected.
func (s *Service) verifyIDToken(ctx context.Context, d *discovered, raw, nonce string) (*oidc.IDToken, *problem) {
	idt, err := d.idTokens.Verify(s.providerContext(ctx), raw)
	var expired *oidc.TokenExpiredError
	switch {
	case errors.As(err, &expired):
		// A token fresh from the token endpoint can only have expired when
		// the two clocks disagree.
		return nil, newProblem("klok", fmt.Sprintf("the ID token expired at %s, %s before our clock's %s (leeway %s): check the clocks of this server and the provider (NTP), or raise --oidc-clock-skew",
			expired.Expiry.UTC().Format(time.RFC3339), s.cfg.Now().Sub(expired.Expiry).Round(time.Second), s.cfg.Now().UTC().Format(time.RFC3339), s.cfg.ClockSkew))
	case err != nil && strings.Contains(err.Error(), "nbf"):
		return nil, newProblem("klok", "the ID token is not valid yet by our clock: "+err.Error()+" — check the clocks (NTP)")
	case err != nil && isTransport(err):
		return nil, transportProblem("fetching the provider's signing keys", err)
	case err != nil:
		return nil, newProblem("token-ongeldig", "ID token: "+err.Error())
	}
	if nonce != "" && idt.Nonce != nonce {
		return nil, newProblem("token-ongeldig", "the ID token's nonce is not this sign-in's")
	}
	if ahead := idt.IssuedAt.Sub(s.cfg.Now()); ahead > s.cfg.ClockSkew {
		return nil, newProblem("klok", fmt.Sprintf("the ID token was issued %s ahead of our clock (leeway %s): check the clocks of this server and the provider (NTP), or raise --oidc-clock-skew",
			ahead.Round(time.Second), s.cfg.ClockSkew))
	}
	return idt, nil
}

// claims gathers what the provider says about the person: the ID token's
// claims, then UserInfo's (where the specification's default puts the scope
// claims such as email and groups), merged; UserInfo must be about the same
// subject. At debug level the claims' names (never their values) are
// logged, so that a mapping that fails can be set right.
func (s *Service) claims(ctx context.Context, d *discovered, idt *oidc.IDToken, accessToken string) (map[string]any, *problem) {
	var fromToken map[string]any
	if err := idt.Claims(&fromToken); err != nil {
		return nil, newProblem("token-ongeldig", "the ID token's claims: "+err.Error())
	}
	var fromInfo map[string]any
	if d.userInfoURL != "" && accessToken != "" {
		info, err := s.userInfo(ctx, d, accessToken)
		if err != nil {
			return nil, s.providerProblem("asking UserInfo", err)
		}
		if sub, _ := info["sub"].(string); sub != idt.Subject {
			return nil, newProblem("token-ongeldig", fmt.Sprintf("UserInfo is about subject %q, the ID token about %q", sub, idt.Subject))
		}
		fromInfo = info
	}
	s.log.Debug("sign-in claims arrived", "subject", idt.Subject, "id_token", claimNames(fromToken), "userinfo", claimNames(fromInfo))
	return merge(fromToken, fromInfo), nil
}

// refusal turns a mapping's refusal into the problem shown.
func (s *Service) refusal(err error, subject string) *problem {
	var r *Refusal
	if !errors.As(err, &r) {
		return newProblem("intern", "claim mapping: "+err.Error())
	}
	return newProblem(r.Code, "claim mapping: "+r.Rule+" (subject "+subject+")", r.Args...)
}

// start checks the identity against the catalogue, stores the session and
// sets its cookie.
func (s *Service) start(w http.ResponseWriter, r *http.Request, id Identity, dev bool, next string, p provider, creds *credentials) {
	if id.Org != "" {
		ok, err := s.cfg.Client.Organization.Query().Where(organization.Code(id.Org)).Exist(auth.Allow(r.Context()))
		if err != nil {
			s.show(w, r, newProblem("intern", "looking up the organization: "+err.Error()))
			return
		}
		if !ok {
			s.show(w, r, newProblem("organisatie-onbekend", fmt.Sprintf("unknown organization %q for %s (subject %q)", id.Org, id.Name, p.Subject), id.Org))
			return
		}
	}
	sess := Session{ID: random(32), Name: id.Name, Role: string(id.Role), Org: id.Org, CSRF: random(32),
		Exp: s.expiry(), Dev: dev}
	if creds != nil {
		sealed, err := s.sealCredentials(*creds, sess.ID)
		if err != nil {
			s.show(w, r, newProblem("intern", "sealing the credentials: "+err.Error()))
			return
		}
		p.Credentials = sealed
	}
	if err := s.save(r.Context(), sess, p); err != nil {
		s.show(w, r, newProblem("intern", "storing the session: "+err.Error()))
		return
	}
	v, err := s.sign.seal(sessionCookie, sessionRef{ID: sess.ID, CSRF: sess.CSRF, Exp: sess.Exp})
	if err != nil {
		s.show(w, r, newProblem("intern", "sealing the session cookie: "+err.Error()))
		return
	}
	// Strict: the pages read the session with same-site requests only, so the
	// cookie never needs to travel with a navigation from elsewhere.
	s.setCookie(w, sessionCookie, v, Prefix, sess.Exp, http.SameSiteStrictMode)
	s.log.Info("signed in", "name", sess.Name, "role", sess.Role, "organization", sess.Org, "dev", dev)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// Current returns the request's session: auth.ErrUnauthenticated when there
// is none or it is expired, tampered with or signed out (also when the
// re-check at the provider ended it); errRecheck when its re-check is
// overdue and the provider cannot be reached; any other error is the
// database's.
func (s *Service) Current(r *http.Request) (*Session, error) {
	c, err := r.Cookie(s.cookieName(sessionCookie))
	if err != nil {
		return nil, auth.ErrUnauthenticated
	}
	var ref sessionRef
	if err := s.sign.open(sessionCookie, c.Value, s.cfg.Now(), &ref, func() time.Time { return ref.Exp }); err != nil {
		return nil, auth.ErrUnauthenticated
	}
	return s.live(r.Context(), ref)
}

// Viewer is the viewer a session stands for: its organization and the units
// below it are read now, so a unit moved in the tree moves its people along.
func (s *Service) Viewer(ctx context.Context, sess *Session) (*auth.Viewer, error) {
	prefix := "sso:"
	if sess.Dev {
		prefix = "dev:"
	}
	v := &auth.Viewer{Name: prefix + sess.Name, Role: auth.Role(sess.Role)}
	if v.Role != auth.Admin && v.Role != auth.Editor {
		return nil, auth.ErrUnauthenticated
	}
	if sess.Org == "" {
		if v.Role != auth.Admin {
			return nil, auth.ErrUnauthenticated
		}
		return v, nil
	}
	org, err := s.cfg.Client.Organization.Query().Where(organization.Code(sess.Org)).Only(auth.Allow(ctx))
	if ent.IsNotFound(err) {
		return nil, auth.ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	v.OrganizationID = &org.ID
	if v.Scope, err = orgtree.Subtree(ctx, s.cfg.Client, org.ID); err != nil {
		return nil, err
	}
	return v, nil
}

// Protect lets through only requests with a valid session and its CSRF token,
// with the session's viewer in the context; the answers are never cached.
func (s *Service) Protect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		sess, err := s.Current(r)
		switch {
		case errors.Is(err, auth.ErrUnauthenticated):
			writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "not signed in, or the session ended: sign in again at "+LoginPath)
			return
		case errors.Is(err, errRecheck):
			writeError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", recheckMessage)
			return
		case err != nil:
			s.unavailable(w, "reading a session", err)
			return
		}
		if !sameToken(r.Header.Get(CSRFHeader), sess.CSRF) {
			s.log.Warn("request without the session's CSRF token refused", "name", sess.Name, "origin", r.Header.Get("Origin"), "client", s.clients.Of(r))
			writeError(w, http.StatusForbidden, "FORBIDDEN", "the request lacks the session's CSRF token in the "+CSRFHeader+" header; the editor pages send it, other sites cannot")
			return
		}
		v, err := s.Viewer(r.Context(), sess)
		switch {
		case errors.Is(err, auth.ErrUnauthenticated):
			writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "the session's organization or role is no longer valid: sign in again")
			return
		case dberr.Unreachable(err):
			// What every caller gets in an outage; the server logs it once.
			writeError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "the catalogue's database cannot be reached right now; try again in a moment")
			return
		case err != nil:
			s.unavailable(w, "reading a session's organization", err)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), v)))
	})
}

// session tells the pages who is signed in, the CSRF token to send, when
// the session ends, and whether the identity provider can be reached.
func (s *Service) session(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	// Not being signed in is an answer here, not an error: 200 either way.
	signedOut := map[string]any{"signedIn": false, "login": LoginPath, "devLogin": s.cfg.DevLogin}
	if s.idp != nil {
		if ok, _, p := s.idp.state(); !ok && p != nil {
			signedOut["providerProblem"] = map[string]string{"code": p.Code, "message": p.Message}
		}
	}
	sess, err := s.Current(r)
	if errors.Is(err, auth.ErrUnauthenticated) {
		writeJSON(w, http.StatusOK, signedOut)
		return
	}
	if errors.Is(err, errRecheck) {
		writeError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", recheckMessage)
		return
	}
	if err != nil {
		s.unavailable(w, "reading a session", err)
		return
	}
	v, err := s.Viewer(r.Context(), sess)
	if errors.Is(err, auth.ErrUnauthenticated) {
		writeJSON(w, http.StatusOK, signedOut)
		return
	}
	if err != nil {
		s.unavailable(w, "reading a session's organization", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"signedIn": true, "name": sess.Name, "role": v.Role,
		"organization": sess.Org, "csrf": sess.CSRF, "expires": sess.Exp, "dev": sess.Dev})
}

// localNext keeps a return address within the editor, so that the login
// cannot be used to send people elsewhere.
func localNext(next string) string {
	if next == Prefix || (strings.HasPrefix(next, Prefix+"/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\")) {
		if u, err := url.Parse(next); err == nil && u.Host == "" && u.Scheme == "" {
			return next
		}
	}
	return Prefix + "/"
}
