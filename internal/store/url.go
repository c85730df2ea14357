package store

import (
	"net/url"

	"github.com/gemeente-rotterdam/catalogus/internal/dburl"
)

// DefaultURL is the database used when none is configured: an SQLite file in
// the working directory, so that the service runs on a fresh machine.
const DefaultURL = dburl.Default

// Target is a parsed database URL (see internal/dburl).
type Target = dburl.Target

// ParseURL reads a database URL: postgres://… (or postgresql://…) for
// PostgreSQL, sqlite:PATH or file:PATH for an SQLite file.
func ParseURL(raw string) (Target, error) { return dburl.Parse(raw) }

// readOnlyDSN opens the file for reading only: SQLite refuses every write on
// the connection and will not create a missing file. Nothing in it may write:
// not the switch to WAL (a catalogue's file is in WAL already) and not an
// immediate transaction's write lock.
func readOnlyDSN(path string) string {
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "foreign_keys(1)")
	v.Set("_time_format", "sqlite")
	v.Set("mode", "ro")
	return "file:" + path + "?" + v.Encode()
}

// readOnlyPostgres asks PostgreSQL to refuse writes on every connection.
func readOnlyPostgres(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	return u.String(), nil
}
