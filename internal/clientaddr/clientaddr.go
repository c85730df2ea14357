// Package clientaddr tells who is calling: the address that the security
// log records and that failed sign-ins are counted by. The API's token
// check and the editor's sign-in both ask it, so that behind the
// municipality's load balancer both name the caller, not the balancer.
package clientaddr

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// Resolver finds a request's client: the connection's address, or, when
// that is a trusted proxy (a load balancer), the last address in
// X-Forwarded-For that is not a trusted proxy itself. Anyone can send
// X-Forwarded-For, so only the hops the trusted proxies appended count.
//
// The zero Resolver trusts no proxy and always answers the connection's
// address.
type Resolver struct {
	trusted []*net.IPNet
}

// New returns a Resolver that trusts the proxies at the given addresses or
// CIDR ranges.
func New(proxies []string) (Resolver, error) {
	var c Resolver
	for _, s := range proxies {
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

func (c Resolver) isTrusted(ip net.IP) bool {
	for _, n := range c.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// Of returns the address of r's client.
func (c Resolver) Of(r *http.Request) string {
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
			// What lies before a hop that is not an address was not
			// appended by a proxy we trust; better the proxy than a guess.
			break
		}
		if !c.isTrusted(hop) {
			return hop.String()
		}
	}
	return host
}
