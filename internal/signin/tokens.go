package signin

import (
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// The token endpoint is called by our own small client rather than
// x/oauth2's, for three reasons: the refresh of the re-check needs the same
// client authentication as the code exchange (x/oauth2 cannot add a client
// assertion to a refresh), the error answers must be told apart
// (invalid_client is the operator's, invalid_grant the person's), and
// private_key_jwt is a form field x/oauth2 does not know.

// tokenResponse is the token endpoint's answer (RFC 6749 5.1, OIDC 3.1.3.3).
type tokenResponse struct {
	AccessToken  string          `json:"access_token"`
	TokenType    string          `json:"token_type"`
	RefreshToken string          `json:"refresh_token"`
	IDToken      string          `json:"id_token"`
	ExpiresIn    json.RawMessage `json:"expires_in"`
}

// expiresIn reads expires_in, which some providers send as a string.
func (t *tokenResponse) expiresIn() time.Duration {
	s := strings.Trim(string(t.ExpiresIn), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

const maxAnswer = 1 << 20

// tokenRequest posts form to the token endpoint with the client's
// authentication. Errors are *oauthError for an error answer, or the
// transport's.
//
// A client secret goes as HTTP Basic, the specification's default, unless
// the provider lists only client_secret_post. Some providers list Basic and
// accept only the form (and the reverse): as x/oauth2 does, a refusal of
// the client is tried once more the other way, and the way that worked is
// kept.
func (s *Service) tokenRequest(ctx context.Context, d *discovered, form url.Values) (*tokenResponse, error) {
	style := secretStyle(s.secretStyle.Load())
	known := style != styleUnknown
	if !known {
		style = styleBasic
		if len(d.authMethods) > 0 && !slices.Contains(d.authMethods, "client_secret_basic") && slices.Contains(d.authMethods, "client_secret_post") {
			style = stylePost
		}
	}
	t, err := s.postToken(ctx, d, form, style)
	var oe *oauthError
	if !known && s.cfg.ClientSecret != "" && s.cfg.ClientKey == nil && errors.As(err, &oe) &&
		(oe.Code == "invalid_client" || oe.Code == "invalid_request" || oe.Code == "unauthorized_client" || oe.Status == http.StatusUnauthorized) {
		other := stylePost
		if style == stylePost {
			other = styleBasic
		}
		if t2, err2 := s.postToken(ctx, d, form, other); err2 == nil {
			s.secretStyle.Store(int32(other))
			return t2, nil
		}
	}
	if err == nil && s.cfg.ClientSecret != "" {
		s.secretStyle.Store(int32(style))
	}
	return t, err
}

type secretStyle int32

const (
	styleUnknown secretStyle = iota
	styleBasic
	stylePost
)

func (s *Service) postToken(ctx context.Context, d *discovered, form url.Values, style secretStyle) (*tokenResponse, error) {
	req, err := s.authenticatedRequest(d, form, style)
	if err != nil {
		return nil, err
	}
	resp, err := s.cfg.HTTPClient.Do(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, readOAuthError(resp.StatusCode, body)
	}
	var t tokenResponse
	if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" {
		return nil, &oauthError{Status: resp.StatusCode, Code: "server_error", Description: "the token endpoint's answer is not a token response"}
	}
	return &t, nil
}

func readOAuthError(status int, body []byte) *oauthError {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &e)
	return &oauthError{Status: status, Code: limitText(e.Error, 60), Description: limitText(e.Description, 300)}
}

// authenticatedRequest builds the token request with the client's
// authentication: a signed client assertion (private_key_jwt) when a key is
// configured, else the secret in the given style, else (a public client)
// the client id alone.
func (s *Service) authenticatedRequest(d *discovered, form url.Values, style secretStyle) (*http.Request, error) {
	form = maps(form)
	basic := false
	switch {
	case s.cfg.ClientKey != nil:
		assertion, err := s.clientAssertion(d.tokenURL)
		if err != nil {
			return nil, err
		}
		form.Set("client_id", s.cfg.ClientID)
		form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		form.Set("client_assertion", assertion)
	case s.cfg.ClientSecret != "" && style == stylePost:
		form.Set("client_id", s.cfg.ClientID)
		form.Set("client_secret", s.cfg.ClientSecret)
	case s.cfg.ClientSecret != "":
		basic = true
	default:
		form.Set("client_id", s.cfg.ClientID)
	}
	req, err := http.NewRequest(http.MethodPost, d.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if basic {
		// RFC 6749 2.3.1: both parts form-encoded before Basic.
		req.SetBasicAuth(url.QueryEscape(s.cfg.ClientID), url.QueryEscape(s.cfg.ClientSecret))
	}
	return req, nil
}

func maps(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// clientAssertion signs the JWT with which the client proves who it is
// (RFC 7523, OIDC Core 9: private_key_jwt). The audience is the token
// endpoint, which every common provider accepts.
func (s *Service) clientAssertion(tokenURL string) (string, error) {
	now := time.Now()
	claims, _ := json.Marshal(map[string]any{
		"iss": s.cfg.ClientID, "sub": s.cfg.ClientID, "aud": tokenURL, "jti": random(24),
		"iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
	})
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: s.key.alg, Key: jose.JSONWebKey{Key: s.cfg.ClientKey, KeyID: s.key.id}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	jws, err := sig.Sign(claims)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// clientKey is the private_key_jwt key's algorithm and key id.
type clientKey struct {
	alg  jose.SignatureAlgorithm
	id   string
	jwks []byte
}

func newClientKey(k crypto.Signer) (clientKey, error) {
	var alg jose.SignatureAlgorithm
	switch pub := k.Public().(type) {
	case *rsa.PublicKey:
		if pub.N.BitLen() < 2048 {
			return clientKey{}, fmt.Errorf("the client key is RSA with %d bits; use at least 2048", pub.N.BitLen())
		}
		alg = jose.RS256
	case *ecdsa.PublicKey:
		switch pub.Curve {
		case elliptic.P256():
			alg = jose.ES256
		case elliptic.P384():
			alg = jose.ES384
		default:
			return clientKey{}, errors.New("the client key is on an elliptic curve other than P-256 or P-384")
		}
	default:
		return clientKey{}, fmt.Errorf("the client key is a %T; use RSA or ECDSA (P-256)", pub)
	}
	pub := jose.JSONWebKey{Key: k.Public(), Algorithm: string(alg), Use: "sig"}
	thumb, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return clientKey{}, err
	}
	pub.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	set, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}})
	if err != nil {
		return clientKey{}, err
	}
	return clientKey{alg: alg, id: pub.KeyID, jwks: set}, nil
}

