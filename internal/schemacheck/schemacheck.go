// Package schemacheck finds the changes between two versions of a GraphQL
// schema that break existing clients: what was removed, narrowed or newly
// required. The API's tests hold the served schema to the released one.
package schemacheck

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Breaking lists the changes from old to new that break clients.
func Breaking(oldSDL, newSDL string) ([]string, error) {
	oldDoc, err := parser.ParseSchema(&ast.Source{Name: "old", Input: oldSDL})
	if err != nil {
		return nil, fmt.Errorf("old schema: %w", err)
	}
	newDoc, err := parser.ParseSchema(&ast.Source{Name: "new", Input: newSDL})
	if err != nil {
		return nil, fmt.Errorf("new schema: %w", err)
	}
	defs := func(d *ast.SchemaDocument) map[string]*ast.Definition {
		m := map[string]*ast.Definition{}
		for _, def := range append(d.Definitions, d.Extensions...) {
			if prev, ok := m[def.Name]; ok {
				merged := *prev
				merged.Fields = append(slices.Clone(prev.Fields), def.Fields...)
				merged.EnumValues = append(slices.Clone(prev.EnumValues), def.EnumValues...)
				m[def.Name] = &merged
				continue
			}
			m[def.Name] = def
		}
		return m
	}
	olds, news := defs(oldDoc), defs(newDoc)
	var out []string
	for name, o := range olds {
		n, ok := news[name]
		if !ok {
			out = append(out, fmt.Sprintf("type %s was removed", name))
			continue
		}
		if o.Kind != n.Kind {
			out = append(out, fmt.Sprintf("%s changed from %s to %s", name, strings.ToLower(string(o.Kind)), strings.ToLower(string(n.Kind))))
			continue
		}
		switch o.Kind {
		case ast.Enum:
			for _, v := range o.EnumValues {
				if n.EnumValues.ForName(v.Name) == nil {
					out = append(out, fmt.Sprintf("enum value %s.%s was removed", name, v.Name))
				}
			}
		case ast.Object, ast.Interface:
			for _, f := range o.Fields {
				nf := n.Fields.ForName(f.Name)
				if nf == nil {
					out = append(out, fmt.Sprintf("field %s.%s was removed", name, f.Name))
					continue
				}
				if !outputCompatible(f.Type, nf.Type) {
					out = append(out, fmt.Sprintf("field %s.%s changed type from %s to %s", name, f.Name, f.Type, nf.Type))
				}
				for _, a := range f.Arguments {
					na := nf.Arguments.ForName(a.Name)
					if na == nil {
						out = append(out, fmt.Sprintf("argument %s.%s(%s) was removed", name, f.Name, a.Name))
					} else if !inputCompatible(a.Type, na.Type) {
						out = append(out, fmt.Sprintf("argument %s.%s(%s) changed type from %s to %s", name, f.Name, a.Name, a.Type, na.Type))
					}
				}
				for _, na := range nf.Arguments {
					if f.Arguments.ForName(na.Name) == nil && na.Type.NonNull && na.DefaultValue == nil {
						out = append(out, fmt.Sprintf("argument %s.%s(%s) is new and required", name, f.Name, na.Name))
					}
				}
			}
			for _, i := range o.Interfaces {
				if !slices.Contains(n.Interfaces, i) {
					out = append(out, fmt.Sprintf("%s no longer implements %s", name, i))
				}
			}
		case ast.InputObject:
			for _, f := range o.Fields {
				nf := n.Fields.ForName(f.Name)
				if nf == nil {
					out = append(out, fmt.Sprintf("input field %s.%s was removed", name, f.Name))
				} else if !inputCompatible(f.Type, nf.Type) {
					out = append(out, fmt.Sprintf("input field %s.%s changed type from %s to %s", name, f.Name, f.Type, nf.Type))
				}
			}
			for _, nf := range n.Fields {
				if o.Fields.ForName(nf.Name) == nil && nf.Type.NonNull && nf.DefaultValue == nil {
					out = append(out, fmt.Sprintf("input field %s.%s is new and required", name, nf.Name))
				}
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// outputCompatible: a client reading the old type can read the new one. An
// output may become non-null, nothing else.
func outputCompatible(o, n *ast.Type) bool {
	if o == nil || n == nil {
		return o == n
	}
	if o.NonNull && !n.NonNull {
		return false
	}
	if o.NamedType != n.NamedType || (o.Elem == nil) != (n.Elem == nil) {
		return false
	}
	return o.Elem == nil || outputCompatible(o.Elem, n.Elem)
}

// inputCompatible: what a client sent before is still accepted. An input may
// become optional, nothing else.
func inputCompatible(o, n *ast.Type) bool {
	if o == nil || n == nil {
		return o == n
	}
	if !o.NonNull && n.NonNull {
		return false
	}
	if o.NamedType != n.NamedType || (o.Elem == nil) != (n.Elem == nil) {
		return false
	}
	return o.Elem == nil || inputCompatible(o.Elem, n.Elem)
}
