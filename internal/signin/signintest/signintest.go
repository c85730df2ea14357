// Package signintest runs a local OpenID provider (mockoidc) for tests of
// the sign-in and the editor pages.
package signintest

import (
	"context"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/gemeente-rotterdam/catalogus/internal/signin"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// Groups the tests' provider puts in the groups claim.
const (
	EditorGroup = "catalogus-redacteur"
	AdminGroup  = "catalogus-beheerder"
	OrgPrefix   = "catalogus-org-"
)

// Provider is a running local identity provider.
type Provider struct {
	*mockoidc.MockOIDC
}

// Start runs a provider until the test ends.
func Start(t testing.TB) *Provider {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return &Provider{m}
}

// Person queues who signs in next: an editor (or admin) of org.
func (p *Provider) Person(email string, groups ...string) {
	p.QueueUser(&mockoidc.MockUser{Subject: "sub-" + email, Email: email, EmailVerified: true, Groups: groups})
}

// Editor queues an editor of the organization with code org.
func (p *Provider) Editor(email, org string) { p.Person(email, EditorGroup, OrgPrefix+org) }

// Config is a sign-in configuration for this provider and a server at base
// (http://127.0.0.1:port), mapping the test groups.
func (p *Provider) Config(db *store.DB, base string, now func() time.Time) signin.Config {
	c := p.MockOIDC.Config()
	return signin.Config{
		Issuer: c.Issuer, ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		RedirectURL: base + signin.CallbackPath,
		Scopes:      []string{"email", "groups"},
		Mapping:     signin.Mapping{AdminValues: []string{AdminGroup}, EditorValues: []string{EditorGroup}, OrgPrefix: OrgPrefix},
		Key:         []byte("0123456789abcdef0123456789abcdef"),
		Client:      db.Client,
		Now:         now,
	}
}

// Service starts sign-in for the provider.
func (p *Provider) Service(t testing.TB, db *store.DB, base string, now func() time.Time) *signin.Service {
	t.Helper()
	s, err := signin.New(context.Background(), p.Config(db, base, now))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
