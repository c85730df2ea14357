package cpsvap_test

import (
	"bytes"
	"context"
	"github.com/gemeente-rotterdam/catalogus/ent"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/cpsvap"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/publishtest"
	"github.com/gemeente-rotterdam/catalogus/internal/shacl"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const (
	cpsv = "http://purl.org/vocab/cpsv#"
	cv   = "http://data.europa.eu/m8g/"
)

// shapes reads the CPSV-AP 3.2.0 shapes (SEMIC's file, copied from the
// shared reference data).
func shapes(t *testing.T) shacl.Shapes {
	t.Helper()
	src, err := os.ReadFile("testdata/cpsv-ap-3.2.0-shacl.ttl")
	if err != nil {
		t.Fatal(err)
	}
	s, err := shacl.ReadShapes(string(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestExportConformsToCPSVAP exports the fixture catalogue and checks it
// against the shapes: every node of a class the shapes know has the
// properties they require, in the datatypes and classes they name.
func TestExportConformsToCPSVAP(t *testing.T) {
	shapes := shapes(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		publishtest.New(t, db.Client)
		g, _, doc := exportChecked(t, shapes, db.Client)

		// Every node is of a class the shapes check, so nothing escapes.
		counts := map[string]int{}
		for _, s := range g.Subjects() {
			types := g.Objects(s, shacl.RDFType)
			if len(types) == 0 {
				t.Errorf("<%s> has no @type: no shape checks it", s)
			}
			for _, c := range types {
				if _, ok := shapes.For(c.IRI); !ok {
					t.Errorf("<%s> is a %s, which CPSV-AP has no shape for", s, c.IRI)
				}
				counts[c.IRI]++
			}
		}
		for class, want := range map[string]int{cpsv + "PublicService": 3, cv + "PublicOrganisation": 1, cv + "Channel": 4,
			cv + "Cost": 2, "http://www.w3.org/2006/time#TemporalEntity": 1} {
			if counts[class] != want {
				t.Errorf("%d nodes of %s, want %d", counts[class], shacl.Short(class), want)
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

// TestMissingRequiredPropertiesFail takes the export apart: for every node
// the shapes check and every property they require of it (as the file says,
// sh:minCount ≥ 1), a copy without that property must fail the check.
func TestMissingRequiredPropertiesFail(t *testing.T) {
	shapes := shapes(t)
	db := storetest.Open(t, "sqlite")
	publishtest.New(t, db.Client)
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
		t.Fatal(err)
	}
	tried := 0
	for _, ns := range shapes {
		for _, focus := range g.Subjects() {
			if !g.Has(focus, ns.TargetClass) {
				continue
			}
			for _, path := range ns.Required() {
				broken := g.Clone()
				broken.Remove(focus, path)
				if !slices.ContainsFunc(shapes.Validate(broken), func(v shacl.Violation) bool { return v.Focus == focus && v.Path == path }) {
					t.Errorf("%s <%s> without %s passes the check", shacl.Short(ns.TargetClass), focus, shacl.Short(path))
				}
				tried++
			}
			break // one node per class is enough
		}
	}
	// PublicService alone requires four properties in 3.2.0.
	if tried < 4 {
		t.Errorf("only %d required properties tried: the shapes were not read", tried)
	}

	// A wrong datatype fails too: a name without its language tag.
	broken := g.Clone()
	pas := "https://www.rotterdam.nl/paspoort"
	broken.Remove(pas, "http://purl.org/dc/terms/title")
	broken.Add(pas, "http://purl.org/dc/terms/title", shacl.Text("Paspoort", "", ""))
	if len(shapes.Validate(broken)) == 0 {
		t.Error("a title without language tag passes the check")
	}
}

// exportChecked exports the published catalogue, expands it and reports
// every violation of the shapes; it returns the graph, the catalogue and the
// document.
func exportChecked(t *testing.T, shapes shacl.Shapes, c *ent.Client) (*shacl.Graph, *publish.Catalogue, []byte) {
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
	for _, v := range shapes.Validate(g) {
		t.Error(v)
	}
	return g, k, buf.Bytes()
}
