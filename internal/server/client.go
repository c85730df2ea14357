package server

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// clientAddress finds who is calling: the connection's address, or, when
// that is a trusted proxy (a load balancer), the last address in
// X-Forwarded-For that is not a trusted proxy itself.
type clientAddress struct {
	trusted []*net.IPNet
}

func newClientAddress(cidrs []string) (clientAddress, error) {
	var c clientAddress
	for _, s := range cidrs {
		if !strings.Contains(s, "/") {
			if strings.Contains(s, ":") {
				s += "/128"
			} else {
				s += "/32"
			}
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return c, fmt.Errorf("trusted proxy %q is not an address or CIDR range: %w", s, err)
		}
		c.trusted = append(c.trusted, n)
	}
	return c, nil
}

func (c clientAddress) isTrusted(ip net.IP) bool {
	for _, n := range c.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

func (c clientAddress) of(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil || !c.isTrusted(ip) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := net.ParseIP(strings.TrimSpace(hops[i]))
		if hop == nil {
			break
		}
		if !c.isTrusted(hop) {
			return hop.String()
		}
	}
	return host
}

// throttle counts failed sign-ins per client and shuts a client out for the
// rest of the period once it has failed too often.
type throttle struct {
	mu       sync.Mutex
	limit    int
	period   time.Duration
	now      func() time.Time
	failures map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newThrottle(limit int, period time.Duration) *throttle {
	return &throttle{limit: limit, period: period, now: time.Now, failures: map[string]*window{}}
}

// blocked reports whether the client has used up its failures.
func (t *throttle) blocked(client string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.failures[client]
	return w != nil && t.now().Sub(w.start) < t.period && w.n >= t.limit
}

// fail counts a failure and reports whether it was the one that shut the
// client out.
func (t *throttle) fail(client string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.failures) > 10000 { // forget old windows, so that the map stays small
		for k, w := range t.failures {
			if now.Sub(w.start) >= t.period {
				delete(t.failures, k)
			}
		}
	}
	w := t.failures[client]
	if w == nil || now.Sub(w.start) >= t.period {
		w = &window{start: now}
		t.failures[client] = w
	}
	w.n++
	return w.n == t.limit
}
