// Package storetest gives tests a fresh, migrated catalogue database on
// SQLite and, when CATALOGUS_TEST_DATABASE_URL is set, on PostgreSQL: each test
// its own SQLite file or its own PostgreSQL schema, removed afterwards.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lib/pq"

	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// EnvURL names the variable holding the PostgreSQL database tests may use.
const EnvURL = "CATALOGUS_TEST_DATABASE_URL"

// Dialects are the names of the subtests Each runs.
var Dialects = []string{"sqlite", "postgres"}

// EnvDialects names the variable that narrows the databases tests use to a
// comma-separated list ("postgres" for CI's race-detector run); the tests of
// a database left out are skipped with a message. Unset means all.
const EnvDialects = "CATALOGUS_TEST_DIALECTS"

// skipUnselected skips the test when CATALOGUS_TEST_DIALECTS leaves d out.
func skipUnselected(t testing.TB, d string) {
	t.Helper()
	list := os.Getenv(EnvDialects)
	if list == "" {
		return
	}
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == d {
			return
		}
	}
	t.Skipf("%s tests skipped: %s=%s", d, EnvDialects, list)
}

// Each runs fn once per database: on a fresh SQLite file, and on a fresh
// PostgreSQL schema when CATALOGUS_TEST_DATABASE_URL is set (skipped with a
// message otherwise). The databases are migrated and empty.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB), opts ...Option) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d, opts...))
		})
	}
}

// Option adjusts the database a test gets.
type Option func(*config)

type config struct {
	store.Options
	noMigrate bool
}

// WithStoreOptions passes options (a clock, pool size) to store.Open.
func WithStoreOptions(o store.Options) Option { return func(c *config) { c.Options = o } }

// Unmigrated leaves the database without schema; for migration tests.
func Unmigrated() Option { return func(c *config) { c.noMigrate = true } }

// URL returns a database URL for a fresh, empty database of the dialect
// ("sqlite" or "postgres"), removed when the test ends. It skips the test
// for PostgreSQL when CATALOGUS_TEST_DATABASE_URL is unset.
func URL(t testing.TB, d string) string {
	t.Helper()
	skipUnselected(t, d)
	switch d {
	case "sqlite":
		return "sqlite:" + filepath.Join(t.TempDir(), "catalogus.db")
	case "postgres":
		base := os.Getenv(EnvURL)
		if base == "" {
			t.Skipf("PostgreSQL tests skipped: set %s to a PostgreSQL database they may use, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable", EnvURL)
		}
		u, drop, err := NewSchema(context.Background(), base, "t")
		if err != nil {
			t.Fatalf("creating a PostgreSQL test schema: %v", err)
		}
		t.Cleanup(func() {
			if err := drop(); err != nil {
				t.Errorf("dropping the test schema: %v", err)
			}
		})
		return u
	}
	t.Fatalf("storetest: unknown dialect %q", d)
	return ""
}

// Open returns a fresh migrated database of the dialect, closed when the test ends.
func Open(t testing.TB, d string, opts ...Option) *store.DB {
	t.Helper()
	skipUnselected(t, d)
	var c config
	for _, o := range opts {
		o(&c)
	}
	var u string
	if d == "sqlite" && !c.noMigrate {
		u = migratedSQLite(t)
	} else {
		u = URL(t, d)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, u, c.Options)
	if err != nil {
		t.Fatalf("opening the %s test database: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	if !c.noMigrate {
		if _, err := db.Migrate(ctx, nil); err != nil {
			t.Fatalf("migrating the %s test database: %v", d, err)
		}
	}
	return db
}

// migratedSQLite returns the URL of a copy of a golden SQLite file migrated
// once per test binary: copying the bytes takes a millisecond where migrating
// takes 150 ms (3 s under the race detector). The Migrate that Open runs on
// it afterwards finds nothing to do, as on any migrated database.
func migratedSQLite(t testing.TB) string {
	t.Helper()
	return GoldenSQLite(t, "migrated", func(u string) error {
		ctx := context.Background()
		db, err := store.Open(ctx, u, store.Options{})
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.Migrate(ctx, nil)
		return err
	})
}

type goldenFile struct {
	once     sync.Once
	db, wal  []byte
	buildErr error
}

var (
	goldenMu    sync.Mutex
	goldenFiles = map[string]*goldenFile{}
)

// GoldenSQLite returns the URL of a fresh SQLite file in the test's temporary
// directory holding a copy of what build wrote into an empty file: build runs
// once per test binary and name (the first test to ask pays for it), every
// later call copies the bytes. build gets the golden file's URL and must
// close what it opens. Tests that seed a whole catalogue only to read or
// change it use this instead of seeding again.
func GoldenSQLite(t testing.TB, name string, build func(url string) error) string {
	t.Helper()
	skipUnselected(t, "sqlite")
	goldenMu.Lock()
	g := goldenFiles[name]
	if g == nil {
		g = &goldenFile{}
		goldenFiles[name] = g
	}
	goldenMu.Unlock()
	g.once.Do(func() { g.db, g.wal, g.buildErr = buildGolden(build) })
	if g.buildErr != nil {
		t.Fatalf("building the golden SQLite database %q: %v", name, g.buildErr)
	}
	path := filepath.Join(t.TempDir(), "catalogus.db")
	if err := os.WriteFile(path, g.db, 0o644); err != nil {
		t.Fatalf("copying the golden SQLite database %q: %v", name, err)
	}
	if g.wal != nil {
		if err := os.WriteFile(path+"-wal", g.wal, 0o644); err != nil {
			t.Fatalf("copying the golden SQLite database %q: %v", name, err)
		}
	}
	return "sqlite:" + path
}

func buildGolden(build func(url string) error) (db, wal []byte, err error) {
	dir, err := os.MkdirTemp("", "catalogus-golden-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "catalogus.db")
	if err := build("sqlite:" + path); err != nil {
		return nil, nil, err
	}
	if db, err = os.ReadFile(path); err != nil {
		return nil, nil, err
	}
	// SQLite folds the write-ahead log into the file when the last
	// connection closes; if something kept it, it is part of the database.
	if wal, err = os.ReadFile(path + "-wal"); os.IsNotExist(err) {
		return db, nil, nil
	}
	return db, wal, err
}

// NewSchema creates an empty schema with a random name in the PostgreSQL
// database at base and returns a URL whose connections use it, and a function
// that drops it.
func NewSchema(ctx context.Context, base, prefix string) (string, func() error, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	name := prefix + "_" + hex.EncodeToString(b)
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+pq.QuoteIdentifier(name)); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create schema %s: %w", name, err)
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	drop := func() error {
		defer admin.Close()
		_, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+pq.QuoteIdentifier(name)+" CASCADE")
		return err
	}
	return u.String(), drop, nil
}

