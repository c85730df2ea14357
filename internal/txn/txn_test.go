package txn_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

func addOrganization(ctx context.Context, tx *ent.Client, code string) error {
	return tx.Organization.Create().SetCode(code).SetName(code).SetKind(organization.KindMUNICIPALITY).Exec(ctx)
}

func has(t *testing.T, c *ent.Client, code string) bool {
	t.Helper()
	ok, err := c.Organization.Query().Where(organization.Code(code)).Exist(fixture.Ctx())
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// Every ending of the work leaves the transaction closed: committed on nil,
// rolled back otherwise, and a panic still rolls back before it goes on.
func TestRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := fixture.Ctx()
		c := db.Client
		if err := txn.Run(ctx, c, func(tx *ent.Client) error { return addOrganization(ctx, tx, "committed") }); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err := txn.Run(ctx, c, func(tx *ent.Client) error {
			if err := addOrganization(ctx, tx, "failed"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("work's error: got %v", err)
		}
		if err := txn.Run(ctx, c, func(tx *ent.Client) error {
			if err := addOrganization(ctx, tx, "discarded"); err != nil {
				return err
			}
			return txn.Discard
		}); err != nil {
			t.Errorf("discard: got %v, want nil", err)
		}
		func() {
			defer func() {
				if r := recover(); r != "panicked" {
					t.Errorf("the panic did not go on up: recovered %v", r)
				}
			}()
			_ = txn.Run(ctx, c, func(tx *ent.Client) error {
				if err := addOrganization(ctx, tx, "panicked"); err != nil {
					return err
				}
				panic("panicked")
			})
		}()
		for code, want := range map[string]bool{"committed": true, "failed": false, "discarded": false, "panicked": false} {
			if got := has(t, c, code); got != want {
				t.Errorf("organization %q saved: %v, want %v", code, got, want)
			}
		}
		// Had a transaction stayed open, SQLite's write lock (one connection
		// on PostgreSQL's side as well) would stop this write.
		if err := txn.RunSQL(ctx, db.SQL, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE organizations SET name = 'after' WHERE code = 'committed'")
			return err
		}); err != nil {
			t.Fatalf("a write after the others: %v", err)
		}
	})
}

// HoldVersion passes the version a record has and refuses any other.
func TestHoldVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.ClusterA)
		ctx := fixture.Ctx()
		for _, tc := range []struct {
			expected int
			want     bool
		}{{p.Version, true}, {p.Version + 1, false}, {p.Version - 1, false}} {
			var held bool
			err := txn.Run(ctx, db.Client, func(tx *ent.Client) (err error) {
				held, err = txn.HoldVersion(ctx, tx, product.Table, p.ID, tc.expected)
				return err
			})
			if err != nil || held != tc.want {
				t.Errorf("version %d of a record at %d: held %v, %v; want %v", tc.expected, p.Version, held, err, tc.want)
			}
		}
	})
}

func TestMain(m *testing.M) { storetest.Main(m) }
