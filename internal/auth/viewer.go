// Package auth knows who is calling — the viewer — and what they may do.
// The viewer is one type in the request context whatever the credential (API
// tokens now, browser sessions later); the Ent privacy policies (one file per entity)
// read it on every query and mutation, so no path escapes them.
package auth

import (
	"context"
	"slices"

	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

// Role is what a viewer may do.
type Role string

// The roles.
const (
	// Admin administers its organization and the units below it: products,
	// availability, organizations, locations and targets; an admin without an
	// organization administers everything, channels included.
	Admin Role = "ADMIN"
	// Editor keeps the products of its organization and the units below it,
	// and their availability, up to date.
	Editor Role = "EDITOR"
)

// Viewer is an authenticated caller. Anonymous callers have no viewer.
type Viewer struct {
	// Name identifies the caller in the change log, e.g. "token:website".
	Name string
	Role Role
	// OrganizationID is the organization the viewer acts for; nil for an
	// admin of everything.
	OrganizationID *int
	// Scope lists the organization and every unit below it; nil when the
	// viewer's reach is unlimited.
	Scope []int
}

// Unlimited reports whether the viewer reaches every organization.
func (v *Viewer) Unlimited() bool { return v != nil && v.Role == Admin && v.OrganizationID == nil }

// Reaches reports whether the organization lies within the viewer's scope.
func (v *Viewer) Reaches(org int) bool {
	if v == nil {
		return false
	}
	return v.Unlimited() || slices.Contains(v.Scope, org)
}

type viewerKey struct{}

// NewContext returns a context for requests made by v. Writes in it are
// attributed to v in the change log.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	ctx = context.WithValue(ctx, viewerKey{}, v)
	return changelog.WithActor(ctx, changelog.Actor{Name: v.Name, OrganizationID: v.OrganizationID})
}

// FromContext returns the viewer of ctx, or nil for an anonymous caller.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}

// System returns a context for the catalogue's own jobs (the command line,
// the seed, imports): it passes every privacy rule, and its writes are
// attributed to the job.
func System(ctx context.Context, job string) context.Context {
	return changelog.WithActor(privacy.DecisionContext(ctx, privacy.Allow), changelog.System(job))
}
