package webhook_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/webhook"
)

// TestSignature: the documented recipe verifies a notification and fails
// for an altered body, another secret, or a timestamp out of the window.
func TestSignature(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"kanaal":"producten","actie":"update"}`)
	ts := now.Unix()
	sig := webhook.Sign(secret, ts, body)
	stamp := strconv.FormatInt(ts, 10)
	if err := webhook.Verify(secret, sig, stamp, body, now.Add(time.Minute)); err != nil {
		t.Fatalf("a good signature: %v", err)
	}
	for name, check := range map[string]error{
		"altered body":   webhook.Verify(secret, sig, stamp, []byte(`{"kanaal":"producten","actie":"destroy"}`), now),
		"other secret":   webhook.Verify("een-ander-geheim-nog-langer", sig, stamp, body, now),
		"other stamp":    webhook.Verify(secret, sig, strconv.FormatInt(ts+1, 10), body, now),
		"replayed later": webhook.Verify(secret, sig, stamp, body, now.Add(webhook.ReplayWindow+time.Second)),
	} {
		if check == nil {
			t.Errorf("%s: verified", name)
		}
	}
	// A fixed vector, so that the recipe in docs/notifications.md can be
	// checked against it by hand (HMAC-SHA256 of "1700000000.{}" under "geheim").
	// (printf '1700000000.{}' | openssl dgst -sha256 -hmac geheim)
	if got := webhook.Sign("geheim", 1700000000, []byte("{}")); got != "sha256=75e8aa01e776401a6bfda6664664c1271ca25506052e3b8c43308bdf92f3c8d5" {
		t.Errorf("signature %q", got)
	}
}

// TestAllowList: callback URLs are http(s) to an allowed host, never the
// service itself.
func TestAllowList(t *testing.T) {
	a, err := webhook.ParseAllowList("127.0.0.1, hooks.example.org, *.gemeente.nl", "127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	for u, ok := range map[string]bool{
		"https://hooks.example.org/catalogus": true,
		"http://127.0.0.1:9999/hook":          true,
		"https://www.gemeente.nl/hook":        true,
		"https://gemeente.nl.evil.org/hook":   false,
		"ftp://hooks.example.org/x":           false,
		"https://other.example.org/":          false,
		"http://127.0.0.1:8080/graphql":       false, // the service itself
		"https://user:pw@hooks.example.org/":  false,
		"hooks.example.org/hook":              false,
		"http://169.254.169.254/latest/meta":  false,
		"https://hooks.example.org/#fragment": false,
	} {
		if err := a.Check(u); (err == nil) != ok {
			t.Errorf("%s: allowed %v, want %v (%v)", u, err == nil, ok, err)
		}
	}
	if _, err := webhook.ParseAllowList("https://hooks.example.org/", ""); err == nil {
		t.Error("a URL in the allow-list was taken as a host")
	}
	empty, _ := webhook.ParseAllowList("", "")
	if empty.Check("https://hooks.example.org/") == nil {
		t.Error("an empty allow-list allowed a host")
	}
}
