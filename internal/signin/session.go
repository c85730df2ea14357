package signin

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
)

// Session is a signed-in person as the request sees it: who, with which
// role and organization, until when, and the CSRF token their pages send.
// The database row (ent.EditorSession) is the truth; the cookie only names
// it, signed so that ids cannot be guessed or made up.
type Session struct {
	ID   string
	Name string
	Role string
	Org  string
	CSRF string
	Exp  time.Time
	// Dev marks a development sign-in, so that it shows in logs and actor names.
	Dev bool
	row *ent.EditorSession
}

// sessionRef is what the session cookie carries: the session's secret id and
// the CSRF token the pages must echo. The cookie is signed, not encrypted:
// it holds nothing secret from its owner.
type sessionRef struct {
	ID   string    `json:"id"`
	CSRF string    `json:"csrf"`
	Exp  time.Time `json:"exp"`
}

// loginState is the short-lived cookie between sending someone to the
// identity provider and their return: it ties the answer to the browser that
// asked (state), the ID token to this attempt (nonce), and the code to its
// verifier (PKCE).
type loginState struct {
	State    string    `json:"state"`
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"`
	Next     string    `json:"next"`
	Exp      time.Time `json:"exp"`
}

var errBadCookie = errors.New("the cookie is damaged, forged or expired")

// signer signs and checks cookie values. The purpose goes into the MAC, so
// that a login-state cookie can never pass for a session.
type signer struct{ key []byte }

func (s signer) mac(purpose, payload string) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(payload))
	return h.Sum(nil)
}

func (s signer) seal(purpose string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.mac(purpose, payload)), nil
}

// open checks the signature and expiry and decodes the value into v.
func (s signer) open(purpose, value string, now time.Time, v any, exp func() time.Time) error {
	payload, sig, ok := strings.Cut(value, ".")
	if !ok || len(value) > 4096 {
		return errBadCookie
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(purpose, payload)) {
		return errBadCookie
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return errBadCookie
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errBadCookie
	}
	if !now.Before(exp()) {
		return errBadCookie
	}
	return nil
}

// random returns n random bytes, URL-safe.
func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
