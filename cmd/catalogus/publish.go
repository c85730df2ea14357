package main

import (
	"flag"
	"fmt"
	"net/url"

	"github.com/gemeente-rotterdam/catalogus/internal/publish"
)

// siteURLFlag adds --site-url, the base of the product pages that the
// published documents (schema.org, CPSV-AP, Samenwerkende Catalogi) link to,
// and returns a function that reads it, checked.
func siteURLFlag(fs *flag.FlagSet) func() (string, error) {
	s := fs.String("site-url", envOr("CATALOGUS_SITE_URL", publish.DefaultSiteURL),
		"base of the public product pages: a product's page is this followed by its slug (env CATALOGUS_SITE_URL)")
	return func() (string, error) {
		if u, err := url.Parse(*s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("--site-url %q is not a web address; write it in full, e.g. %s", *s, publish.DefaultSiteURL)
		}
		return *s, nil
	}
}
