// Package schemadiff compares the Ent schema with the versioned migrations and
// writes the migration that closes the gap. The migration tool
// (internal/store/newmigration) and the test that keeps the migrations in step
// with the schema both use it; the service itself never does, which keeps
// Atlas's planner out of the binary.
package schemadiff

import (
	"context"
	"database/sql"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "github.com/gemeente-rotterdam/catalogus/ent/migrate"
)

func options(d string, dir migrate.Dir) []schema.MigrateOption {
	return []schema.MigrateOption{
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(d),
		schema.WithFormatter(migrate.DefaultFormatter),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
	}
}

// WriteSQLite replays the migrations in dir on an empty SQLite dev database,
// compares the result with the Ent schema and, when they differ, writes a new
// migration file named name into dir (and updates atlas.sum). It writes
// nothing when the migrations already match the schema.
func WriteSQLite(ctx context.Context, dev *sql.DB, dir migrate.Dir, name string) error {
	drv := entsql.OpenDB(dialect.SQLite, dev)
	return entmigrate.NewSchema(drv).NamedDiff(ctx, name, options(dialect.SQLite, dir)...)
}

// WritePostgres is WriteSQLite for PostgreSQL. devURL must name an empty
// schema through its search_path parameter, so that the migration is written
// for whatever schema it is later applied in.
func WritePostgres(ctx context.Context, devURL string, dir migrate.Dir, name string) error {
	return entmigrate.NamedDiff(ctx, devURL, name, options(dialect.Postgres, dir)...)
}
