package webhook

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// AllowList is the hosts callbacks may point at (serve --webhook-allow-hosts,
// CATALOGUS_WEBHOOK_ALLOW_HOSTS): exact host names or IP addresses, or
// "*.example.org" for every name below example.org. Empty, no callback is
// allowed: a catalogue does not POST to whatever an admin types, such as
// the cloud's metadata address or a database port on the inside.
type AllowList struct {
	hosts    map[string]bool
	suffixes []string
	// self are the addresses the service itself listens on: never a callback.
	self []string
}

// ParseAllowList reads a comma-separated list of hosts; self is the
// service's listen address (host:port), which no callback may name.
func ParseAllowList(list, self string) (*AllowList, error) {
	a := &AllowList{hosts: map[string]bool{}}
	for _, h := range strings.Split(list, ",") {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case h == "":
		case strings.HasPrefix(h, "*."):
			if len(h) < 3 || strings.ContainsAny(h[2:], "*/:") {
				return nil, fmt.Errorf("webhook allow-list: %q is not a host or *.domain", h)
			}
			a.suffixes = append(a.suffixes, h[1:])
		case strings.ContainsAny(h, "*/ ") || strings.Contains(h, "://"):
			return nil, fmt.Errorf("webhook allow-list: %q is not a host (give host names or IP addresses, without scheme or path)", h)
		default:
			a.hosts[strings.Trim(h, "[]")] = true
		}
	}
	if self != "" {
		a.self = append(a.self, strings.ToLower(self))
	}
	return a, nil
}

// Hosts is the list as configured, for messages.
func (a *AllowList) Hosts() []string {
	var out []string
	for h := range a.hosts {
		out = append(out, h)
	}
	for _, s := range a.suffixes {
		out = append(out, "*"+s)
	}
	return out
}

// Check returns why raw may not be a callback URL, or nil: http(s) only,
// no user name or password in it, its host on the list, and not the
// service itself.
func (a *AllowList) Check(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("the URL's scheme is %q; only http and https are allowed", u.Scheme)
	}
	if u.User != nil {
		return fmt.Errorf("the URL holds a user name or password; the signature authenticates the catalogue instead")
	}
	if u.Fragment != "" {
		return fmt.Errorf("the URL has a fragment (#…), which is never sent")
	}
	host := strings.ToLower(u.Hostname())
	if a == nil || !a.allows(host) {
		return fmt.Errorf("the host %s is not on the allow-list (serve --webhook-allow-hosts)", host)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	for _, s := range a.self {
		sh, sp, err := net.SplitHostPort(s)
		if err != nil || sp != port {
			continue
		}
		if sh == host || sh == "" || isAny(sh) || (isLoopback(sh) && isLoopback(host)) {
			return fmt.Errorf("the URL points at this service itself (%s)", s)
		}
	}
	return nil
}

func (a *AllowList) allows(host string) bool {
	if a.hosts[host] {
		return true
	}
	for _, s := range a.suffixes {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

func isAny(h string) bool {
	ip := net.ParseIP(h)
	return ip != nil && ip.IsUnspecified()
}

func isLoopback(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
