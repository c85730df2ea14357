package catalog

import (
	"errors"
	"fmt"
)

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

// NotFound builds a NotFoundError.
func NotFound(field, format string, args ...any) *NotFoundError {
	return &NotFoundError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// BadArgument builds the FieldError for a query argument.
func BadArgument(field, code, format string, args ...any) *FieldError {
	return fieldErr("argument", field, code, format, args...)
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
