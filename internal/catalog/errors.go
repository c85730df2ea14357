package catalog

import (
	"errors"
	"fmt"
)

// The codes of the API's extensions.code that domain errors carry.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
)

// APIError is an error the caller can act on, shown by the API as it is: its
// message, its code in extensions.code and any further extensions. The error
// funnel (graph/errors.go) asks this of an error, so that a new kind of
// refusal needs no case there.
type APIError interface {
	error
	APICode() string
	// APIMessage is the message in plain words for the caller.
	APIMessage() string
	// APIExtensions are the extensions besides the code (nil: none).
	APIExtensions() map[string]any
}

// FieldError says which input field is wrong and why, in plain words. The API
// turns it into a BAD_USER_INPUT error whose extensions name the field, and the
// command line prints it as is.
type FieldError struct {
	// Entity is the kind of thing being written: "product", "availability", …
	Entity string
	// Field is the field's name as the API spells it (camelCase), e.g. "plannedDate".
	Field string
	// Code is a stable, machine-readable reason ("required", "format", "duplicate",
	// "past", …) so that front ends can show their own translation.
	Code string
	// Message explains the problem to a product owner.
	Message string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s.%s: %s", e.Entity, e.Field, e.Message)
}

func (e *FieldError) APICode() string { return CodeBadUserInput }

// APIMessage is the message alone: the field is in the extensions.
func (e *FieldError) APIMessage() string { return e.Message }

func (e *FieldError) APIExtensions() map[string]any {
	return map[string]any{"field": e.Field, "reason": e.Code}
}

// AsFieldError finds a FieldError in err's chain.
func AsFieldError(err error) (*FieldError, bool) {
	var fe *FieldError
	ok := errors.As(err, &fe)
	return fe, ok
}

func fieldErr(entity, field, code, format string, args ...any) *FieldError {
	return &FieldError{Entity: entity, Field: field, Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFoundError says that something the caller named does not exist, or is
// not theirs to see: the API does not tell the two apart.
type NotFoundError struct {
	// Field is the input field or argument that named it.
	Field   string
	Message string
}

func (e *NotFoundError) Error() string { return e.Message }

func (e *NotFoundError) APICode() string { return CodeNotFound }

func (e *NotFoundError) APIMessage() string { return e.Message }

func (e *NotFoundError) APIExtensions() map[string]any { return map[string]any{"field": e.Field} }

// NotFound builds a NotFoundError.
func NotFound(field, format string, args ...any) *NotFoundError {
	return &NotFoundError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// BadArgument builds the FieldError for a query argument.
func BadArgument(field, code, format string, args ...any) *FieldError {
	return fieldErr("argument", field, code, format, args...)
}

// ConflictError says that a record changed since the editor saw it: the save
// that expected the older version changes nothing.
type ConflictError struct {
	// Entity is the kind of record ("product", "answer"); Name says which
	// one in the words the editor knows it by (a product's slug, an answer's id).
	Entity, Name      string
	Expected, Current int
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s %s changed since you opened it (you had version %d, it is now at %d); reload it and make your change again",
		e.Entity, e.Name, e.Expected, e.Current)
}

func (e *ConflictError) APICode() string { return CodeConflict }

func (e *ConflictError) APIMessage() string { return e.Error() }

func (e *ConflictError) APIExtensions() map[string]any {
	return map[string]any{"currentVersion": e.Current}
}

// OutcomeError is an error met after a change was sent to be saved. Saved
// says that the change is in the database and only reading it back failed;
// otherwise the connection was lost during the commit and nobody can tell
// whether it went through. The API says so rather than report the change as
// failed: a caller who believes that would make it again.
type OutcomeError struct {
	Saved bool
	Err   error
}

func (e *OutcomeError) Error() string {
	if e.Saved {
		return "the change was saved, but reading it back failed: " + e.Err.Error()
	}
	return "the change may or may not have been saved: " + e.Err.Error()
}

func (e *OutcomeError) Unwrap() error { return e.Err }
