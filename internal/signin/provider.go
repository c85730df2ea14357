package signin

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// discovered is what the provider's discovery document tells.
type discovered struct {
	provider                                     *oidc.Provider
	authURL, tokenURL, userInfoURL, endSession   string
	authMethods                                  []string
	backchannel                                  bool
	idTokens, logoutTokens                       *oidc.IDTokenVerifier
	supportsRefresh, supportsPrivateKeyJWTClient bool
}

// idp finds the identity provider lazily: the public service never waits
// for it. A background loop and every sign-in try to read its discovery
// document, with a growing pause (1 s up to a minute) between failed tries,
// so that a provider that is down costs neither a wait per request nor a
// flood of requests to it.
type idp struct {
	s *Service

	mu       sync.Mutex
	found    *discovered
	err      *problem
	since    time.Time // of the first failure in a row
	next     time.Time // no new try before
	pause    time.Duration
	inFlight chan struct{}
}

const (
	firstPause     = time.Second
	longestPause   = time.Minute
	discoveryLimit = 10 * time.Second
)

// get returns the provider, reading its discovery document if it has not
// been read yet and a try is due; otherwise the last failure.
func (i *idp) get(ctx context.Context) (*discovered, *problem) {
	for {
		i.mu.Lock()
		if i.found != nil {
			d := i.found
			i.mu.Unlock()
			return d, nil
		}
		if ch := i.inFlight; ch != nil {
			i.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, transportProblem("waiting for the identity provider's discovery", ctx.Err())
			}
		}
		if i.err != nil && time.Now().Before(i.next) {
			p := i.err
			i.mu.Unlock()
			return nil, p
		}
		ch := make(chan struct{})
		i.inFlight = ch
		i.mu.Unlock()

		// The try outlives a request that gives up, so that one impatient
		// browser does not count as the provider failing.
		tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), discoveryLimit)
		d, p := i.discover(tctx)
		cancel()

		i.mu.Lock()
		i.inFlight = nil
		close(ch)
		if p == nil {
			if i.err != nil {
				i.s.log.Info("the identity provider is reachable again", "issuer", i.s.cfg.Issuer, "down_for", time.Since(i.since).Round(time.Second))
			}
			i.found, i.err = d, nil
		} else {
			if i.err == nil {
				i.since = time.Now()
				i.s.log.Warn("the identity provider is unreachable; the editor's sign-in waits for it, everything else runs", "issuer", i.s.cfg.Issuer, "err", p.Detail)
			}
			i.err = p
			i.pause = min(max(2*i.pause, firstPause), longestPause)
			i.next = time.Now().Add(i.pause)
		}
		i.mu.Unlock()
		return d, p
	}
}

// keepTrying reads the discovery document in the background until it has
// it, so that the first person to sign in does not wait for it, and
// /readyz knows the provider's state.
func (i *idp) keepTrying(ctx context.Context) {
	for {
		if _, p := i.get(ctx); p == nil {
			return
		}
		i.mu.Lock()
		wait := time.Until(i.next)
		i.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(max(wait, 10*time.Millisecond)):
		}
	}
}

// state tells how the provider is, for /readyz and the editor's page.
func (i *idp) state() (ok bool, since time.Time, p *problem) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.found != nil, i.since, i.err
}

func (i *idp) discover(ctx context.Context) (*discovered, *problem) {
	s := i.s
	p, err := oidc.NewProvider(s.providerContext(ctx), s.cfg.Issuer)
	if err != nil {
		if isTransport(err) {
			return nil, transportProblem("reading the discovery document at "+s.cfg.Issuer, err)
		}
		// An answer, but not a usable one: a wrong issuer URL, most likely.
		return nil, newProblem("instelling", "reading the discovery document at "+s.cfg.Issuer+": "+err.Error()+" — check --oidc-issuer", "issuer")
	}
	var meta struct {
		EndSession      string   `json:"end_session_endpoint"`
		AuthMethods     []string `json:"token_endpoint_auth_methods_supported"`
		Backchannel     bool     `json:"backchannel_logout_supported"`
		GrantTypes      []string `json:"grant_types_supported"`
		UserInfo        string   `json:"userinfo_endpoint"`
		IDTokenSignAlgs []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, newProblem("instelling", "reading the discovery document: "+err.Error(), "discovery")
	}
	ep := p.Endpoint()
	d := &discovered{provider: p, authURL: ep.AuthURL, tokenURL: ep.TokenURL, userInfoURL: meta.UserInfo,
		endSession: meta.EndSession, authMethods: meta.AuthMethods, backchannel: meta.Backchannel,
		// The grant types default to code and implicit; refresh tokens are
		// a bonus the re-check uses when the provider gives them.
		supportsRefresh:             len(meta.GrantTypes) == 0 || slices.Contains(meta.GrantTypes, "refresh_token"),
		supportsPrivateKeyJWTClient: slices.Contains(meta.AuthMethods, "private_key_jwt"),
	}
	skewed := func() time.Time { return s.cfg.Now().Add(-s.cfg.ClockSkew) }
	d.idTokens = p.Verifier(&oidc.Config{ClientID: s.cfg.ClientID, Now: skewed, SupportedSigningAlgs: meta.IDTokenSignAlgs})
	d.logoutTokens = p.Verifier(&oidc.Config{ClientID: s.cfg.ClientID, Now: skewed, SupportedSigningAlgs: meta.IDTokenSignAlgs})
	if s.cfg.ClientKey != nil && !d.supportsPrivateKeyJWTClient && len(meta.AuthMethods) > 0 {
		s.log.Error("the identity provider does not list private_key_jwt among its client authentication methods; the token requests will likely fail", "methods", meta.AuthMethods)
	}
	s.log.Info("found the identity provider", "issuer", s.cfg.Issuer, "userinfo", d.userInfoURL != "", "end_session", d.endSession != "",
		"backchannel_logout", d.backchannel, "refresh", d.supportsRefresh)
	return d, nil
}

// ProviderStatus describes the identity provider's state in one line, for
// /readyz: the provider's state never makes the service unready (the public
// API and the dashboard do not need it).
func (s *Service) ProviderStatus() string {
	if s.idp == nil {
		return "identity provider: none (development sign-in)"
	}
	ok, since, p := s.idp.state()
	switch {
	case ok:
		return "identity provider: reachable"
	case p == nil:
		return "identity provider: not reached yet"
	default:
		return fmt.Sprintf("identity provider: unreachable since %s (%s); the editor's sign-in waits for it", since.UTC().Format(time.RFC3339), p.Detail)
	}
}
