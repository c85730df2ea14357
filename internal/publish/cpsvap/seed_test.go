package cpsvap_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/cpsvap"
	"github.com/gemeente-rotterdam/catalogus/internal/shacl"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestSeedExportConformsToCPSVAP exports the seed and checks it against the
// CPSV-AP 3.2.0 shapes.
func TestSeedExportConformsToCPSVAP(t *testing.T) {
	shapes := shapes(t)
	db := storetest.Seeded(t, "sqlite", fixture.Seed)
	k, err := publish.Source{Client: db.Client}.Catalogue(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := cpsvap.Write(&buf, k); err != nil {
		t.Fatal(err)
	}
	g, err := expand(buf.Bytes())
	if err != nil {
		t.Fatalf("expanding the export: %v", err)
	}
	for _, v := range shapes.Validate(g) {
		t.Error(v)
	}
	services := 0
	for _, s := range g.Subjects() {
		for _, c := range g.Objects(s, shacl.RDFType) {
			if c.IRI == cpsv+"PublicService" {
				services++
			}
		}
	}
	if services != len(k.Products) || services < 400 {
		t.Errorf("%d public services for %d published products", services, len(k.Products))
	}
}
