package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// The commands that only read, and those that change a catalogue that must be
// there already: none of them may migrate a database or create a file.
var (
	readingCommands = [][]string{
		{"report"}, {"report", "--format", "csv"},
		{"export"}, {"export", "--format", "csv"}, {"export", "--format", "cpsv-ap"},
		{"upl", "report"}, {"token", "list"},
	}
	changingCommands = [][]string{
		{"token", "create", "--name", "website", "--role", "admin"}, {"token", "revoke", "website"},
		{"retention", "apply"}, {"upl", "import", "LIST"}, {"measurements", "import", "MEASUREMENTS"},
		{"import", "SHEET"},
	}
)

// commandFiles writes the files the changing commands read, each valid.
func commandFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"LIST": "UniformeProductnaam,URI,Rijk,Provincie,Waterschap,Gemeente,Burger,Bedrijf,Dienstenwet,SDG,Autonomie,Medebewind,Aanvraag,Subsidie,Melding,Verplichting,DigiDMacht\n" +
			"aanleunwoning,http://standaarden.overheid.nl/owms/terms/aanleunwoning,,,,X,X,,,,,,,,,,\n",
		"MEASUREMENTS": "period;channel;contacts\n2026-10;website;100\n",
		"SHEET":        "slug;website\npaspoort;AVAILABLE\n",
	}
	out := map[string]string{}
	for k, content := range files {
		f := filepath.Join(dir, strings.ToLower(k)+".csv")
		if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		out[k] = f
	}
	return out
}

func withFiles(args []string, files map[string]string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if f, ok := files[a]; ok {
			out[i] = f
		}
	}
	return out
}

// withDatabase puts --database after the command's name, before its
// arguments.
func withDatabase(args []string, u string) []string {
	n := 1
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") && slices.Contains([]string{"token", "upl", "measurements", "retention"}, args[0]) {
		n = 2
	}
	return slices.Concat(args[:n], []string{"--database", u}, args[n:])
}

// tablesIn lists the tables of the PostgreSQL schema a URL uses, read
// without the catalogue's code.
func tablesIn(t *testing.T, u string) []string {
	t.Helper()
	db, err := store.Open(context.Background(), u, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.SQL.Query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

// filesIn lists a folder's files, each with a digest of its content.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		out = append(out, fmt.Sprintf("%s (%d bytes, %x)", e.Name(), len(b), sha256.Sum256(b)))
	}
	return out
}

// TestCommandsLeaveOtherDatabasesAlone points every command that does not set
// a catalogue up at a database that holds none — a file name with a typo,
// someone else's SQLite file, an empty or foreign PostgreSQL schema (as the
// server's own `postgres` database would be) — and at a catalogue of an
// older version: each exits 1 naming `catalogus migrate`, and leaves the
// database as it was, without a table or a file more.
func TestCommandsLeaveOtherDatabasesAlone(t *testing.T) {
	files := commandFiles(t)
	refused := func(t *testing.T, u, want string) {
		t.Helper()
		for _, args := range append(slices.Clone(readingCommands), changingCommands...) {
			full := withDatabase(withFiles(args, files), u)
			code, out, stderr := runCLI(t, full...)
			if code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "catalogus migrate") {
				t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 naming %q and catalogus migrate", strings.Join(args, " "), code, out, stderr, want)
			}
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		typo := filepath.Join(dir, "typo.db")
		refused(t, "sqlite:"+typo, "there is no SQLite database")
		if got := filesIn(t, dir); len(got) != 0 {
			t.Errorf("a database name with a typo left %v behind", got)
		}

		// Someone else's SQLite file, in SQLite's default journal mode.
		foreign := filepath.Join(dir, "andere.db")
		other, err := sql.Open("sqlite", foreign)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.Exec("CREATE TABLE adressen (straat TEXT)"); err != nil {
			t.Fatal(err)
		}
		other.Close()
		before := filesIn(t, dir)
		refused(t, "sqlite:"+foreign, "holds no catalogue")
		if after := filesIn(t, dir); !slices.Equal(before, after) {
			t.Errorf("someone else's SQLite file changed: %d files before, %d after", len(before), len(after))
		}
	})
	t.Run("postgres", func(t *testing.T) {
		empty := storetest.URL(t, "postgres")
		refused(t, empty, "holds no catalogue")
		if got := tablesIn(t, empty); len(got) != 0 {
			t.Errorf("an empty database gained tables: %v", got)
		}
		foreign := storetest.URL(t, "postgres")
		other, err := store.Open(context.Background(), foreign, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.SQL.Exec("CREATE TABLE adressen (straat TEXT)"); err != nil {
			t.Fatal(err)
		}
		other.Close()
		refused(t, foreign, "holds no catalogue")
		if got := tablesIn(t, foreign); !slices.Equal(got, []string{"adressen"}) {
			t.Errorf("a foreign database has the tables %v, want its own one", got)
		}
	})
	for _, d := range storetest.Dialects {
		t.Run(d+"/older schema", func(t *testing.T) {
			u := storetest.URL(t, d)
			db, err := store.Open(context.Background(), u, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			all, _ := store.MigrationsFor(db.Target.Dialect)
			if _, err := db.MigrateTo(context.Background(), all[len(all)-2].Version, nil); err != nil {
				t.Fatal(err)
			}
			db.Close()
			refused(t, u, "older schema")
			db, err = store.Open(context.Background(), u, store.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if pending, err := db.Pending(context.Background()); err != nil || len(pending) != 1 {
				t.Errorf("after the refusals %d migrations are pending (%v), want the 1 the test left", len(pending), err)
			}
		})
	}
}

// TestReadingCommandsReadOnly runs the commands that only read on a
// catalogue, on both databases: they work through a read-only connection.
func TestReadingCommandsReadOnly(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			u := storetest.URL(t, d)
			db, err := store.Open(context.Background(), u, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			k := fixture.New(t, db.Client)
			k.Product(t, db.Client, "paspoort", k.DepartmentA1)
			v0, _ := db.Version(context.Background())
			db.Close()
			for _, args := range readingCommands {
				if code, _, stderr := runCLI(t, withDatabase(args, u)...); code != 0 {
					t.Errorf("%s: exit %d, %s", strings.Join(args, " "), code, stderr)
				}
			}
			db, err = store.Open(context.Background(), u, store.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if v, _ := db.Version(context.Background()); v != v0 {
				t.Errorf("reading moved the catalogue's version from %d to %d", v0, v)
			}
			// The connection refuses writes itself.
			if _, err := db.SQL.Exec("UPDATE products SET name = 'x'"); err == nil {
				t.Error("a read-only connection wrote")
			}
		})
	}
}
