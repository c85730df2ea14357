package graph

import (
	"context"
	"errors"

	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/schemaorg"
)

// jsonLd returns the product's schema.org document, or null when the public
// cannot see the product: the document is the same whoever asks.
func (r *Resolver) jsonLd(ctx context.Context, id int) (*string, error) {
	k, err := publish.Source{Client: r.Client, SiteURL: r.SiteURL}.ProductByID(ctx, id)
	if errors.Is(err, publish.ErrNotPublished) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b, err := schemaorg.Document(k, k.Products[0])
	if err != nil {
		return nil, err
	}
	s := string(b)
	return &s, nil
}
