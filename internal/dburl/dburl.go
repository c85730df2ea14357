// Package dburl reads the database URLs the service and its commands accept
// (postgres://… and sqlite:PATH) into what database/sql opens. It is a leaf
// package, apart from the store, so that its fuzz test compiles in seconds.
package dburl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"

	"entgo.io/ent/dialect"
)

// Default is the database used when none is configured: an SQLite file in
// the working directory, so that the service runs on a fresh machine.
const Default = "sqlite:catalogus.db"

// Target is a parsed database URL.
type Target struct {
	// Dialect is Ent's dialect name: dialect.Postgres or dialect.SQLite.
	Dialect string
	// DriverName and DSN are what database/sql opens.
	DriverName, DSN string
	// Path is the SQLite file; HostPort the PostgreSQL server. For messages.
	Path, HostPort string
	// Redacted is the URL without its password, safe to log.
	Redacted string
}

// Parse reads a database URL: postgres://… (or postgresql://…) for
// PostgreSQL, sqlite:PATH or file:PATH for an SQLite file.
func Parse(raw string) (Target, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = Default
	}
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok {
		return Target{}, fmt.Errorf("database URL %q has no scheme: use postgres://user@host:5432/name or sqlite:PATH", raw)
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		u, err := url.Parse(raw)
		if err != nil {
			return Target{}, fmt.Errorf("database URL is not a valid postgres:// URL: %w", errors.Unwrap(err))
		}
		if u.Opaque != "" || !strings.HasPrefix(rest, "//") {
			return Target{}, errors.New("write a PostgreSQL database URL as postgres://user@host:5432/name")
		}
		host, port := u.Hostname(), u.Port()
		if host == "" {
			host = "localhost"
		}
		if port == "" {
			port = "5432"
		}
		q := u.Query()
		if q.Get("connect_timeout") == "" {
			// Without it, lib/pq waits on an unreachable host as long as the OS does.
			q.Set("connect_timeout", "5")
		}
		if q.Get("plan_cache_mode") == "" {
			// The connections keep their prepared statements (stmtcache.go),
			// but PostgreSQL plans a statement anew on every run as long as
			// a plan for the run's values looks cheaper than a generic one.
			// For the page's availabilities (51 product ids) that was planning
			// every time and choosing a scan of the whole table: generic plans
			// made the page's statement three times cheaper
			// (docs/performance.md). lib/pq sends this as a run-time parameter.
			q.Set("plan_cache_mode", "force_generic_plan")
		}
		u.RawQuery = q.Encode()
		return Target{
			Dialect:    dialect.Postgres,
			DriverName: "postgres",
			DSN:        u.String(),
			HostPort:   net.JoinHostPort(host, port),
			Redacted:   u.Redacted(),
		}, nil
	case "sqlite", "sqlite3", "file":
		path := strings.TrimPrefix(rest, "//")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			return Target{}, fmt.Errorf("database URL %q: options after ? are not supported for SQLite; the service sets its own", raw)
		}
		if path == "" {
			return Target{}, fmt.Errorf("database URL %q names no file: use e.g. sqlite:catalogus.db", raw)
		}
		if path == ":memory:" {
			return Target{}, errors.New("an in-memory SQLite database would be lost on exit; give a file, e.g. sqlite:catalogus.db")
		}
		return Target{
			Dialect:    dialect.SQLite,
			DriverName: "sqlite",
			DSN:        sqliteDSN(path),
			Path:       filepath.Clean(path),
			Redacted:   "sqlite:" + path,
		}, nil
	}
	return Target{}, fmt.Errorf("unknown database URL scheme %q: use postgres://user@host:5432/name for PostgreSQL or sqlite:PATH for an SQLite file", scheme)
}

// sqliteDSN turns a file path into a modernc.org/sqlite data source name.
// Foreign keys are off by default in SQLite and Ent requires them; WAL lets
// readers work while one writer writes; the busy timeout makes a second writer
// wait instead of failing; immediate transactions take the write lock at BEGIN,
// so two writing transactions never deadlock on a lock upgrade.
func sqliteDSN(path string) string {
	// The busy timeout comes first: switching a new file to WAL needs a lock
	// that another process opening it at the same moment may hold.
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Set("_txlock", "immediate")
	// Times as SQLite's own date functions read them (2006-01-02 15:04:05.999-07:00),
	// and, being always UTC, in an order that text comparison keeps.
	v.Set("_time_format", "sqlite")
	return "file:" + path + "?" + v.Encode()
}
