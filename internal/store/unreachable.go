package store

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
