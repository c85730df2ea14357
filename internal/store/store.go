// Package store opens the catalogue's database — PostgreSQL through lib/pq or
// an SQLite file through modernc.org/sqlite, chosen by URL — sizes the
// connection pool, and brings the schema up to date with the versioned
// migrations embedded in the binary.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"
	"modernc.org/sqlite"

	"github.com/gemeente-rotterdam/catalogus/ent"
	_ "github.com/gemeente-rotterdam/catalogus/ent/runtime" // schema hooks and defaults
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
)

// Options tune Open. The zero value is fine.
type Options struct {
	// MaxConns caps open connections; 0 picks a default for the dialect.
	MaxConns int
	// ConnectTimeout bounds how long Open keeps retrying an unreachable
	// PostgreSQL server; 0 means 5 seconds.
	ConnectTimeout time.Duration
	// Clock is the change log's clock; nil means the system clock.
	Clock clock.Clock
	// ReadOnly opens the database for reading only, for the commands that
	// only read: the database refuses every write, and a missing SQLite
	// file is an error instead of a new, empty database. Check the schema
	// with CheckSchema; never migrate such a database.
	ReadOnly bool
	// Existing refuses a missing SQLite file instead of creating one: for
	// the commands that change a catalogue that must be there already.
	Existing bool
	// Unchecked opens a PostgreSQL database without waiting for it to
	// answer: a read replica that is down when serve starts joins once it
	// answers (the server's replica checker finds out).
	Unchecked bool
}

// DB is an open catalogue database.
type DB struct {
	Client *ent.Client
	SQL    *sql.DB
	Target Target
}

// Close closes the database.
func (db *DB) Close() error { return db.Client.Close() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.SQL.PingContext(ctx) }

// Open connects to the database at rawURL and checks that it can be used. It
// does not migrate; call Migrate for that.
func Open(ctx context.Context, rawURL string, opts Options) (*DB, error) {
	t, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if t.Path != "" {
		if err := checkSQLitePath(t.Path, opts.ReadOnly || opts.Existing); err != nil {
			return nil, err
		}
	}
	var connector driver.Connector
	switch {
	case t.DriverName == "postgres" && opts.ReadOnly:
		var dsn string
		if dsn, err = readOnlyPostgres(t.DSN); err == nil {
			connector, err = openPostgres(dsn)
		}
	case t.DriverName == "postgres":
		connector, err = openPostgres(t.DSN)
	case opts.ReadOnly:
		connector, err = sqlite.NewConnector(readOnlyDSN(t.Path))
	default:
		connector, err = sqlite.NewConnector(t.DSN)
	}
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", t.Redacted, err)
	}
	// Every statement passes the connections that raise the catalogue's
	// version after a change (writes.go).
	has := "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'catalogue_version'"
	if t.DriverName == "postgres" {
		has = "SELECT 1 WHERE to_regclass('catalogue_version') IS NOT NULL"
	}
	sqldb := sql.OpenDB(versioningConnector{Connector: connector, hasVersion: has})
	sizePool(sqldb, opts.MaxConns)
	if t.Path != "" {
		err = checkSQLite(ctx, sqldb, t.Path, opts.ReadOnly)
	} else if !opts.Unchecked {
		err = pingPostgres(ctx, sqldb, t, opts.ConnectTimeout)
	}
	if err != nil {
		sqldb.Close()
		return nil, err
	}
	clk := opts.Clock
	if clk == nil {
		clk = clock.System{}
	}
	drv := entsql.OpenDB(t.Dialect, sqldb)
	return &DB{
		Client: ent.NewClient(ent.Driver(drv), ent.Clock(clk)),
		SQL:    sqldb,
		Target: t,
	}, nil
}

// sizePool keeps as many idle connections as open ones: database/sql's default
// of two idle connections makes a busy server reconnect many times a second.
func sizePool(db *sql.DB, max int) {
	if max <= 0 {
		max = 4 * runtime.GOMAXPROCS(0)
		if max < 8 {
			max = 8
		}
	}
	db.SetMaxOpenConns(max)
	db.SetMaxIdleConns(max)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(30 * time.Minute)
}

