package auth

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
)

// The privacy policies narrow every query to what the viewer may see, but a
// where filter's edges (hasAvailabilitiesWith, hasChannelWith, …) become SQL
// subqueries that no policy sees: products(where: {hasAvailabilitiesWith:
// {hasChannelWith: {active: false}}}) found products by an inactive channel,
// and instructionsHasPrefix read its hidden text letter by letter.
// NarrowWhere closes that for every edge at once: each edge to a type the
// policies narrow gets the policy's own filter (product.go, availability.go, channel.go, answer.go), so
// that an edge only reaches what the viewer could read.

// whereFilter returns a fresh where input of one type that holds the
// policy's filter of that type for the viewer, or nil when the viewer sees
// every record of it.
type whereFilter func(v *Viewer) any

// whereFilters holds the filter of every type a where input can reach that a
// query policy narrows; publicWhere the types no query policy narrows. A type
// in neither is refused (see NarrowWhere), and a test walks every where input
// the API takes, so a new edge cannot go unnoticed.
var (
	whereFilters = map[reflect.Type]whereFilter{
		reflect.TypeFor[*gen.ProductWhereInput](): func(v *Viewer) any {
			if p := productFilter(v); p != nil {
				w := &gen.ProductWhereInput{}
				w.AddPredicates(p)
				return w
			}
			return nil
		},
		reflect.TypeFor[*gen.AvailabilityWhereInput](): func(v *Viewer) any {
			if ps := availabilityFilter(v); ps != nil {
				w := &gen.AvailabilityWhereInput{}
				w.AddPredicates(ps...)
				return w
			}
			return nil
		},
		reflect.TypeFor[*gen.ChannelWhereInput](): func(v *Viewer) any {
			if p := channelFilter(v); p != nil {
				w := &gen.ChannelWhereInput{}
				w.AddPredicates(p)
				return w
			}
			return nil
		},
		reflect.TypeFor[*gen.AnswerWhereInput](): func(v *Viewer) any {
			if p := answerFilter(v); p != nil {
				w := &gen.AnswerWhereInput{}
				w.AddPredicates(p)
				return w
			}
			return nil
		},
	}
	publicWhere = map[reflect.Type]bool{
		reflect.TypeFor[*gen.OrganizationWhereInput](): true,
		reflect.TypeFor[*gen.LocationWhereInput]():     true,
		reflect.TypeFor[*gen.UPLEntryWhereInput]():     true,
		reflect.TypeFor[*gen.TargetWhereInput]():       true,
	}
)

// VisibleChannelIDs lists the channels the viewer of ctx may see, as the
// channel policy decides: for the readers of the change log, which read past
// the policies and must leave out what concerns the other channels.
func VisibleChannelIDs(ctx context.Context, c *gen.Client) ([]int, error) {
	return c.Channel.Query().IDs(ctx)
}

// NarrowWhere rewrites a generated where input (a *gen.XWhereInput, nil
// allowed) in place so that every edge it follows matches only what the
// viewer of ctx may see: hasXWith gets the policy's filter of X beside the
// caller's conditions, hasX: true becomes "has a visible X", hasX: false
// "has no visible X". The records the input selects are narrowed by the
// query's own policy as before. Call it after checking the input's size: the
// filters it adds are the catalogue's, not the caller's.
func NarrowWhere(ctx context.Context, where any) error {
	return narrowWhere(reflect.ValueOf(where), FromContext(ctx))
}

// KnowsWhere reports whether NarrowWhere knows the where input type t
// (*gen.XWhereInput): as narrowed by a policy, or as public.
func KnowsWhere(t reflect.Type) bool {
	return whereFilters[t] != nil || publicWhere[t]
}

// visibleWhere returns the filter input of type t for v, an invalid value
// when v sees every record of t.
func visibleWhere(t reflect.Type, v *Viewer) (reflect.Value, error) {
	if publicWhere[t] {
		return reflect.Value{}, nil
	}
	f := whereFilters[t]
	if f == nil {
		return reflect.Value{}, fmt.Errorf("auth: %s has no visibility rule: add it to whereFilters or publicWhere", t)
	}
	w := f(v)
	if w == nil {
		return reflect.Value{}, nil
	}
	return reflect.ValueOf(w), nil
}

func narrowWhere(w reflect.Value, v *Viewer) error {
	if !w.IsValid() || w.Kind() != reflect.Pointer || w.IsNil() {
		return nil
	}
	s := w.Elem()
	if s.Kind() != reflect.Struct {
		return fmt.Errorf("auth: %s is not a where input", w.Type())
	}
	// The input's own combinations, of its own type.
	if err := narrowWhere(s.FieldByName("Not"), v); err != nil {
		return err
	}
	for _, name := range []string{"And", "Or"} {
		if list := s.FieldByName(name); list.IsValid() {
			for i := range list.Len() {
				if err := narrowWhere(list.Index(i), v); err != nil {
					return err
				}
			}
		}
	}
	for i := range s.NumField() {
		name := s.Type().Field(i).Name
		edge, ok := strings.CutSuffix(name, "With")
		if !ok || !strings.HasPrefix(edge, "Has") {
			continue
		}
		with, has := s.Field(i), s.FieldByName(edge)
		for j := range with.Len() {
			if err := narrowWhere(with.Index(j), v); err != nil {
				return err
			}
		}
		visible, err := visibleWhere(with.Type().Elem(), v)
		if err != nil {
			return err
		}
		if !visible.IsValid() {
			continue // the viewer sees every record the edge reaches
		}
		if with.Len() > 0 {
			with.Set(reflect.Append(with, visible))
		}
		if !has.IsValid() || has.IsNil() {
			continue
		}
		exists := has.Elem().Bool()
		has.SetZero()
		switch {
		case exists && with.Len() == 0:
			with.Set(reflect.Append(with, visible))
		case !exists:
			// Not (has a visible one), added to the input's conjunction.
			some := reflect.New(s.Type())
			some.Elem().FieldByName(name).Set(reflect.Append(reflect.MakeSlice(with.Type(), 0, 1), visible))
			none := reflect.New(s.Type())
			none.Elem().FieldByName("Not").Set(some)
			and := s.FieldByName("And")
			and.Set(reflect.Append(and, none))
		}
	}
	return nil
}
