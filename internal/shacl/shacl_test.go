package shacl_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/shacl"
)

// CPSVAP is the CPSV-AP 3.2.0 shapes file (SEMIC's release, a copy of the
// shared reference data) that the CPSV-AP export is checked against.
const CPSVAP = "../publish/cpsvap/testdata/cpsv-ap-3.2.0-shacl.ttl"

func TestParseTurtle(t *testing.T) {
	g, err := shacl.ParseTurtle(`@prefix ex: <http://example.org/> .
# a comment
ex:a a ex:Thing ;
  ex:name "A \"quoted\" name"@nl, """two
lines"""@en ;
  ex:count 3 ;
  ex:ok true ;
  ex:when "P1D"^^<http://www.w3.org/2001/XMLSchema#duration> ;
  ex:next <http://example.org/b>.
ex:b ex:back ex:a.
`)
	if err != nil {
		t.Fatal(err)
	}
	a := "http://example.org/a"
	checks := []struct {
		pred string
		want []shacl.Term
	}{
		{shacl.RDFType, []shacl.Term{shacl.IRITerm("http://example.org/Thing")}},
		{"http://example.org/name", []shacl.Term{shacl.Text(`A "quoted" name`, "nl", ""), shacl.Text("two\nlines", "en", "")}},
		{"http://example.org/count", []shacl.Term{shacl.Text("3", "", shacl.XSD+"integer")}},
		{"http://example.org/ok", []shacl.Term{shacl.Text("true", "", shacl.XSD+"boolean")}},
		{"http://example.org/when", []shacl.Term{shacl.Text("P1D", "", shacl.XSD+"duration")}},
		{"http://example.org/next", []shacl.Term{shacl.IRITerm("http://example.org/b")}},
	}
	for _, c := range checks {
		if got := g.Objects(a, c.pred); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.pred, got, c.want)
		}
	}
	if got := g.Objects("http://example.org/b", "http://example.org/back"); len(got) != 1 || got[0].IRI != a {
		t.Errorf("a prefixed name before the final '.': %v", got)
	}
	for _, bad := range []string{`ex:a ex:b ex:c .`, `<http://x/a> <http://x/b> [ <http://x/c> 1 ] .`, `<http://x/a> <http://x/b> "open .`} {
		if _, err := shacl.ParseTurtle(bad); err == nil {
			t.Errorf("%q parsed without error", bad)
		}
	}
}

// TestCPSVAPShapes reads the CPSV-AP 3.2.0 shapes and finds what the
// specification says about a public service.
func TestCPSVAPShapes(t *testing.T) {
	src, err := os.ReadFile(CPSVAP)
	if err != nil {
		t.Fatal(err)
	}
	shapes, err := shacl.ReadShapes(string(src))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(src), "a shacl:NodeShape"); len(shapes) != n {
		t.Errorf("read %d node shapes, the file declares %d", len(shapes), n)
	}
	ps, ok := shapes.For("http://purl.org/vocab/cpsv#PublicService")
	if !ok {
		t.Fatal("no shape for cpsv:PublicService")
	}
	required := ps.Required()
	for _, want := range []string{"http://purl.org/dc/terms/identifier", "http://purl.org/dc/terms/title",
		"http://purl.org/dc/terms/description", "http://data.europa.eu/m8g/hasCompetentAuthority"} {
		if !slices.Contains(required, want) {
			t.Errorf("PublicService requires %v; %s missing", required, want)
		}
	}
	for _, p := range ps.Properties {
		if p.Path == "http://purl.org/dc/terms/title" && (p.Datatype != shacl.RDFLangString || p.MinCount != 1) {
			t.Errorf("dct:title: %+v, want a required langString", p)
		}
	}
}

func TestValidate(t *testing.T) {
	shapes, err := shacl.ReadShapes(`@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:Service ; sh:property ex:p1, ex:p2, ex:p3 .
ex:p1 sh:path ex:title ; sh:minCount 1 .
ex:p2 sh:path ex:title ; sh:datatype <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> ; sh:maxCount 1 .
ex:p3 sh:path ex:owner ; sh:class ex:Org .
`)
	if err != nil {
		t.Fatal(err)
	}
	ex := func(s string) string { return "http://example.org/" + s }
	data := shacl.NewGraph()
	data.Add(ex("good"), shacl.RDFType, shacl.IRITerm(ex("Service")))
	data.Add(ex("good"), ex("title"), shacl.Text("Goed", "nl", ""))
	data.Add(ex("good"), ex("owner"), shacl.IRITerm(ex("org")))
	data.Add(ex("org"), shacl.RDFType, shacl.IRITerm(ex("Org")))
	data.Add(ex("untitled"), shacl.RDFType, shacl.IRITerm(ex("Service")))
	data.Add(ex("plain"), shacl.RDFType, shacl.IRITerm(ex("Service")))
	data.Add(ex("plain"), ex("title"), shacl.Text("no language", "", ""))
	data.Add(ex("plain"), ex("owner"), shacl.IRITerm(ex("nobody")))
	var got []string
	for _, v := range shapes.Validate(data) {
		got = append(got, v.Focus+" "+v.Path)
	}
	want := []string{ex("untitled") + " " + ex("title"), ex("plain") + " " + ex("title"), ex("plain") + " " + ex("owner")}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("violations %v, want %v", got, want)
	}
}
