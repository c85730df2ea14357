package signin

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"
)

// Session is what the session cookie carries. The cookie is signed, not
// encrypted: it holds nothing secret from its owner, and the server keeps no
// session store, so any instance with the key can read it.
type Session struct {
	ID   string    `json:"id"`
	Name string    `json:"name"`
	Role string    `json:"role"`
	Org  string    `json:"org,omitempty"`
	CSRF string    `json:"csrf"`
	Exp  time.Time `json:"exp"`
	// Dev marks a development sign-in, so that it shows in logs and actor names.
	Dev bool `json:"dev,omitempty"`
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

// revoked remembers the sessions signed out before their expiry, until then.
// It lives in memory: after a restart with the same key, or on another
// instance, a stolen cookie of a signed-out session would pass again until it
// expires; keep the session lifetime short where that matters.
type revoked struct {
	mu  sync.Mutex
	ids map[string]time.Time
}

func (r *revoked) add(id string, exp, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids == nil {
		r.ids = map[string]time.Time{}
	}
	for k, e := range r.ids {
		if !now.Before(e) {
			delete(r.ids, k)
		}
	}
	r.ids[id] = exp
}

func (r *revoked) has(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.ids[id]
	return ok
}
