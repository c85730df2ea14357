// Package dberr tells database errors apart by the drivers' codes and types,
// never by message text (a message changes with the driver's version or the
// server's language, a code does not): an outage, and a unique value taken.
package dberr

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/lib/pq"
)

// Unreachable reports whether err means that the database cannot be reached
// or takes no work right now: the connection was refused, lost or reset, or
// PostgreSQL said that it is shutting down (SQLSTATE 57P01 admin_shutdown,
// 57P02 crash_shutdown), not yet or no longer accepting connections (57P03
// cannot_connect_now), or that the connection failed (class 08). Callers
// answer 503 on it; every other error is a fault of the request or of ours.
//
// It goes by error types and codes, never by message text: a message changes
// with the driver's version or the server's language, a code does not. A
// request's own deadline or cancellation is not an outage.
func Unreachable(err error) bool {
	if err == nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "57P01", "57P02", "57P03":
			return true
		}
		return pqErr.Code.Class() == "08"
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}

// Unique reports whether err is a unique-constraint violation: SQLSTATE 23505
// on PostgreSQL, SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY on SQLite. The rules
// refuse a taken slug or code before writing; this is what two writers racing
// for the same value meet, and the API answers it with CONFLICT.
func Unique(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return pqErr.Code == "23505"
	}
	// modernc.org/sqlite's *Error, by its method, so that this package does
	// not compile the SQLite driver into what imports it.
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		switch coded.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return true
		}
	}
	return false
}

// SQLite's extended result codes (sqlite3.h).
const (
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)
