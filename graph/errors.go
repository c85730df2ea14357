package graph

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/editing"
)

// The error codes the API gives in extensions.code, after the ecosystem's
// conventions.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeInternal        = "INTERNAL_SERVER_ERROR"
	CodeUnavailable     = "SERVICE_UNAVAILABLE"
	CodeBadRequest      = "BAD_REQUEST"
)

// ErrorPresenter is the one error funnel: it gives every error a code, keeps
// plain-language messages for the caller's mistakes, and hides everything
// else behind a request id, logging the details.
func ErrorPresenter(log *slog.Logger, requestID func(context.Context) string) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		set := func(code, msg string) *gqlerror.Error {
			gqlErr.Message = msg
			gqlErr.Extensions["code"] = code
			return gqlErr
		}
		var (
			fe       *catalog.FieldError
			nf       *catalog.NotFoundError
			conflict *editing.ConflictError
			ve       *ent.ValidationError
		)
		switch {
		case errors.As(err, &fe):
			gqlErr.Extensions["field"] = fe.Field
			gqlErr.Extensions["reason"] = fe.Code
			return set(CodeBadUserInput, fe.Message)
		case errors.As(err, &nf):
			gqlErr.Extensions["field"] = nf.Field
			return set(CodeNotFound, nf.Message)
		case errors.As(err, &conflict):
			gqlErr.Extensions["currentVersion"] = conflict.Current
			return set(CodeConflict, conflict.Error())
		case errors.Is(err, auth.ErrUnauthenticated):
			return set(CodeUnauthenticated, auth.ErrUnauthenticated.Error())
		case errors.Is(err, privacy.Deny):
			reason := strings.TrimPrefix(err.Error(), privacy.Deny.Error()+": ")
			if i := strings.LastIndex(reason, privacy.Deny.Error()+": "); i >= 0 {
				reason = reason[i+len(privacy.Deny.Error())+2:]
			}
			return set(CodeForbidden, "you may not do this: "+reason)
		case ent.IsNotFound(err):
			return set(CodeNotFound, "not found, or not yours to see")
		case errors.As(err, &ve):
			gqlErr.Extensions["field"] = catalog.APIName(ve.Name)
			return set(CodeBadUserInput, "the value of "+catalog.APIName(ve.Name)+" is not valid")
		case ent.IsConstraintError(err):
			return set(CodeBadUserInput, "this conflicts with an existing record: a code, slug or channel that must be unique is taken")
		}
		if databaseDown(err) {
			log.Warn("database unreachable", "request_id", requestID(ctx), "err", err)
			return set(CodeUnavailable, "the catalogue's database cannot be reached right now; try again in a moment")
		}
		if code, ok := gqlErr.Extensions["code"]; ok && code != "" {
			// Parse and validation errors from gqlgen keep their own code and message.
			return gqlErr
		}
		if strings.HasPrefix(gqlErr.Message, "json request body could not be decoded") || strings.HasPrefix(gqlErr.Message, "could not get json request body") {
			// The HTTP request itself is broken; do not echo it back.
			return set(CodeBadRequest, "the request body is not valid JSON; send {\"query\": \"…\", \"variables\": {…}}")
		}
		var ge *gqlerror.Error
		if errors.As(err, &ge) && ge.Err == nil {
			// An error gqlgen made itself (say, a bad argument value) speaks for itself.
			gqlErr.Extensions["code"] = CodeBadUserInput
			return gqlErr
		}
		id := requestID(ctx)
		log.Error("internal error", "request_id", id, "path", gqlErr.Path.String(), "err", err)
		gqlErr.Extensions["requestId"] = id
		return set(CodeInternal, "internal error; quote request "+id+" when you report it")
	}
}

// databaseDown tells a lost or refused database connection from other errors.
// DatabaseDown reports whether err says the database cannot be reached; the
// server's other endpoints answer 503 on it, as the API does.
func DatabaseDown(err error) bool { return databaseDown(err) }

func databaseDown(err error) bool {
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "bad connection") ||
		strings.Contains(msg, "broken pipe") || strings.Contains(msg, "connection reset")
}
