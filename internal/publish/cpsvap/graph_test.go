package cpsvap_test

// The RDF graph the tests read the export into: just enough to look up what
// the document says about a node. Conformance itself is checked by an
// independent SHACL engine in CI (.ci/shacl/validate.mjs).

import (
	"slices"
	"strings"
)

// Well-known IRIs.
const (
	RDF     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	RDFType = RDF + "type"
	XSD     = "http://www.w3.org/2001/XMLSchema#"
)

// Term is an IRI, a blank node (IRI starting "_:") or a literal.
type Term struct {
	IRI      string
	Literal  bool
	Value    string
	Lang     string
	Datatype string
}

// IRITerm returns an IRI (or blank node) term.
func IRITerm(iri string) Term { return Term{IRI: iri} }

// Text returns a literal term; lang and datatype may be empty.
func Text(value, lang, datatype string) Term {
	return Term{Literal: true, Value: value, Lang: lang, Datatype: datatype}
}

func (t Term) String() string {
	if !t.Literal {
		return "<" + t.IRI + ">"
	}
	s := `"` + t.Value + `"`
	if t.Lang != "" {
		return s + "@" + t.Lang
	}
	if t.Datatype != "" {
		return s + "^^<" + t.Datatype + ">"
	}
	return s
}

// Graph is a set of triples indexed by subject and predicate.
type Graph struct {
	subjects []string
	index    map[string]map[string][]Term
}

// NewGraph returns an empty graph.
func NewGraph() *Graph { return &Graph{index: map[string]map[string][]Term{}} }

// Add adds a triple; a duplicate is kept once.
func (g *Graph) Add(s, p string, o Term) {
	byP, ok := g.index[s]
	if !ok {
		byP = map[string][]Term{}
		g.index[s] = byP
		g.subjects = append(g.subjects, s)
	}
	if !slices.Contains(byP[p], o) {
		byP[p] = append(byP[p], o)
	}
}

// Objects returns the objects of s and p.
func (g *Graph) Objects(s, p string) []Term { return g.index[s][p] }

// Subjects returns the subjects in the order they first appeared.
func (g *Graph) Subjects() []string { return g.subjects }

// Has reports whether s has the rdf:type class.
func (g *Graph) Has(s, class string) bool {
	return slices.Contains(g.index[s][RDFType], IRITerm(class))
}

// Short writes an IRI with a well-known prefix, for messages.
func Short(iri string) string {
	for _, p := range [][2]string{
		{"http://purl.org/dc/terms/", "dct:"}, {"http://data.europa.eu/m8g/", "cv:"},
		{"http://purl.org/vocab/cpsv#", "cpsv:"}, {"http://www.w3.org/2004/02/skos/core#", "skos:"},
		{XSD, "xsd:"}, {RDF, "rdf:"}, {"http://www.w3.org/2006/time#", "time:"},
	} {
		if rest, ok := strings.CutPrefix(iri, p[0]); ok {
			return p[1] + rest
		}
	}
	return "<" + iri + ">"
}
