package shacl

import (
	"fmt"
	"slices"
	"strconv"
)

// NodeShape is a node shape: the class whose instances it checks and the
// constraints on their properties, one entry per path.
type NodeShape struct {
	ID          string
	TargetClass string
	Properties  []Property
}

// Property holds the constraints on one path. The SEMIC shapes split them
// over several property shapes per path (one for the count, one for the
// type); they are merged here.
type Property struct {
	Path string
	// MinCount and MaxCount are -1 when the shapes set none.
	MinCount, MaxCount int
	// Class is the class every value must have, Datatype the datatype every
	// value must be written in; empty when the shapes set none.
	Class, Datatype string
}

// Shapes are the node shapes of a shapes graph, in the order they appear.
type Shapes []NodeShape

// ReadShapes reads the shapes of a SHACL shapes graph in Turtle.
func ReadShapes(turtle string) (Shapes, error) {
	g, err := ParseTurtle(turtle)
	if err != nil {
		return nil, err
	}
	var out Shapes
	for _, s := range g.Subjects() {
		if !g.Has(s, SH+"NodeShape") {
			continue
		}
		ns := NodeShape{ID: s}
		targets := g.Objects(s, SH+"targetClass")
		if len(targets) != 1 {
			return nil, fmt.Errorf("node shape <%s> has %d target classes; this reader expects one", s, len(targets))
		}
		ns.TargetClass = targets[0].IRI
		byPath := map[string]*Property{}
		var order []string
		for _, ps := range g.Objects(s, SH+"property") {
			paths := g.Objects(ps.IRI, SH+"path")
			if len(paths) != 1 || paths[0].Literal {
				return nil, fmt.Errorf("property shape <%s> has no single predicate path", ps.IRI)
			}
			path := paths[0].IRI
			prop, ok := byPath[path]
			if !ok {
				prop = &Property{Path: path, MinCount: -1, MaxCount: -1}
				byPath[path] = prop
				order = append(order, path)
			}
			if err := merge(g, ps.IRI, prop); err != nil {
				return nil, err
			}
		}
		for _, path := range order {
			ns.Properties = append(ns.Properties, *byPath[path])
		}
		out = append(out, ns)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the shapes graph holds no sh:NodeShape")
	}
	return out, nil
}

func merge(g *Graph, ps string, prop *Property) error {
	count := func(p string) (int, error) {
		vs := g.Objects(ps, SH+p)
		if len(vs) == 0 {
			return -1, nil
		}
		n, err := strconv.Atoi(vs[0].Value)
		if err != nil || !vs[0].Literal {
			return 0, fmt.Errorf("property shape <%s>: sh:%s %s is not a number", ps, p, vs[0])
		}
		return n, nil
	}
	min, err := count("minCount")
	if err != nil {
		return err
	}
	max, err := count("maxCount")
	if err != nil {
		return err
	}
	// Several shapes on one path all apply: the strictest bound wins.
	prop.MinCount = maxOf(prop.MinCount, min)
	if max >= 0 && (prop.MaxCount < 0 || max < prop.MaxCount) {
		prop.MaxCount = max
	}
	for _, c := range []struct {
		pred string
		dst  *string
	}{{"class", &prop.Class}, {"datatype", &prop.Datatype}} {
		vs := g.Objects(ps, SH+c.pred)
		if len(vs) > 1 || (len(vs) == 1 && *c.dst != "" && *c.dst != vs[0].IRI) {
			return fmt.Errorf("path <%s> has more than one sh:%s; this reader expects one", prop.Path, c.pred)
		}
		if len(vs) == 1 {
			*c.dst = vs[0].IRI
		}
	}
	return nil
}

func maxOf(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// For returns the shape whose target class is class.
func (s Shapes) For(class string) (NodeShape, bool) {
	i := slices.IndexFunc(s, func(n NodeShape) bool { return n.TargetClass == class })
	if i < 0 {
		return NodeShape{}, false
	}
	return s[i], true
}

// Required returns the paths a node shape requires (sh:minCount ≥ 1).
func (n NodeShape) Required() []string {
	var out []string
	for _, p := range n.Properties {
		if p.MinCount >= 1 {
			out = append(out, p.Path)
		}
	}
	return out
}

// Violation is one broken constraint.
type Violation struct {
	Focus, Class, Path, Message string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s <%s>: %s %s", Short(v.Class), v.Focus, Short(v.Path), v.Message)
}

// Validate checks every instance of every shape's target class in data.
func (s Shapes) Validate(data *Graph) []Violation {
	var out []Violation
	for _, ns := range s {
		for _, focus := range data.Subjects() {
			if !data.Has(focus, ns.TargetClass) {
				continue
			}
			for _, p := range ns.Properties {
				bad := func(format string, args ...any) {
					out = append(out, Violation{Focus: focus, Class: ns.TargetClass, Path: p.Path, Message: fmt.Sprintf(format, args...)})
				}
				values := data.Objects(focus, p.Path)
				if p.MinCount >= 0 && len(values) < p.MinCount {
					bad("is required at least %d times, found %d (sh:minCount)", p.MinCount, len(values))
				}
				if p.MaxCount >= 0 && len(values) > p.MaxCount {
					bad("is allowed at most %d times, found %d (sh:maxCount)", p.MaxCount, len(values))
				}
				for _, v := range values {
					switch {
					case p.Datatype != "" && (!v.Literal || v.DatatypeOf() != p.Datatype):
						bad("value %s is not a %s (sh:datatype)", v, Short(p.Datatype))
					case p.Class != "" && (v.Literal || !data.Has(v.IRI, p.Class)):
						bad("value %s is not a %s (sh:class)", v, Short(p.Class))
					}
				}
			}
		}
	}
	return out
}
