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
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/clientaddr"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
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
	// RedirectURL is this server's callback as registered at the provider:
	// https://catalogus.example/beheer/auth/callback.
	RedirectURL string
	// Scopes are asked for besides openid, e.g. profile, email, groups.
	Scopes  []string
	Mapping Mapping
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
	cfg      Config
	sign     signer
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
	revoked  revoked
	log      *slog.Logger
	// clients names the caller in the logs; Register sets it.
	clients clientaddr.Resolver
}

// New prepares sign-in; with an issuer it reads the provider's discovery
// document, so the provider must be reachable at start.
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
		}
		if u, err := url.Parse(cfg.RedirectURL); err != nil || u.Path != CallbackPath {
			return nil, fmt.Errorf("--oidc-redirect-url %q must end in %s", cfg.RedirectURL, CallbackPath)
		}
		p, err := oidc.NewProvider(s.providerContext(ctx), cfg.Issuer)
		if err != nil {
			return nil, fmt.Errorf("reading the identity provider's configuration at %s: %w", cfg.Issuer, err)
		}
		scopes := append([]string{oidc.ScopeOpenID}, cfg.Scopes...)
		s.oauth = &oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: cfg.RedirectURL, Scopes: scopes}
		s.verifier = p.Verifier(&oidc.Config{ClientID: cfg.ClientID, Now: cfg.Now})
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

// login sends the browser to the identity provider.
func (s *Service) login(w http.ResponseWriter, r *http.Request) {
	next := localNext(r.URL.Query().Get("next"))
	if s.oauth == nil {
		http.Redirect(w, r, DevLoginPath+"?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	st := loginState{State: random(24), Nonce: random(24), Verifier: oauth2.GenerateVerifier(), Next: next,
		Exp: s.cfg.Now().Add(10 * time.Minute)}
	v, err := s.sign.seal(loginCookie, st)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "internal", err)
		return
	}
	// Lax, not Strict: the provider's redirect back is a navigation from
	// another site, and this cookie must come along with it.
	s.setCookie(w, loginCookie, v, CallbackPath, st.Exp, http.SameSiteLaxMode)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, s.oauth.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)), http.StatusFound)
}

// callback takes the provider's answer, checks it and starts a session.
func (s *Service) callback(w http.ResponseWriter, r *http.Request) {
	if s.oauth == nil {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	c, err := r.Cookie(s.cookieName(loginCookie))
	var st loginState
	if err != nil || s.sign.open(loginCookie, c.Value, s.cfg.Now(), &st, func() time.Time { return st.Exp }) != nil {
		s.refuse(w, r, "je aanmelding is verlopen of in een andere browser begonnen; meld je opnieuw aan", "no valid login cookie")
		return
	}
	s.clearCookie(w, loginCookie, CallbackPath, http.SameSiteLaxMode)
	if e := q.Get("error"); e != "" {
		s.refuse(w, r, "de identity provider weigerde de aanmelding ("+e+")", "provider error: "+e+" "+q.Get("error_description"))
		return
	}
	if q.Get("state") == "" || q.Get("state") != st.State {
		s.refuse(w, r, "het antwoord van de identity provider hoort niet bij deze aanmelding; meld je opnieuw aan", "state mismatch")
		return
	}
	ctx := s.providerContext(r.Context())
	tok, err := s.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		s.refuse(w, r, "de code van de identity provider kon niet worden ingewisseld; meld je opnieuw aan", "code exchange: "+err.Error())
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		s.refuse(w, r, "de identity provider stuurde geen ID-token", "no id_token in the token response")
		return
	}
	idt, err := s.verifier.Verify(ctx, raw)
	if err != nil {
		s.refuse(w, r, "het ID-token is ongeldig", "id token: "+err.Error())
		return
	}
	if idt.Nonce != st.Nonce {
		s.refuse(w, r, "het ID-token hoort niet bij deze aanmelding", "nonce mismatch")
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		s.refuse(w, r, "het ID-token is onleesbaar", "claims: "+err.Error())
		return
	}
	id, err := s.cfg.Mapping.Map(claims)
	if err != nil {
		s.refuse(w, r, err.Error(), "claim mapping: "+err.Error()+" (subject "+idt.Subject+")")
		return
	}
	s.start(w, r, id, false, st.Next)
}

