package changelog

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"time"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/location"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// FieldChange is one changed field of an event.
type FieldChange = catalog.FieldChange

// bookkeeping fields change with every write; they are not changes in themselves.
var bookkeeping = map[string]bool{"created_at": true, "updated_at": true, "version": true}

// Changes compares a mutation's new values with the record's current ones and
// returns the fields that really change, in schema order. Bookkeeping fields
// (timestamps, version) are left out. For a create every set field is a
// change from null. Rule hooks use it to tell a real change from a no-op.
func Changes(ctx context.Context, m ent.Mutation) ([]FieldChange, error) {
	return changes(ctx, m, m)
}

// changes is Changes with the record's current values read from was.
func changes(ctx context.Context, m ent.Mutation, was oldFields) ([]FieldChange, error) {
	create := m.Op().Is(ent.OpCreate)
	var out []FieldChange
	add := func(name string, old, new any) error {
		oj, err := encode(old)
		if err != nil {
			return fmt.Errorf("changelog: encoding old %s: %w", name, err)
		}
		nj, err := encode(new)
		if err != nil {
			return fmt.Errorf("changelog: encoding new %s: %w", name, err)
		}
		if string(oj) != string(nj) {
			out = append(out, FieldChange{Field: name, Old: oj, New: nj})
		}
		return nil
	}
	old := func(name string) (any, error) {
		if create {
			return nil, nil
		}
		return was.OldField(ctx, name)
	}
	for _, name := range m.Fields() {
		if bookkeeping[name] {
			continue
		}
		nv, _ := m.Field(name)
		ov, err := old(name)
		if err != nil {
			return nil, err
		}
		if err := add(name, ov, nv); err != nil {
			return nil, err
		}
	}
	for _, name := range m.AddedFields() {
		if bookkeeping[name] {
			continue
		}
		delta, _ := m.AddedField(name)
		ov, err := old(name)
		if err != nil {
			return nil, err
		}
		nv, err := plus(ov, delta)
		if err != nil {
			return nil, fmt.Errorf("changelog: field %s: %w", name, err)
		}
		if err := add(name, ov, nv); err != nil {
			return nil, err
		}
	}
	for _, name := range m.ClearedFields() {
		if bookkeeping[name] || slices.Contains(m.Fields(), name) {
			continue
		}
		ov, err := old(name)
		if err != nil {
			return nil, err
		}
		if err := add(name, ov, nil); err != nil {
			return nil, err
		}
	}
	if am, ok := m.(*gen.AvailabilityMutation); ok {
		c, err := locationChange(ctx, am)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	if am, ok := m.(*gen.AnswerMutation); ok {
		c, err := answerProductsChange(ctx, am)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	return mask(m.Type(), out), nil
}

// locationChange reports the change of an availability's locations as the
// lists of location codes before and after.
func locationChange(ctx context.Context, m *gen.AvailabilityMutation) (*FieldChange, error) {
	c := m.Client()
	return edgeSetChange(ctx, m, "locations", m.LocationsIDs(), m.RemovedLocationsIDs(), m.LocationsCleared(),
		func(id int) ([]int, error) {
			return c.Availability.Query().Where(availability.ID(id)).QueryLocations().IDs(ctx)
		},
		func(ids []int) ([]string, error) { return locationCodes(ctx, c, ids) })
}

// edgeSetChange reports the change of a record's edge to many as the lists
// of names (codes, slugs) before and after, or nil when they are the same:
// current reads the edge's ids as stored, names turns ids into sorted names.
func edgeSetChange(ctx context.Context, m mutation, field string, added, removed []int, cleared bool,
	current func(id int) ([]int, error), names func(ids []int) ([]string, error)) (*FieldChange, error) {
	if len(added) == 0 && len(removed) == 0 && !cleared {
		return nil, nil
	}
	var before []int
	if id, ok := m.ID(); ok && !m.Op().Is(ent.OpCreate) {
		ids, err := current(id)
		if err != nil {
			return nil, err
		}
		before = ids
	}
	after := slices.Clone(before)
	if cleared {
		after = nil
	}
	after = slices.DeleteFunc(after, func(id int) bool { return slices.Contains(removed, id) })
	for _, id := range added {
		if !slices.Contains(after, id) {
			after = append(after, id)
		}
	}
	oldNames, err := names(before)
	if err != nil {
		return nil, err
	}
	newNames, err := names(after)
	if err != nil {
		return nil, err
	}
	if slices.Equal(oldNames, newNames) {
		return nil, nil
	}
	oj, _ := encode(oldNames)
	nj, _ := encode(newNames)
	return &FieldChange{Field: field, Old: oj, New: nj}, nil
}

func locationCodes(ctx context.Context, c *gen.Client, ids []int) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	codes, err := c.Location.Query().Where(location.IDIn(ids...)).Order(location.ByCode()).Select(location.FieldCode).Strings(ctx)
	if err != nil {
		return nil, fmt.Errorf("changelog: looking up locations: %w", err)
	}
	return codes, nil
}

// deletedFields lists every non-empty field of a record about to be deleted,
// going from its value to null.
func (w *write) deletedFields(old ent.Value, id int) ([]FieldChange, error) {
	raw, err := json.Marshal(old)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	var out []FieldChange
	for _, name := range w.spec.columns {
		v, ok := fields[name]
		if !ok || bookkeeping[name] {
			continue
		}
		out = append(out, FieldChange{Field: name, Old: v, New: json.RawMessage("null")})
	}
	if _, ok := old.(*gen.Availability); ok {
		ids, err := w.client.Availability.Query().Where(availability.ID(id)).QueryLocations().IDs(w.ctx)
		if err != nil {
			return nil, err
		}
		codes, err := locationCodes(w.ctx, w.client, ids)
		if err != nil {
			return nil, err
		}
		if len(codes) > 0 {
			oj, _ := encode(codes)
			out = append(out, FieldChange{Field: "locations", Old: oj, New: json.RawMessage("null")})
		}
	}
	return mask(w.m.Type(), out), nil
}

// onlyBookkeeping reports whether a mutation touches nothing but bookkeeping
// fields, and at least one of them.
func onlyBookkeeping(m ent.Mutation) bool {
	n := 0
	for _, f := range append(m.Fields(), m.AddedFields()...) {
		if !bookkeeping[f] {
			return false
		}
		n++
	}
	return n > 0 && len(m.ClearedFields()) == 0
}

// encode turns a field value into JSON in one canonical form, so that equal
// values encode equally: nil pointers, empty strings and empty lists are null,
// times are UTC.
func encode(v any) (json.RawMessage, error) {
	v = canonical(v)
	if v == nil {
		return json.RawMessage("null"), nil
	}
	return json.Marshal(v)
}

func canonical(v any) any {
	if v == nil {
		return nil
	}
	switch t := v.(type) {
	case string:
		if t == "" {
			return nil // an empty optional text and a cleared one mean the same
		}
		return t
	case time.Time:
		return t.UTC()
	case *time.Time:
		if t == nil {
			return nil
		}
		return t.UTC()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return canonical(rv.Elem().Interface())
	case reflect.Slice, reflect.Map:
		if rv.Len() == 0 {
			return nil
		}
	}
	return v
}

// plus adds a numeric delta (from an Add… setter) to the old value.
func plus(old, delta any) (any, error) {
	switch d := delta.(type) {
	case int:
		o, _ := canonical(old).(int)
		return o + d, nil
	case float64:
		o, _ := canonical(old).(float64)
		return o + d, nil
	}
	return nil, fmt.Errorf("cannot add %T", delta)
}
