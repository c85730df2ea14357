package cpsvap_test

import (
	"regexp"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestSeedExportIsCPSVAP exports the seed: one public service per published
// product, every node of a class the shapes check, every processing time an
// xsd:duration (the seed's history wrote weeks once, which XML Schema's
// duration does not have).
func TestSeedExportIsCPSVAP(t *testing.T) {
	classes := targetClasses(t)
	g, k, _ := exportRead(t, storetest.Seeded(t, "sqlite", fixture.Seed).Client)
	services, times := 0, 0
	for _, s := range g.Subjects() {
		for _, c := range g.Objects(s, RDFType) {
			if !classes[c.IRI] {
				t.Errorf("<%s> is a %s, which CPSV-AP has no shape for", s, c.IRI)
			}
			if c.IRI == cpsv+"PublicService" {
				services++
			}
		}
		for _, d := range g.Objects(s, cv+"processingTime") {
			times++
			if !xsdDuration.MatchString(d.Value) || d.Datatype != XSD+"duration" {
				t.Errorf("<%s> takes %s to process: not an xsd:duration", s, d)
			}
		}
	}
	if times < 100 {
		t.Errorf("only %d processing times in the export", times)
	}
	if services != len(k.Products) || services < 400 {
		t.Errorf("%d public services for %d published products", services, len(k.Products))
	}
}

// xsdDuration is XML Schema's lexical form of xsd:duration (no weeks).
var xsdDuration = regexp.MustCompile(`^-?P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)
