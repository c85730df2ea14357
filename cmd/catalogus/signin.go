package main

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/signin"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// signInFlags defines serve's flags for the editor's sign-in and returns
// the function that builds it; nil from that function means no sign-in.
// The client secret and the session key come from the environment only, so
// that they do not show in the process list.
func signInFlags(fs *flag.FlagSet) func(ctx context.Context, e *env, db *store.DB) (*signin.Service, error) {
	issuer := fs.String("oidc-issuer", envOr("CATALOGUS_OIDC_ISSUER", ""),
		"OpenID Connect issuer URL of the city's identity provider; turns on sign-in to the editor at /beheer (env CATALOGUS_OIDC_ISSUER; the secret in CATALOGUS_OIDC_CLIENT_SECRET)")
	clientID := fs.String("oidc-client-id", envOr("CATALOGUS_OIDC_CLIENT_ID", ""), "client id registered at the provider (env CATALOGUS_OIDC_CLIENT_ID)")
	redirect := fs.String("oidc-redirect-url", envOr("CATALOGUS_OIDC_REDIRECT_URL", ""),
		"this server's callback as registered at the provider, ending in /beheer/auth/callback (env CATALOGUS_OIDC_REDIRECT_URL)")
	scopes := fs.String("oidc-scopes", envOr("CATALOGUS_OIDC_SCOPES", "profile,email"), "scopes to ask for besides openid, comma-separated (env CATALOGUS_OIDC_SCOPES)")
	roleClaim := fs.String("oidc-role-claim", envOr("CATALOGUS_OIDC_ROLE_CLAIM", "groups"), "ID token claim whose values grant a role: groups (Keycloak), roles (Entra ID app roles) (env CATALOGUS_OIDC_ROLE_CLAIM)")
	admins := fs.String("oidc-admin-values", envOr("CATALOGUS_OIDC_ADMIN_VALUES", ""), "comma-separated values of the role claim that make someone an admin (env CATALOGUS_OIDC_ADMIN_VALUES)")
	editors := fs.String("oidc-editor-values", envOr("CATALOGUS_OIDC_EDITOR_VALUES", ""), "comma-separated values of the role claim that make someone an editor (env CATALOGUS_OIDC_EDITOR_VALUES)")
	orgClaim := fs.String("oidc-org-claim", envOr("CATALOGUS_OIDC_ORG_CLAIM", ""), "ID token claim holding the person's organization code (env CATALOGUS_OIDC_ORG_CLAIM)")
	orgPrefix := fs.String("oidc-org-prefix", envOr("CATALOGUS_OIDC_ORG_PREFIX", ""),
		"or: a role-claim value with this prefix names the organization, e.g. /catalogus/org/ (env CATALOGUS_OIDC_ORG_PREFIX)")
	nameClaim := fs.String("oidc-name-claim", envOr("CATALOGUS_OIDC_NAME_CLAIM", "preferred_username"), "ID token claim naming the person in the change log (env CATALOGUS_OIDC_NAME_CLAIM)")
	skew := fs.Duration("oidc-clock-skew", time.Minute, "how far the identity provider's clock may be off this server's when checking tokens")
	recheck := fs.Duration("oidc-recheck", 15*time.Minute, "how often a signed-in editor's role and organization are checked again at the identity provider; 0 never")
	clientKey := fs.String("oidc-client-key", envOr("CATALOGUS_OIDC_CLIENT_KEY", ""),
		"PEM file with the private key (RSA or ECDSA P-256) with which the catalogue proves itself to the provider (private_key_jwt), instead of a client secret (env CATALOGUS_OIDC_CLIENT_KEY)")
	contact := fs.String("signin-contact", envOr("CATALOGUS_SIGNIN_CONTACT", ""),
		"whom people should ask when they cannot sign in, shown on the sign-in's error pages, e.g. \"het functioneel beheer (catalogus@rotterdam.nl)\" (env CATALOGUS_SIGNIN_CONTACT)")
	ttl := fs.Duration("session-ttl", 8*time.Hour, "how long an editor's session lasts")
	dev := fs.Bool("dev-login", false, "let anyone sign in to the editor as anyone, without an identity provider: for trying it out only, NEVER in production")
	return func(ctx context.Context, e *env, db *store.DB) (*signin.Service, error) {
		if *issuer == "" && !*dev {
			return nil, nil
		}
		if *orgClaim != "" && *orgPrefix != "" {
			return nil, errors.New("--oidc-org-claim and --oidc-org-prefix: choose one way to find the organization")
		}
		cfg := signin.Config{Issuer: *issuer, ClientID: *clientID, ClientSecret: os.Getenv("CATALOGUS_OIDC_CLIENT_SECRET"),
			RedirectURL: *redirect, Scopes: list(*scopes), TTL: *ttl, DevLogin: *dev, Client: db.Client, Log: e.log,
			ClockSkew: *skew, Recheck: *recheck, Contact: *contact,
			Mapping: signin.Mapping{RoleClaim: *roleClaim, AdminValues: list(*admins), EditorValues: list(*editors),
				OrgClaim: *orgClaim, OrgPrefix: *orgPrefix, NameClaim: *nameClaim}}
		switch {
		case *skew == 0:
			cfg.ClockSkew = -1 // none, as asked; zero means the default to signin
		case *skew < 0:
			return nil, fmt.Errorf("--oidc-clock-skew %s: give a duration of 0 or more", *skew)
		}
		if *recheck == 0 {
			cfg.Recheck = -1
		} else if *recheck < time.Minute {
			return nil, fmt.Errorf("--oidc-recheck %s: give at least 1m (or 0 for never)", *recheck)
		}
		if *clientKey != "" {
			key, err := readPrivateKey(*clientKey)
			if err != nil {
				return nil, fmt.Errorf("--oidc-client-key %s: %w", *clientKey, err)
			}
			cfg.ClientKey = key
		}
		if k := os.Getenv("CATALOGUS_SESSION_KEY"); k != "" {
			key, err := hex.DecodeString(k)
			if err != nil || len(key) < 32 {
				return nil, errors.New("CATALOGUS_SESSION_KEY must be at least 32 bytes in hex, e.g. from `openssl rand -hex 32`")
			}
			cfg.Key = key
		} else {
			e.log.Warn("no CATALOGUS_SESSION_KEY: sessions are signed with a key drawn at start, so a restart signs everyone out and several instances do not share sessions")
		}
		// Cookies are Secure except when the editor is tried over plain HTTP,
		// where a Secure cookie would never come back: on this machine, or
		// with the development sign-in alone (often in a container on
		// 0.0.0.0), which protects nothing anyway.
		cfg.Secure = *issuer != ""
		if u, err := url.Parse(*redirect); *issuer != "" && err == nil && u.Scheme == "http" && loopback(u.Hostname()) {
			cfg.Secure = false
		}
		if *dev {
			e.log.Warn("DEVELOPMENT SIGN-IN IS ON (--dev-login): anyone who can reach /beheer can sign in as anyone and change the catalogue; never use this in production")
			fmt.Fprintln(e.stderr, "WARNING: --dev-login is on: anyone can sign in to /beheer as anyone. For trying out only.")
		}
		return signin.New(ctx, cfg)
	}
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readPrivateKey reads a PEM private key: PKCS#8 ("PRIVATE KEY"), PKCS#1
// ("RSA PRIVATE KEY") or SEC 1 ("EC PRIVATE KEY"), as openssl writes them.
func readPrivateKey(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("no PEM block in the file")
	}
	var key any
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("a PEM block of type %q; give a private key (e.g. from `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`)", block.Type)
	}
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("a %T cannot sign", key)
	}
	return signer, nil
}
