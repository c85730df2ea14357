package search

import (
	"reflect"
	"testing"

	"entgo.io/contrib/entgql"
)

func TestKeep(t *testing.T) {
	for _, c := range []struct {
		ranked, visible, want []int
	}{
		{[]int{5, 3, 9, 1}, []int{1, 3, 5, 9}, []int{5, 3, 9, 1}}, // the rank's order, not the visible list's
		{[]int{5, 3, 9, 1}, []int{9, 3}, []int{3, 9}},
		{[]int{5, 3}, []int{7, 8}, nil},
		{nil, []int{1}, nil},
		{[]int{4, 2}, nil, nil},
	} {
		if got := Keep(c.ranked, c.visible); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Keep(%v, %v) = %v, want %v", c.ranked, c.visible, got, c.want)
		}
	}
}

func TestPageWindow(t *testing.T) {
	at := func(id int) *entgql.Cursor[int] { return &entgql.Cursor[int]{ID: id} }
	for _, c := range []struct {
		name             string
		total            int
		after            *entgql.Cursor[int]
		first            int
		start, end       int
		empty, prev, nxt bool
	}{
		{"first page", 10, nil, 4, 0, 4, false, false, true},
		{"middle", 10, at(3), 4, 4, 8, false, true, true},
		{"last, short", 10, at(7), 4, 8, 10, false, true, false},
		{"exactly to the end", 8, at(3), 4, 4, 8, false, true, false},
		{"after the last", 10, at(9), 4, 10, 10, true, true, false},
		{"past the end", 3, at(20), 4, 21, 21, true, true, false},
		{"nothing found", 0, nil, 4, 0, 0, true, false, false},
		{"a cursor into nothing", 0, at(2), 4, 3, 3, true, true, false},
		{"a negative cursor starts at the start", 5, at(-7), 2, 0, 2, false, false, true},
		{"none asked for", 5, nil, 0, 0, 0, true, false, true},
	} {
		w := PageWindow(c.total, c.after, c.first)
		if w.Start != c.start || w.End != c.end || w.Total != c.total || w.Empty() != c.empty || w.HasPrevious() != c.prev || w.HasNext() != c.nxt {
			t.Errorf("%s: %+v empty=%v previous=%v next=%v; want start %d end %d empty=%v previous=%v next=%v",
				c.name, w, w.Empty(), w.HasPrevious(), w.HasNext(), c.start, c.end, c.empty, c.prev, c.nxt)
		}
	}
	if got := PageWindow(10, at(3), 4).Cursor(2); got.ID != 6 {
		t.Errorf("the third entry after position 3 has cursor %d, want 6", got.ID)
	}
}
