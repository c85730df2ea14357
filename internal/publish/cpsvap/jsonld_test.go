package cpsvap_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// expand turns a JSON-LD document into RDF triples, as far as the forms this
// package writes go: an inline @context of prefixes and term definitions
// (@id, @type coercion to @id or a datatype, @container @language), nodes
// with @id and @type, nested nodes, language maps, value objects, strings,
// numbers and booleans, and a top-level @graph. Whatever else it meets — a
// term the context does not define above all, which JSON-LD would drop
// silently — is an error, so the check below sees every statement the
// document makes.
func expand(doc []byte) (*Graph, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, err
	}
	ctx, ok := top["@context"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("@context is not an inline object: %v", top["@context"])
	}
	e := &expander{terms: map[string]term{}, g: NewGraph()}
	for name, def := range ctx {
		switch d := def.(type) {
		case string:
			e.terms[name] = term{id: d}
		case map[string]any:
			t := term{}
			t.id, _ = d["@id"].(string)
			t.typ, _ = d["@type"].(string)
			t.container, _ = d["@container"].(string)
			e.terms[name] = t
		default:
			return nil, fmt.Errorf("term %q: definition %v", name, def)
		}
	}
	graph, ok := top["@graph"].([]any)
	if !ok {
		return nil, fmt.Errorf("no @graph")
	}
	for _, n := range graph {
		obj, ok := n.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("@graph holds %v", n)
		}
		if _, err := e.node(obj); err != nil {
			return nil, err
		}
	}
	return e.g, nil
}

type term struct{ id, typ, container string }

type expander struct {
	terms map[string]term
	g     *Graph
	blank int
}

// iri expands a term or compact IRI.
func (e *expander) iri(s string) string {
	if t, ok := e.terms[s]; ok && t.id != "" && t.id != s {
		return e.iri(t.id)
	}
	if prefix, local, ok := strings.Cut(s, ":"); ok && !strings.HasPrefix(local, "//") {
		if t, ok := e.terms[prefix]; ok {
			return t.id + local
		}
	}
	return s
}

func (e *expander) node(obj map[string]any) (string, error) {
	id, _ := obj["@id"].(string)
	if id == "" {
		e.blank++
		id = fmt.Sprintf("_:b%d", e.blank)
	} else {
		id = e.iri(id)
	}
	types := obj["@type"]
	if s, ok := types.(string); ok {
		types = []any{s}
	}
	list, _ := types.([]any)
	for _, t := range list {
		e.g.Add(id, RDFType, IRITerm(e.iri(t.(string))))
	}
	for key, val := range obj {
		if strings.HasPrefix(key, "@") {
			if key != "@id" && key != "@type" {
				return "", fmt.Errorf("%s: keyword %s", id, key)
			}
			continue
		}
		def, defined := e.terms[key]
		if !defined && !strings.Contains(key, ":") {
			return "", fmt.Errorf("%s: %q is not defined in the @context, so JSON-LD would drop it", id, key)
		}
		pred := e.iri(key)
		if !strings.Contains(pred, "://") {
			return "", fmt.Errorf("%s: %q does not expand to an IRI", id, key)
		}
		values, isList := val.([]any)
		if !isList {
			values = []any{val}
		}
		for _, v := range values {
			terms, err := e.value(def, v)
			if err != nil {
				return "", fmt.Errorf("%s %s: %w", id, key, err)
			}
			for _, t := range terms {
				e.g.Add(id, pred, t)
			}
		}
	}
	return id, nil
}

func (e *expander) value(def term, v any) ([]Term, error) {
	switch v := v.(type) {
	case map[string]any:
		if def.container == "@language" {
			var out []Term
			for lang, text := range v {
				s, ok := text.(string)
				if !ok {
					return nil, fmt.Errorf("language map value %v", text)
				}
				out = append(out, Text(s, lang, ""))
			}
			return out, nil
		}
		if val, ok := v["@value"]; ok {
			lang, _ := v["@language"].(string)
			typ, _ := v["@type"].(string)
			if typ != "" {
				typ = e.iri(typ)
			}
			return []Term{Text(fmt.Sprint(val), lang, typ)}, nil
		}
		child, err := e.node(v)
		return []Term{IRITerm(child)}, err
	case string:
		switch {
		case def.container == "@language":
			return nil, fmt.Errorf("a plain string %q where a language map belongs", v)
		case def.typ == "@id":
			return []Term{IRITerm(e.iri(v))}, nil
		case def.typ != "":
			return []Term{Text(v, "", e.iri(def.typ))}, nil
		}
		return []Term{Text(v, "", "")}, nil
	case json.Number:
		typ := XSD + "integer"
		if strings.ContainsAny(v.String(), ".eE") {
			typ = XSD + "double"
		}
		if def.typ != "" && def.typ != "@id" {
			typ = e.iri(def.typ)
		}
		return []Term{Text(v.String(), "", typ)}, nil
	case bool:
		return []Term{Text(fmt.Sprint(v), "", XSD+"boolean")}, nil
	}
	return nil, fmt.Errorf("value %v", v)
}
