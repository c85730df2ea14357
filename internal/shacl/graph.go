// Package shacl checks RDF data against SHACL shapes, as far as the
// catalogue's exports need: it reads shapes written in Turtle (the subset the
// SEMIC releases use: prefixes, IRIs, prefixed names, literals, `a`, `;` and
// `,`), takes from each node shape its target class and, per property path,
// sh:minCount, sh:maxCount, sh:class and sh:datatype, and reports every focus
// node that breaks one. It is not a general SHACL engine: no property paths
// beyond single predicates, no logical constraints, no class inference.
package shacl

import (
	"slices"
	"strings"
)

// Well-known IRIs.
const (
	RDF           = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	RDFType       = RDF + "type"
	RDFLangString = RDF + "langString"
	XSD           = "http://www.w3.org/2001/XMLSchema#"
	XSDString     = XSD + "string"
	SH            = "http://www.w3.org/ns/shacl#"
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

// DatatypeOf is the literal's datatype as RDF 1.1 defines it: langString
// with a language tag, xsd:string without a datatype.
func (t Term) DatatypeOf() string {
	switch {
	case t.Lang != "":
		return RDFLangString
	case t.Datatype == "":
		return XSDString
	}
	return t.Datatype
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

// Remove removes every triple of s and p.
func (g *Graph) Remove(s, p string) { delete(g.index[s], p) }

// Clone returns a copy of the graph.
func (g *Graph) Clone() *Graph {
	c := NewGraph()
	for _, s := range g.subjects {
		for p, os := range g.index[s] {
			for _, o := range os {
				c.Add(s, p, o)
			}
		}
	}
	return c
}

// Objects returns the objects of s and p.
func (g *Graph) Objects(s, p string) []Term { return g.index[s][p] }

// Subjects returns the subjects in the order they first appeared.
func (g *Graph) Subjects() []string { return g.subjects }

// Has reports whether s has the rdf:type class.
func (g *Graph) Has(s, class string) bool {
	return slices.Contains(g.index[s][RDFType], IRITerm(class))
}

// Len is the number of triples.
func (g *Graph) Len() int {
	n := 0
	for _, byP := range g.index {
		for _, os := range byP {
			n += len(os)
		}
	}
	return n
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
