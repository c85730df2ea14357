package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestSignInConfiguration(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	build := func(args ...string) (bool, error) {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fn := signInFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		e := &env{stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.DiscardHandler)}
		s, err := fn(context.Background(), e, db)
		return s != nil, err
	}
	if on, err := build(); on || err != nil {
		t.Errorf("without flags sign-in is %v (%v); want off", on, err)
	}
	if on, err := build("--dev-login"); !on || err != nil {
		t.Errorf("--dev-login: %v (%v)", on, err)
	}
	// A provider that cannot be reached does not stop serve: sign-in waits
	// for it, everything else runs.
	if on, err := build("--oidc-issuer", "http://127.0.0.1:1", "--oidc-client-id", "c", "--oidc-redirect-url", "https://x.nl/beheer/auth/callback", "--oidc-editor-values", "e"); !on || err != nil {
		t.Errorf("with the provider unreachable: %v (%v); want sign-in on, no error", on, err)
	}
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"issuer without client", []string{"--oidc-issuer", "http://127.0.0.1:1"}, nil, "--oidc-client-id"},
		{"no redirect", []string{"--oidc-issuer", "http://127.0.0.1:1", "--oidc-client-id", "c"}, nil, "--oidc-redirect-url"},
		{"nobody could sign in", []string{"--oidc-issuer", "http://127.0.0.1:1", "--oidc-client-id", "c", "--oidc-redirect-url", "https://x.nl/beheer/auth/callback"}, nil, "nobody could sign in"},
		{"wrong callback", []string{"--oidc-issuer", "http://127.0.0.1:1", "--oidc-client-id", "c", "--oidc-redirect-url", "https://x.nl/callback", "--oidc-editor-values", "e"}, nil, "ending in /beheer/auth/callback"},
		{"client key file missing", []string{"--oidc-issuer", "http://127.0.0.1:1", "--oidc-client-id", "c", "--oidc-redirect-url", "https://x.nl/beheer/auth/callback", "--oidc-editor-values", "e", "--oidc-client-key", "/nonexistent/key.pem"}, nil, "--oidc-client-key /nonexistent/key.pem"},
		{"negative clock skew", []string{"--dev-login", "--oidc-clock-skew", "-1s"}, nil, "--oidc-clock-skew"},
		{"recheck too often", []string{"--dev-login", "--oidc-recheck", "1s"}, nil, "--oidc-recheck"},
		{"two ways to the organization", []string{"--dev-login", "--oidc-org-claim", "org", "--oidc-org-prefix", "org-"}, nil, "choose one way"},
		{"short session key", []string{"--dev-login"}, map[string]string{"CATALOGUS_SESSION_KEY": "abcd"}, "at least 32 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := build(tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about %q", err, tc.want)
			}
		})
	}
}
