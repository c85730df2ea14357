package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/cpsvap"
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

// published holds the flags of an export of the published catalogue.
type published struct {
	siteURL      func() (string, error)
	municipality *string
}

func publishedFlags(fs *flag.FlagSet) published {
	return published{
		siteURL: siteURLFlag(fs),
		municipality: fs.String("municipality", envOr("CATALOGUS_MUNICIPALITY", ""),
			"csv and cpsv-ap: the municipality's code; default: the only one (env CATALOGUS_MUNICIPALITY)"),
	}
}

// cpsvap returns the CPSV-AP export: the published products only, read as
// the public would.
func (p published) cpsvap() (func(context.Context, *ent.Client, io.Writer) error, error) {
	site, err := p.siteURL()
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, c *ent.Client, w io.Writer) error {
		k, err := publish.Source{Client: c, SiteURL: site}.Catalogue(ctx, *p.municipality)
		if err != nil {
			return err
		}
		return cpsvap.Write(w, k)
	}, nil
}
