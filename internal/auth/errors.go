package auth

import (
	"fmt"

	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// ErrUnauthenticated is returned for a wrong, unknown or revoked credential,
// and for anonymous attempts to change something.
var ErrUnauthenticated error = unauthenticated{}

type unauthenticated struct{}

func (unauthenticated) Error() string {
	return "authentication required: send a valid API token as `Authorization: Bearer …`"
}
func (e unauthenticated) APIMessage() string          { return e.Error() }
func (unauthenticated) APICode() string               { return catalog.CodeUnauthenticated }
func (unauthenticated) APIExtensions() map[string]any { return nil }

// Denial is a privacy rule's refusal with its reason in plain words. It is
// Ent's privacy.Deny (errors.Is finds it, so Ent stops at it), and the API
// shows it as FORBIDDEN with the reason.
type Denial struct{ Reason string }

// deny refuses, saying why.
func deny(format string, args ...any) error {
	return &Denial{Reason: fmt.Sprintf(format, args...)}
}

func (e *Denial) Error() string { return e.Reason + ": " + privacy.Deny.Error() }
func (e *Denial) Unwrap() error { return privacy.Deny }

func (e *Denial) APICode() string               { return catalog.CodeForbidden }
func (e *Denial) APIMessage() string            { return "you may not do this: " + e.Reason }
func (e *Denial) APIExtensions() map[string]any { return nil }