// start checks the identity against the catalogue and sets the session cookie.
func (s *Service) start(w http.ResponseWriter, r *http.Request, id Identity, dev bool, next string) {
	if id.Org != "" {
		ok, err := s.cfg.Client.Organization.Query().Where(organization.Code(id.Org)).Exist(auth.Allow(r.Context()))
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, "internal", err)
			return
		}
		if !ok {
			s.refuse(w, r, fmt.Sprintf("je organisatie %q staat niet in de catalogus; vraag een beheerder om haar toe te voegen", id.Org), "unknown organization "+id.Org)
			return
		}
	}
	sess := Session{ID: random(16), Name: id.Name, Role: string(id.Role), Org: id.Org, CSRF: random(32),
		Exp: s.cfg.Now().Add(s.cfg.TTL).UTC().Truncate(time.Second), Dev: dev}
	v, err := s.sign.seal(sessionCookie, sess)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "internal", err)
		return
	}
	// Strict: the pages read the session with same-site requests only, so the
	// cookie never needs to travel with a navigation from elsewhere.
	s.setCookie(w, sessionCookie, v, Prefix, sess.Exp, http.SameSiteStrictMode)
	s.log.Info("signed in", "name", sess.Name, "role", sess.Role, "organization", sess.Org, "dev", dev)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// Current returns the request's session, or an error when there is none or it
// is expired, tampered with or signed out.
func (s *Service) Current(r *http.Request) (*Session, error) {
	c, err := r.Cookie(s.cookieName(sessionCookie))
	if err != nil {
		return nil, auth.ErrUnauthenticated
	}
	var sess Session
	if err := s.sign.open(sessionCookie, c.Value, s.cfg.Now(), &sess, func() time.Time { return sess.Exp }); err != nil {
		return nil, auth.ErrUnauthenticated
	}
	if s.revoked.has(sess.ID) {
		return nil, auth.ErrUnauthenticated
	}
	return &sess, nil
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
		if err != nil {
			writeError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "not signed in, or the session expired: sign in again at "+LoginPath)
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
		case store.Unreachable(err):
			// What every caller gets in an outage; the server logs it once.
			writeError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "the catalogue's database cannot be reached right now; try again in a moment")
			return
		case err != nil:
			s.log.Error("reading a session's organization", "err", err)
			writeError(w, http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "internal error")
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), v)))
	})
}

// logout ends the session: the cookie is cleared and its id refused until it
// would have expired.
func (s *Service) logout(w http.ResponseWriter, r *http.Request) {
	sess, err := s.Current(r)
	if err == nil {
		token := r.Header.Get(CSRFHeader)
		if token == "" {
			token = r.PostFormValue("csrf")
		}
		if !sameToken(token, sess.CSRF) {
			writeError(w, http.StatusForbidden, "FORBIDDEN", "sign-out needs the session's CSRF token")
			return
		}
		s.revoked.add(sess.ID, sess.Exp, s.cfg.Now())
		s.log.Info("signed out", "name", sess.Name)
	}
	s.clearCookie(w, sessionCookie, Prefix, http.SameSiteStrictMode)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, Prefix+"/?afgemeld", http.StatusSeeOther)
}

// session tells the pages who is signed in, and the CSRF token to send.
func (s *Service) session(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	// Not being signed in is an answer here, not an error: 200 either way.
	signedOut := map[string]any{"signedIn": false, "login": LoginPath, "devLogin": s.cfg.DevLogin}
	sess, err := s.Current(r)
	if err != nil {
		writeJSON(w, http.StatusOK, signedOut)
		return
	}
	v, err := s.Viewer(r.Context(), sess)
	if err != nil {
		writeJSON(w, http.StatusOK, signedOut)
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
