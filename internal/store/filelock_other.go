//go:build !unix

package store

import "context"

// lockFile is a no-op where flock is missing: SQLite's busy timeout is the
// only wait there.
func lockFile(ctx context.Context, path string) (func(), error) { return func() {}, nil }
