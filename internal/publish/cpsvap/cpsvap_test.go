package cpsvap_test

import (
	"bytes"
	"context"
	"github.com/gemeente-rotterdam/catalogus/ent"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/cpsvap"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/publishtest"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const (
	cpsv = "http://purl.org/vocab/cpsv#"
	cv   = "http://data.europa.eu/m8g/"
)

// targetClasses reads the classes the CPSV-AP 3.2.0 shapes (SEMIC's file,
// copied from the shared reference data) have a node shape for. SHACL checks
// only the nodes a shape targets, so a node of another class, or without a
// type, would escape the validator in CI unnoticed.
func targetClasses(t *testing.T) map[string]bool {
	t.Helper()
	src, err := os.ReadFile("testdata/cpsv-ap-3.2.0-shacl.ttl")
	if err != nil {
		t.Fatal(err)
	}
	prefixes := map[string]string{}
	for _, m := range regexp.MustCompile(`@prefix\s+(\w*):\s*<([^>]*)>`).FindAllStringSubmatch(string(src), -1) {
		prefixes[m[1]] = m[2]
	}
	classes := map[string]bool{}
	for _, m := range regexp.MustCompile(`targetClass\s+(?:<([^>]*)>|(\w*):(\w+))`).FindAllStringSubmatch(string(src), -1) {
		if m[1] != "" {
			classes[m[1]] = true
		} else if ns, ok := prefixes[m[2]]; ok {
			classes[ns+m[3]] = true
		} else {
			t.Fatalf("the shapes use the undeclared prefix %s:", m[2])
		}
	}
	if !classes[cpsv+"PublicService"] || !classes[cv+"Channel"] || !classes["http://www.w3.org/2004/02/skos/core#Concept"] {
		t.Fatalf("the shapes were not read: target classes %v", classes)
	}
	return classes
}

// TestExportIsCPSVAP exports the fixture catalogue and reads it back: every
// node is of a class the CPSV-AP shapes check, and the document says what
// the catalogue holds. Whether it conforms to the shapes is checked in CI by
// an independent SHACL engine over the seed's export (.ci/shacl).
func TestExportIsCPSVAP(t *testing.T) {
	classes := targetClasses(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		publishtest.New(t, db.Client)
		g, _, doc := exportRead(t, db.Client)

		// Every node is of a class the shapes check, so nothing escapes.
		counts := map[string]int{}
		for _, s := range g.Subjects() {
			types := g.Objects(s, RDFType)
			if len(types) == 0 {
				t.Errorf("<%s> has no @type: no shape checks it", s)
			}
			for _, c := range types {
				if !classes[c.IRI] {
					t.Errorf("<%s> is a %s, which CPSV-AP has no shape for", s, c.IRI)
				}
				counts[c.IRI]++
			}
		}
		for class, want := range map[string]int{cpsv + "PublicService": 3, cv + "PublicOrganisation": 1, cv + "Channel": 4,
			cv + "Cost": 2, "http://www.w3.org/2006/time#TemporalEntity": 1} {
			if counts[class] != want {
				t.Errorf("%d nodes of %s, want %d", counts[class], Short(class), want)
			}
		}

		// The passport's price differs per channel: one cost per channel,
		// each naming its channel.
		pas := "https://www.rotterdam.nl/paspoort"
		var perChannel []string
		for _, c := range g.Objects(pas, cv+"hasCost") {
			for _, ch := range g.Objects(c.IRI, cv+"ifAccessedThrough") {
				perChannel = append(perChannel, ch.IRI)
			}
		}
		slices.Sort(perChannel)
		if want := []string{pas + "#kanaal-balie", pas + "#kanaal-website"}; !slices.Equal(perChannel, want) {
			t.Errorf("costs through %v, want %v", perChannel, want)
		}
		if names := g.Objects(pas, "http://purl.org/dc/terms/title"); len(names) != 2 {
			t.Errorf("the passport's names %v: want Dutch and English", names)
		}
		if got := g.Objects(pas+"#kanaal-website", cv+"processingTime"); len(got) != 1 || got[0].Value != "P5D" {
			t.Errorf("processing time on the website: %v", got)
		}
		if strings.Contains(string(doc), "rotterdam.nl/concept") {
			t.Error("the draft product is in the export")
		}
		if strings.Contains(string(doc), "kanaal:chat") {
			t.Error("the inactive chat channel is in the export")
		}
	})
}

// exportRead exports the published catalogue and expands it; it returns the
// graph, the catalogue and the document.
func exportRead(t *testing.T, c *ent.Client) (*Graph, *publish.Catalogue, []byte) {
	t.Helper()
	k, err := publish.Source{Client: c}.Catalogue(context.Background(), "")
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
	return g, k, buf.Bytes()
}