func checkSQLitePath(path string, mustExist bool) error {
	info, err := os.Stat(path)
	switch {
	case err == nil && info.IsDir():
		return fmt.Errorf("SQLite database %s is a directory, not a file", path)
	case err == nil:
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("SQLite database %s: %w", path, err)
	case mustExist:
		return fmt.Errorf("there is no SQLite database %s: check the name, or create the catalogue there with `catalogus migrate` (an empty one) or `catalogus seed` (the seed)", path)
	}
	dir := filepath.Dir(path)
	if d, err := os.Stat(dir); err != nil || !d.IsDir() {
		return fmt.Errorf("cannot create SQLite database %s: the folder %s does not exist", path, dir)
	}
	return nil
}

// checkSQLite makes sure the file is a healthy SQLite database we can write
// (or, read-only, read).
func checkSQLite(ctx context.Context, db *sql.DB, path string, readOnly bool) error {
	var result string
	// A process creating the same new file at this moment holds it while it
	// switches the file to WAL, and SQLite answers "busy" without waiting for
	// that; give it a few seconds.
	for wait, deadline := 20*time.Millisecond, time.Now().Add(10*time.Second); ; wait = min(2*wait, time.Second) {
		err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&result)
		if err == nil {
			break
		}
		if !isBusy(err) || time.Now().Add(wait).After(deadline) {
			return sqliteError(path, err)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if result != "ok" {
		return fmt.Errorf("SQLite database %s is damaged (quick_check: %s); restore it from a backup", path, result)
	}
	if readOnly {
		return nil
	}
	// A write that changes nothing tells a read-only file early, not at the first edit.
	if _, err := db.ExecContext(ctx, "PRAGMA user_version = 0"); err != nil {
		return sqliteError(path, err)
	}
	return nil
}

func isBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

func sqliteError(path string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not a database"), strings.Contains(msg, "malformed"), strings.Contains(msg, "corrupt"):
		return fmt.Errorf("%s is not an SQLite database or is damaged: %w", path, err)
	case strings.Contains(msg, "readonly"), strings.Contains(msg, "read-only"), strings.Contains(msg, "unable to open"):
		return fmt.Errorf("cannot write SQLite database %s (check the file's and folder's permissions): %w", path, err)
	}
	return fmt.Errorf("SQLite database %s: %w", path, err)
}

// pingPostgres waits a short while for a server that is starting or briefly
// unreachable, and says plainly where it looked when it gives up.
func pingPostgres(ctx context.Context, db *sql.DB, t Target, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	deadline := time.Now().Add(timeout)
	wait := 200 * time.Millisecond
	for {
		pctx, cancel := context.WithTimeout(ctx, timeout)
		err := db.PingContext(pctx)
		cancel()
		if err == nil {
			return nil
		}
		if !retryable(err) {
			return fmt.Errorf("PostgreSQL at %s refused the connection: %w", t.HostPort, err)
		}
		if time.Now().Add(wait).After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("cannot reach PostgreSQL at %s (tried for %s): %w", t.HostPort, timeout, err)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// retryable tells network trouble and a server still starting up from errors
// that waiting will not cure (wrong password, missing database).
func retryable(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return pqErr.Code == "57P03" // cannot_connect_now: the server is starting
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, context.DeadlineExceeded)
}

// Version is the catalogue's version: it rises with every committed
// transaction that changed the catalogue (see internal/changelog), in commit
// order, so that caches keyed on it never serve what a commit made stale.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	// The id as a parameter makes it a statement PostgreSQL connections keep
	// prepared (stmtcache.go): every anonymous read asks for the version.
	err := db.SQL.QueryRowContext(ctx, "SELECT version FROM catalogue_version WHERE id = $1", 1).Scan(&v)
	return v, err
}
