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
	"sync"
	"testing"

	"github.com/lib/pq"

	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// EnvURL names the variable holding the PostgreSQL database tests may use.
const EnvURL = "CATALOGUS_TEST_DATABASE_URL"

// Dialects are the names of the subtests Each runs.
var Dialects = []string{"sqlite", "postgres"}

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
	var c config
	for _, o := range opts {
		o(&c)
	}
	u := URL(t, d)
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
