package store_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/schemadiff"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		in, dialect, wantErr string
	}{
		{in: "", dialect: dialect.SQLite},
		{in: "sqlite:data/x.db", dialect: dialect.SQLite},
		{in: "sqlite:///tmp/x.db", dialect: dialect.SQLite},
		{in: "file:x.db", dialect: dialect.SQLite},
		{in: "postgres://u:secret@db.example:6543/cat?sslmode=disable", dialect: dialect.Postgres},
		{in: "postgresql://localhost/cat", dialect: dialect.Postgres},
		{in: "mysql://root@localhost/cat", wantErr: `unknown database URL scheme "mysql"`},
		{in: "catalogus.db", wantErr: "has no scheme"},
		{in: "sqlite:", wantErr: "names no file"},
		{in: "sqlite::memory:", wantErr: "would be lost"},
		{in: "sqlite:x.db?_pragma=foo", wantErr: "options after ? are not supported"},
	} {
		got, err := store.ParseURL(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseURL(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got.Dialect != tc.dialect {
			t.Errorf("ParseURL(%q) = %+v, %v; want dialect %s", tc.in, got, err, tc.dialect)
		}
	}
	got, _ := store.ParseURL("postgres://u:secret@db.example:6543/cat?sslmode=disable")
	if got.HostPort != "db.example:6543" || strings.Contains(got.Redacted, "secret") || !strings.Contains(got.DSN, "connect_timeout=5") {
		t.Errorf("postgres target = %+v", got)
	}
	if got, _ := store.ParseURL(""); got.Path != "catalogus.db" {
		t.Errorf("default path = %q, want catalogus.db", got.Path)
	}
}

func TestOpenRefusesBadConfiguration(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("this is not a database ", 400)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name, url, want string
	}{
		{"missing folder", "sqlite:" + filepath.Join(dir, "nope", "x.db"), "folder " + filepath.Join(dir, "nope") + " does not exist"},
		{"a folder", "sqlite:" + dir, "is a directory"},
		{"not a database", "sqlite:" + garbage, "is not an SQLite database or is damaged"},
		{"unreachable postgres", "postgres://postgres@127.0.0.1:1/x?sslmode=disable", "cannot reach PostgreSQL at 127.0.0.1:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			db, err := store.Open(ctx, tc.url, store.Options{ConnectTimeout: time.Second})
			if err == nil {
				db.Close()
				t.Fatalf("Open(%s) succeeded", tc.url)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %q, want it to contain %q", err, tc.want)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("gave up only after %s", d)
			}
		})
	}
	if b, _ := os.ReadFile(garbage); !strings.HasPrefix(string(b), "this is not a database") {
		t.Error("opening a foreign file changed it")
	}
}

func TestMigrateEmptyDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pending, err := db.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all, _ := store.MigrationsFor(db.Target.Dialect)
		if len(pending) != len(all) || len(all) == 0 {
			t.Fatalf("pending = %v, want all %d migrations", pending, len(all))
		}
		applied, err := db.Migrate(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != len(all) {
			t.Errorf("applied %v, want %d migrations", applied, len(all))
		}
		// Usable: the schema answers queries.
		if n, err := db.Client.Product.Query().Count(ctx); err != nil || n != 0 {
			t.Errorf("count products = %d, %v", n, err)
		}
		// Twice is harmless.
		again, err := db.Migrate(ctx, nil)
		if err != nil || len(again) != 0 {
			t.Errorf("second migrate applied %v, %v", again, err)
		}
		if p, _ := db.Pending(ctx); len(p) != 0 {
			t.Errorf("pending after migrate = %v", p)
		}
	}, storetest.Unmigrated())
}

func TestConcurrentMigrationsDoNotRace(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			u := storetest.URL(t, d)
			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make([]error, 4)
			total := make([]int, 4)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db, err := store.Open(ctx, u, store.Options{})
					if err != nil {
						errs[i] = err
						return
					}
					defer db.Close()
					applied, err := db.Migrate(ctx, nil)
					errs[i], total[i] = err, len(applied)
				}()
			}
			wg.Wait()
			sum := 0
			for i, err := range errs {
				if err != nil {
					t.Errorf("migrator %d: %v", i, err)
				}
				sum += total[i]
			}
			all, _ := store.MigrationsFor(map[string]string{"sqlite": dialect.SQLite, "postgres": dialect.Postgres}[d])
			if sum != len(all) {
				t.Errorf("four migrators applied %d migrations in all, want each of the %d once", sum, len(all))
			}
		})
	}
}

func TestRefusesDatabaseFromNewerVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.SQL.ExecContext(ctx, "INSERT INTO catalogus_schema_migrations (version, applied_at) VALUES ('29990101000000_future', CURRENT_TIMESTAMP)"); err != nil {
			t.Fatal(err)
		}
		_, err := db.Migrate(ctx, nil)
		if err == nil || !strings.Contains(err.Error(), "migrated by a newer version") {
			t.Errorf("migrate = %v, want a refusal naming the newer version", err)
		}
	})
}

// TestMigrationsMatchTheSchema replays the committed migrations and asks Ent's
// planner for the difference with the schema: there must be none. When this
// fails, run `go run ./internal/store/newmigration <name>` and commit the file.
func TestMigrationsMatchTheSchema(t *testing.T) {
	ctx := context.Background()
	for _, d := range []string{dialect.SQLite, dialect.Postgres} {
		t.Run(d, func(t *testing.T) {
			dir := copyMigrations(t, d)
			before, _ := dir.Files()
			switch d {
			case dialect.SQLite:
				db := storetest.Open(t, "sqlite", storetest.Unmigrated())
				if err := schemadiff.WriteSQLite(ctx, db.SQL, dir, "drift"); err != nil {
					t.Fatal(err)
				}
			case dialect.Postgres:
				u := storetest.URL(t, "postgres")
				if err := schemadiff.WritePostgres(ctx, u, dir, "drift"); err != nil {
					t.Fatal(err)
				}
			}
			after, _ := dir.Files()
			if len(after) != len(before) {
				b, _ := os.ReadFile(filepath.Join(dir.Path(), after[len(after)-1].Name()))
				t.Errorf("the %s migrations do not match the Ent schema; run `go run ./internal/store/newmigration <name>`. Missing:\n%s", d, b)
			}
		})
	}
}

func copyMigrations(t *testing.T, d string) *migrate.LocalDir {
	t.Helper()
	tmp := t.TempDir()
	src := store.MigrationDir(d)
	entries, err := fs.ReadDir(store.Migrations, src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(store.Migrations, src+"/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := migrate.NewLocalDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
