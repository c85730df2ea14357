package clientaddr_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/clientaddr"
)

func TestOf(t *testing.T) {
	lb, err := clientaddr.New([]string{"10.0.0.0/8", "192.0.2.1", "2001:db8::1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		resolver  clientaddr.Resolver
		remote    string
		forwarded string
		want      string
	}{
		{"no proxy trusted", clientaddr.Resolver{}, "10.1.2.3:5000", "203.0.113.7", "10.1.2.3"},
		{"through a trusted proxy", lb, "10.1.2.3:5000", "203.0.113.7", "203.0.113.7"},
		{"through a trusted single address", lb, "192.0.2.1:5000", "203.0.113.7", "203.0.113.7"},
		{"through a trusted IPv6 proxy", lb, "[2001:db8::1]:5000", "2001:db8::42", "2001:db8::42"},
		{"a peer that is not trusted", lb, "198.51.100.9:5000", "203.0.113.7", "198.51.100.9"},
		{"a forged hop before the real one", lb, "10.1.2.3:5000", "1.2.3.4, 203.0.113.7", "203.0.113.7"},
		{"two trusted proxies in a row", lb, "10.1.2.3:5000", "203.0.113.7, 10.9.9.9", "203.0.113.7"},
		{"only trusted hops", lb, "10.1.2.3:5000", "10.9.9.9", "10.1.2.3"},
		{"no header", lb, "10.1.2.3:5000", "", "10.1.2.3"},
		{"a hop that is no address", lb, "10.1.2.3:5000", "203.0.113.7, unknown", "10.1.2.3"},
		{"no port", lb, "198.51.100.9", "203.0.113.7", "198.51.100.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			if tc.forwarded != "" {
				r.Header.Set("X-Forwarded-For", tc.forwarded)
			}
			if got := tc.resolver.Of(r); got != tc.want {
				t.Errorf("Of = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNewRefusesWhatIsNoAddress(t *testing.T) {
	for _, s := range []string{"lb.rotterdam.nl", "10.0.0.0/33", ""} {
		if _, err := clientaddr.New([]string{s}); err == nil || !strings.Contains(err.Error(), "trusted proxy") {
			t.Errorf("New(%q): %v, want an error about the trusted proxy", s, err)
		}
	}
}