// TempSchema is NewSchema with the connection opened.
func TempSchema(ctx context.Context, base, prefix string) (*sql.DB, func(), error) {
	u, drop, err := NewSchema(ctx, base, prefix)
	if err != nil {
		return nil, nil, err
	}
	db, err := sql.Open("postgres", u)
	if err != nil {
		drop()
		return nil, nil, err
	}
	return db, func() { db.Close(); drop() }, nil
}

// shared is a seeded database kept for the life of the test binary.
type shared struct {
	once    sync.Once
	db      *store.DB
	err     error
	cleanup func()
}

var (
	sharedMu  sync.Mutex
	sharedDBs = map[string]*shared{}
)

// Seeded returns a database of the dialect holding what load writes (the
// seed, typically), loaded once per test binary and shared by its tests, which
// must only read it. A package that uses it calls Main from its TestMain, so
// that the database is removed when the tests end.
func Seeded(t testing.TB, d string, load func(context.Context, *store.DB) error) *store.DB {
	t.Helper()
	skipUnselected(t, d)
	if d == "postgres" && os.Getenv(EnvURL) == "" {
		t.Skipf("PostgreSQL tests skipped: set %s to a PostgreSQL database they may use, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable", EnvURL)
	}
	sharedMu.Lock()
	s := sharedDBs[d]
	if s == nil {
		s = &shared{}
		sharedDBs[d] = s
	}
	sharedMu.Unlock()
	s.once.Do(func() { s.db, s.cleanup, s.err = openShared(d, load) })
	if s.err != nil {
		t.Fatalf("preparing the shared %s database: %v", d, s.err)
	}
	return s.db
}

func openShared(d string, load func(context.Context, *store.DB) error) (*store.DB, func(), error) {
	ctx := context.Background()
	var u string
	var drop func() error
	switch d {
	case "sqlite":
		dir, err := os.MkdirTemp("", "catalogus-shared-")
		if err != nil {
			return nil, nil, err
		}
		u, drop = "sqlite:"+filepath.Join(dir, "catalogus.db"), func() error { return os.RemoveAll(dir) }
	case "postgres":
		var err error
		if u, drop, err = NewSchema(ctx, os.Getenv(EnvURL), "shared"); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, fmt.Errorf("unknown dialect %q", d)
	}
	db, err := store.Open(ctx, u, store.Options{})
	if err == nil {
		_, err = db.Migrate(ctx, nil)
	}
	if err == nil {
		err = load(ctx, db)
	}
	cleanup := func() {
		if db != nil {
			db.Close()
		}
		drop()
	}
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return db, cleanup, nil
}

// Main runs a package's tests and then removes the shared databases.
func Main(m *testing.M) {
	code := m.Run()
	sharedMu.Lock()
	for _, s := range sharedDBs {
		if s.cleanup != nil {
			s.cleanup()
		}
	}
	sharedMu.Unlock()
	os.Exit(code)
}

// EachSeeded is Each on the shared databases that load fills (see Seeded).
func EachSeeded(t *testing.T, load func(context.Context, *store.DB) error, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, Seeded(t, d, load))
		})
	}
}
