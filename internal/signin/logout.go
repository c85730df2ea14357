package signin

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/gemeente-rotterdam/catalogus/ent/editorsession"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// logout ends the session on every instance, clears the cookie and, when
// the provider offers it, signs the person out there too (RP-initiated
// logout with id_token_hint): otherwise "Aanmelden" on a shared counter PC
// would sign the next colleague in as the previous one.
func (s *Service) logout(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	sess, err := s.Current(r)
	if err != nil && !errors.Is(err, auth.ErrUnauthenticated) && !errors.Is(err, errRecheck) {
		s.show(w, r, newProblem("intern", "reading the session to sign out: "+err.Error()))
		return
	}
	var hint string
	if sess != nil {
		token := r.Header.Get(CSRFHeader)
		if token == "" {
			token = r.PostFormValue("csrf")
		}
		if !sameToken(token, sess.CSRF) {
			writeError(w, http.StatusForbidden, "FORBIDDEN", "sign-out needs the session's CSRF token")
			return
		}
		if c, err := s.credentialsOf(sess); err == nil {
			hint = c.IDToken
		}
		if err := s.end(r.Context(), sess.ID); err != nil {
			s.show(w, r, newProblem("intern", "ending the session: "+err.Error()))
			return
		}
		s.log.Info("signed out", "name", sess.Name)
	}
	s.clearCookie(w, sessionCookie, Prefix, http.SameSiteStrictMode)
	if s.idp == nil || sess == nil || sess.Dev {
		http.Redirect(w, r, Prefix+"/?afgemeld", http.StatusSeeOther)
		return
	}
	// No waiting for a provider that is down: the catalogue's own session
	// has ended, and the page says what could not be done.
	ok, _, _ := s.idp.state()
	if !ok {
		s.show(w, r, newProblem("afgemeld-provider-onbereikbaar", "signed out here; the provider could not be reached to end its session"))
		return
	}
	d, _ := s.idp.get(r.Context())
	if d.endSession == "" {
		http.Redirect(w, r, Prefix+"/?afgemeld", http.StatusSeeOther)
		return
	}
	u, err := url.Parse(d.endSession)
	if err != nil {
		s.show(w, r, newProblem("instelling", "the provider's end_session_endpoint: "+err.Error(), "end_session_endpoint"))
		return
	}
	q := u.Query()
	if hint != "" {
		q.Set("id_token_hint", hint)
	}
	q.Set("client_id", s.cfg.ClientID)
	q.Set("post_logout_redirect_uri", s.cfg.PostLogoutRedirectURL)
	u.RawQuery = q.Encode()
	// A page that moves on by itself rather than a redirect: the editor's
	// sign-out form may only post to this site (form-action 'self'), and
	// browsers hold redirects after a form to that too.
	p := newProblem("afmelden-bij-provider", "")
	renderPage(w, http.StatusOK, pageData{Title: p.title, Message: p.Message, Continue: u.String()})
}

// backchannelLogout receives a logout token from the provider (OpenID
// Connect Back-Channel Logout 1.0) and ends the sessions it names, on every
// instance: the person signed out at the provider, or was signed out there.
func (s *Service) backchannelLogout(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	bad := func(detail string) {
		s.log.Warn("back-channel logout refused", "reason", detail, "client", s.clients.Of(r))
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": detail})
	}
	raw := r.PostFormValue("logout_token")
	if raw == "" {
		bad("no logout_token")
		return
	}
	d, p := s.idp.get(r.Context())
	if p != nil {
		s.log.Warn("back-channel logout while the provider's keys cannot be read", "err", p.Detail)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "temporarily_unavailable"})
		return
	}
	// The same checks as an ID token's (signature, issuer, audience, expiry
	// with the leeway), then the logout token's own.
	tok, err := d.logoutTokens.Verify(s.providerContext(r.Context()), raw)
	if err != nil {
		bad("logout token: " + err.Error())
		return
	}
	var claims struct {
		Sid    string                    `json:"sid"`
		Nonce  *string                   `json:"nonce"`
		Events map[string]map[string]any `json:"events"`
	}
	if err := tok.Claims(&claims); err != nil {
		bad("logout token claims: " + err.Error())
		return
	}
	switch {
	case claims.Events == nil || claims.Events["http://schemas.openid.net/event/backchannel-logout"] == nil:
		bad("the token is not a logout token (no back-channel logout event)")
		return
	case claims.Nonce != nil:
		bad("a logout token may not carry a nonce")
		return
	case tok.Subject == "" && claims.Sid == "":
		bad("the logout token names neither sub nor sid")
		return
	}
	n, err := s.endProviderSessions(r.Context(), tok.Subject, claims.Sid)
	if err != nil {
		s.log.Error("back-channel logout: ending sessions", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
		return
	}
	s.log.Info("signed out by the identity provider", "subject", tok.Subject, "provider_session", claims.Sid, "sessions", n)
	w.WriteHeader(http.StatusOK)
}

// endProviderSessions ends the sessions of a provider session (sid), or of
// a person (sub) when the provider names no session.
func (s *Service) endProviderSessions(ctx context.Context, sub, sid string) (int, error) {
	q := s.cfg.Client.EditorSession.Delete().Where(editorsession.Dev(false))
	if sid != "" {
		q.Where(editorsession.ProviderSession(sid))
	}
	if sub != "" {
		q.Where(editorsession.Subject(sub))
	}
	return q.Exec(auth.Allow(ctx))
}

// jwks publishes the public half of the client key, for providers that
// read a client's keys from a URL (Keycloak's "Use JWKS URL").
func (s *Service) jwks(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "max-age=300")
	_, _ = w.Write(s.key.jwks)
}
