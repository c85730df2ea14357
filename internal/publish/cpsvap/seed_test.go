package cpsvap_test

import (
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/shacl"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestSeedExportConformsToCPSVAP exports the seed and checks it against the
// CPSV-AP 3.2.0 shapes.
func TestSeedExportConformsToCPSVAP(t *testing.T) {
	g, k, _ := exportChecked(t, shapes(t), storetest.Seeded(t, "sqlite", fixture.Seed).Client)
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
