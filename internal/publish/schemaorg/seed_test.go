package schemaorg_test

import (
	"context"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestSeedDocumentsUseSchemaOrgOnly checks the document of every published
// product of the seed against the vocabulary (the fixture test covers every
// part of the document; this one the real catalogue's data).
func TestSeedDocumentsUseSchemaOrgOnly(t *testing.T) {
	v := readVocabulary(t)
	db := storetest.Seeded(t, "sqlite", fixture.Seed)
	cat, err := publish.Source{Client: db.Client}.Catalogue(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Products) < 400 {
		t.Fatalf("the seed publishes %d products", len(cat.Products))
	}
	channels := 0
	for _, p := range cat.Products {
		doc := document(t, cat, p)
		for _, problem := range v.check(p.Slug, doc) {
			t.Error(problem)
		}
		channels += len(channelNames(doc))
	}
	if channels < len(cat.Products) {
		t.Errorf("%d channel entries over %d products: the seed's AVAILABLE channels are missing", channels, len(cat.Products))
	}
}
