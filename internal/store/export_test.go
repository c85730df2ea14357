package store

import (
	"context"
	"log/slog"
)

// MigrateFiles is Migrate with the given files in place of the embedded
// ones: the tests edit, remove and add files with it.
func (db *DB) MigrateFiles(ctx context.Context, all []Migration) ([]string, error) {
	return migrate(ctx, db.SQL, db.Target.Dialect, slog.New(slog.DiscardHandler), all, nil)
}
