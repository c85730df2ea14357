package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestReleasedMigrationsUnchanged fails when a released migration file was
// edited, renamed or removed. Released files never change: put the change in
// a new migration (go run ./internal/store/newmigration NAME). After a
// release, list its new files with go run ./internal/store/newmigration -release.
func TestReleasedMigrationsUnchanged(t *testing.T) {
	released, err := store.Released()
	if err != nil {
		t.Fatal(err)
	}
	if len(released) == 0 {
		t.Fatal("migrations/released.sum lists no file")
	}
	for file, want := range released {
		b, err := os.ReadFile(filepath.Join("migrations", file))
		if err != nil {
			t.Errorf("released migration %s: %v (released migrations are never removed or renamed)", file, err)
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("released migration %s was edited (SHA-256 %s, released as %s): restore it with git checkout and put the change in a new migration", file, got, want)
		}
	}
	// A migration released for one database and not the other would be a
	// half release: the names after the timestamp must pair up.
	names := map[string]map[string]bool{"sqlite": {}, "postgres": {}}
	for file := range released {
		d, name, _ := strings.Cut(file, "/")
		_, name, _ = strings.Cut(name, "_")
		names[d][name] = true
	}
	for name := range names["sqlite"] {
		if !names["postgres"][name] {
			t.Errorf("migration %s is released for SQLite, not for PostgreSQL", name)
		}
	}
	for name := range names["postgres"] {
		if !names["sqlite"][name] {
			t.Errorf("migration %s is released for PostgreSQL, not for SQLite", name)
		}
	}
}

// TestMigrationHistoryIsChecked edits an applied file, deletes a row and adds
// an unknown one: each time migrate refuses, names the file and says what to
// do, and changes nothing.
func TestMigrationHistoryIsChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := db.Target.Dialect
		all, err := store.MigrationsFor(d)
		if err != nil {
			t.Fatal(err)
		}
		var upl int
		for i, m := range all {
			if strings.HasSuffix(m.Version, "_upl_list") {
				upl = i
			}
		}

		edited := append([]store.Migration(nil), all...)
		edited[upl].SQL += "\n-- edited"
		edited[upl].Checksum = strings.Repeat("0", 64)
		_, err = db.MigrateFiles(ctx, edited)
		if err == nil || !strings.Contains(err.Error(), all[upl].File(d)) || !strings.Contains(err.Error(), "edited") {
			t.Errorf("migrate with an edited file = %v, want a refusal naming %s", err, all[upl].File(d))
		}

		if _, err := db.SQL.ExecContext(ctx, "DELETE FROM catalogus_schema_migrations WHERE version = '"+all[upl].Version+"'"); err != nil {
			t.Fatal(err)
		}
		_, err = db.Migrate(ctx, nil)
		if err == nil || !strings.Contains(err.Error(), "no row for migration "+all[upl].Version) || !strings.Contains(err.Error(), "INSERT INTO") {
			t.Fatalf("migrate with a row missing = %v, want a refusal naming %s", err, all[upl].Version)
		}
		if err := db.CheckSchema(ctx); err == nil || !strings.Contains(err.Error(), all[upl].Version) {
			t.Errorf("CheckSchema with a row missing = %v", err)
		}
		// The message's statement puts the row back.
		msg := err.Error()
		stmt := msg[strings.Index(msg, "INSERT INTO"):strings.Index(msg, "; otherwise")]
		if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("the suggested %s: %v", stmt, err)
		}
		if applied, err := db.Migrate(ctx, nil); err != nil || len(applied) != 0 {
			t.Fatalf("migrate after the row is back = %v, %v; want nothing to do", applied, err)
		}

		if _, err := db.SQL.ExecContext(ctx, "INSERT INTO catalogus_schema_migrations (version, applied_at) VALUES ('20261130000000_renamed', CURRENT_TIMESTAMP)"); err != nil {
			t.Fatal(err)
		}
		if _, err = db.Migrate(ctx, nil); err == nil || !strings.Contains(err.Error(), "20261130000000_renamed") || !strings.Contains(err.Error(), "does not know") {
			t.Errorf("migrate with an unknown row = %v", err)
		}
	})
}

// TestFirstReleaseInitIsRecognized: the first release recorded its init
// migration as 20261128182015_init, without change_events.other_language
// (the file got the column and a new name afterwards). The database is
// brought up to date, not refused as newer; so is one whose row was renamed
// by hand. The real database of that release is upgraded in internal/upgrade.
func TestFirstReleaseInitIsRecognized(t *testing.T) {
	for _, byHand := range []bool{false, true} {
		// Named subtests: a second Each would name its own sqlite#01, and a
		// # in the database's path cuts the URL short.
		t.Run(map[bool]string{false: "renamed", true: "byhand"}[byHand], func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				all, _ := store.MigrationsFor(db.Target.Dialect)
				if _, err := db.MigrateTo(ctx, all[0].Version, nil); err != nil {
					t.Fatal(err)
				}
				name := "'20261128182015_init'"
				if byHand {
					name = "version"
				}
				for _, stmt := range []string{
					"ALTER TABLE change_events DROP COLUMN other_language",
					"UPDATE catalogus_schema_migrations SET version = " + name + ", checksum = ''",
				} {
					if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
						t.Fatal(err)
					}
				}
				if !byHand {
					if err := db.CheckSchema(ctx); err == nil || !strings.Contains(err.Error(), "catalogus migrate") {
						t.Errorf("CheckSchema = %v, want to be told to migrate", err)
					}
				}
				applied, err := db.Migrate(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				if len(applied) != len(all)-1 {
					t.Errorf("applied %d migrations, want %d", len(applied), len(all)-1)
				}
				if _, err := db.SQL.ExecContext(ctx, "SELECT other_language FROM change_events"); err != nil {
					t.Errorf("change_events.other_language after the upgrade: %v", err)
				}
				if err := db.CheckSchema(ctx); err != nil {
					t.Error(err)
				}
			}, storetest.Unmigrated())
		})
	}
}
