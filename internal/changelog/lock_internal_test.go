package changelog

import (
	"testing"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
)

// TestEveryLoggedTypeCanBeLocked: a type added to the log (entities) must be
// known to the row lock and the fresh read of its old values, or its
// updates fail at run time ("no table known"); two branches that each added
// a type once met exactly that.
func TestEveryLoggedTypeCanBeLocked(t *testing.T) {
	c := gen.NewClient()
	for typ := range entities {
		if _, ok := tables[typ]; !ok {
			t.Errorf("%s is logged but has no table for its row lock (lock.go)", typ)
		}
		if _, err := freshOld(c, typ, 1); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
}
