package graph

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/dberr"
)

// The error codes the API gives in extensions.code, after the ecosystem's
// conventions.
// The domain's own refusals carry theirs (catalog.APIError).
const (
	CodeUnauthenticated = catalog.CodeUnauthenticated
	CodeForbidden       = catalog.CodeForbidden
	CodeBadUserInput    = catalog.CodeBadUserInput
	CodeNotFound        = catalog.CodeNotFound
	CodeConflict        = catalog.CodeConflict
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
			ve      *ent.ValidationError
			outcome *catalog.OutcomeError
			refusal catalog.APIError
		)
		switch {
		case errors.As(err, &outcome):
			// First: whatever went wrong, the caller must learn that the
			// change went through, or may have.
			return presentOutcome(ctx, log, requestID, gqlErr, outcome)
		case errors.As(err, &refusal):
			for k, v := range refusal.APIExtensions() {
				gqlErr.Extensions[k] = v
			}
			return set(refusal.APICode(), refusal.APIMessage())
		case errors.Is(err, privacy.Deny):
			// A rule that gave no reason (auth's rules give theirs as auth.Denial).
			return set(CodeForbidden, "you may not do this: "+err.Error())
		case ent.IsNotFound(err):
			return set(CodeNotFound, "not found, or not yours to see")
		case errors.As(err, &ve):
			gqlErr.Extensions["field"] = catalog.APIName(ve.Name)
			return set(CodeBadUserInput, "the value of "+catalog.APIName(ve.Name)+" is not valid")
		case dberr.Unique(err):
			// Two writers raced for the same code or slug; the rules refuse
			// a taken one before writing.
			return set(CodeConflict, "this conflicts with an existing record: a code, slug or channel that must be unique is taken")
		case ent.IsConstraintError(err):
			return set(CodeBadUserInput, "this conflicts with an existing record: a code, slug or channel that must be unique is taken")
		}
		if dberr.Unreachable(err) {
			// The server logs an outage once, as it begins and ends, not per request.
			log.Debug("database unreachable", "request_id", requestID(ctx), "err", err)
			return set(CodeUnavailable, UnavailableMessage)
		}
		if timedOut(ctx, err) {
			log.Debug("request out of time", "request_id", requestID(ctx), "err", err)
			return set(CodeTimeout, timeoutMessage)
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

// UnavailableMessage is what every caller reads while the database cannot be reached.
const UnavailableMessage = "the catalogue's database cannot be reached right now; try again in a moment"

// timedOut tells an error caused by the request's deadline: the context's
// own error, or the database's answer to the cancellation it caused.
func timedOut(ctx context.Context, err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// presentOutcome says what happened to a change that was sent to be saved
// when an error came after it (catalog.OutcomeError): extensions.outcome is
// SAVED or UNKNOWN, and the code tells why the answer is incomplete.
func presentOutcome(ctx context.Context, log *slog.Logger, requestID func(context.Context) string, gqlErr *gqlerror.Error, o *catalog.OutcomeError) *gqlerror.Error {
	code := CodeInternal
	switch {
	case dberr.Unreachable(o.Err):
		code = CodeUnavailable
	case timedOut(ctx, o.Err):
		code = CodeTimeout
	default:
		id := requestID(ctx)
		log.Error("internal error after a commit", "request_id", id, "path", gqlErr.Path.String(), "saved", o.Saved, "err", o.Err)
		gqlErr.Extensions["requestId"] = id
	}
	gqlErr.Extensions["code"] = code
	if o.Saved {
		gqlErr.Extensions["outcome"] = "SAVED"
		gqlErr.Message = "your change was saved, but reading it back failed; reload to see it"
	} else {
		gqlErr.Extensions["outcome"] = "UNKNOWN"
		gqlErr.Message = "the connection to the database was lost while your change was being saved: it may or may not have been saved; reload before you try again"
	}
	return gqlErr
}

// DatabaseDown reports whether err says the database cannot be reached; the
// server's other endpoints answer 503 on it, as the API does.
func DatabaseDown(err error) bool { return dberr.Unreachable(err) }
