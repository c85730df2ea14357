package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/backup"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestFailedRestoreLeavesTargetAsItWas: a backup that is damaged, cut short
// or whose records disagree with its change log is refused, and the blank
// target stays blank (no half-migrated database an older binary would
// refuse); with a backup key, a file without its HMAC is refused.
func TestFailedRestoreLeavesTargetAsItWas(t *testing.T) {
	ctx := context.Background()
	src := storetest.Open(t, "sqlite")
	k := fixture.New(t, src.Client)
	k.Product(t, src.Client, "paspoort", k.DepartmentA1)
	dir := t.TempDir()
	var good bytes.Buffer
	if err := backup.Export(ctx, src.Client, &good); err != nil {
		t.Fatal(err)
	}
	f, err := backup.Read(bytes.NewReader(good.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Products[0].Name += " (gewijzigd)"
	var disagreeing bytes.Buffer
	if err := backup.Write(&disagreeing, f, backup.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	files := []struct{ name, want string }{
		{write("disagreeing.json", disagreeing.Bytes()), "has another name than its change log gives"},
		{write("edited.json", bytes.Replace(good.Bytes(), []byte(`"actor": "`), []byte(`"actor": "x`), 1)), "damaged or edited"},
		{write("truncated.json", good.Bytes()[:good.Len()/2]), "truncated"},
	}
	goodFile := write("good.json", good.Bytes())

	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			target := storetest.URL(t, d)
			for _, file := range files {
				code, _, stderr := runCLI(t, "import", "--database", target, file.name)
				if code != 1 || !strings.Contains(stderr, file.want) || !strings.Contains(stderr, "nothing was changed") {
					t.Errorf("import %s: exit %d, %s; want a refusal with %q", filepath.Base(file.name), code, stderr, file.want)
				}
				if path, ok := strings.CutPrefix(target, "sqlite:"); ok {
					if _, err := os.Stat(path); !os.IsNotExist(err) {
						t.Fatalf("after the refused %s the SQLite file is there: %v", filepath.Base(file.name), err)
					}
					continue
				}
				db, err := store.Open(ctx, target, store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				blank, err := db.Blank(ctx)
				db.Close()
				if err != nil || !blank {
					t.Fatalf("after the refused %s the database is not blank (%v)", filepath.Base(file.name), err)
				}
			}

			// With a key, a file without its HMAC is refused; one written
			// with the key restores.
			t.Setenv("CATALOGUS_BACKUP_KEY", "a-key-of-some-length-"+d)
			if code, _, stderr := runCLI(t, "import", "--database", target, goodFile); code != 1 || !strings.Contains(stderr, "no HMAC") {
				t.Errorf("import without HMAC under a key: exit %d, %s", code, stderr)
			}
			signed := filepath.Join(dir, "signed-"+d+".json")
			if code, _, stderr := runCLI(t, "export", "--database", "sqlite:"+src.Target.Path, "--output", signed); code != 0 {
				t.Fatalf("export with a key: %s", stderr)
			}
			if code, out, stderr := runCLI(t, "import", "--database", target, signed); code != 0 || !strings.Contains(out, "restored") {
				t.Errorf("import of a signed backup: exit %d, %s %s", code, out, stderr)
			}
		})
	}
}

// TestFlagsAnywhere: flags are read before and after the arguments; after
// "--" everything is an argument.
func TestFlagsAnywhere(t *testing.T) {
	for _, tc := range []struct {
		args, want []string
		database   string
	}{
		{[]string{"a.json", "--database", "sqlite:x.db"}, []string{"a.json"}, "sqlite:x.db"},
		{[]string{"--database", "sqlite:x.db", "a.json"}, []string{"a.json"}, "sqlite:x.db"},
		{[]string{"a", "--database=sqlite:y.db", "b"}, []string{"a", "b"}, "sqlite:y.db"},
		{[]string{"a", "--", "--database", "b"}, []string{"a", "--database", "b"}, ""},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		db := fs.String("database", "", "")
		got, err := parseAnywhere(fs, tc.args)
		if err != nil || !slices.Equal(got, tc.want) || *db != tc.database {
			t.Errorf("%q: arguments %q, database %q, %v; want %q, %q", tc.args, got, *db, err, tc.want, tc.database)
		}
	}
	// Through a command: the file first, its flags after it.
	dir := t.TempDir()
	file := filepath.Join(dir, "b.json")
	os.WriteFile(file, []byte("{}"), 0o644)
	code, _, stderr := runCLI(t, "import", file, "--database", "sqlite:"+filepath.Join(dir, "x.db"))
	if code != 1 || strings.Contains(stderr, "name the one file") || !strings.Contains(stderr, "not a catalogus backup") {
		t.Errorf("import FILE --database: exit %d, %s", code, stderr)
	}
}