// userInfo asks the provider's UserInfo endpoint about the holder of the
// access token. A signed answer (application/jwt) is checked against the
// provider's keys.
func (s *Service) userInfo(ctx context.Context, d *discovered, accessToken string) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.userInfoURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json, application/jwt")
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		e := readOAuthError(resp.StatusCode, body)
		if e.Code == "" && resp.StatusCode == http.StatusUnauthorized {
			e.Code = "invalid_token" // said in WWW-Authenticate, not the body
		}
		return nil, e
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/jwt" {
		// go-oidc checks a signed UserInfo answer against the provider's keys.
		info, err := d.provider.UserInfo(s.providerContext(ctx), staticToken(accessToken))
		if err != nil {
			return nil, err
		}
		var claims map[string]any
		return claims, info.Claims(&claims)
	}
	var claims map[string]any
	if err := json.Unmarshal(body, &claims); err != nil {
		return nil, &oauthError{Status: resp.StatusCode, Code: "server_error", Description: "the UserInfo answer is not JSON"}
	}
	return claims, nil
}

func staticToken(t string) oauth2.TokenSource {
	return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: t, TokenType: "Bearer"})
}

// credentials are the provider's tokens a session keeps: the ID token for
// the sign-out at the provider (id_token_hint), the refresh and access
// tokens for the re-check. They are sealed (AES-GCM, with a key derived
// from the session key) before they go into the database.
type credentials struct {
	IDToken      string    `json:"id_token,omitempty"`
	AccessToken  string    `json:"access_token,omitempty"`
	AccessExp    time.Time `json:"access_exp,omitzero"`
	RefreshToken string    `json:"refresh_token,omitempty"`
}

func (s *Service) aead() (cipher.AEAD, error) {
	m := hmac.New(sha256.New, s.cfg.Key)
	m.Write([]byte("catalogus editor session credentials"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func (s *Service) sealCredentials(c credentials, sessionID string) ([]byte, error) {
	a, err := s.aead()
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	// The session's hash is the additional data: sealed tokens cannot be
	// moved to another session's row.
	return a.Seal(nonce, nonce, plain, []byte(secretHash(sessionID))), nil
}

func (s *Service) openCredentials(b []byte, sessionID string) (credentials, error) {
	var c credentials
	if len(b) == 0 {
		return c, nil
	}
	a, err := s.aead()
	if err != nil {
		return c, err
	}
	if len(b) < a.NonceSize() {
		return c, errors.New("sealed credentials too short")
	}
	plain, err := a.Open(nil, b[:a.NonceSize()], b[a.NonceSize():], []byte(secretHash(sessionID)))
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal(plain, &c)
}
