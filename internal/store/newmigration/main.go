// Command newmigration writes the next versioned migration for PostgreSQL and
// for SQLite after a change to the Ent schema:
//
//	go generate ./...
//	go run ./internal/store/newmigration add_location_phone
//
// SQLite's dev database lives in memory. PostgreSQL's is a throwaway schema
// in the database at CATALOGUS_DEV_DATABASE_URL (default: the local server's
// postgres database). When the migrations already match the schema nothing is
// written. Commit the new files with the schema change; the store tests fail
// while the two disagree.
//
// When a version is released, its migrations become immutable:
//
//	go run ./internal/store/newmigration -release
//
// adds every file not yet listed to migrations/released.sum with its SHA-256;
// from then on a test fails when one of them changes, and catalogus refuses
// to migrate with an edited copy.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	_ "github.com/lib/pq"
	_ "modernc.org/sqlite"

	"github.com/gemeente-rotterdam/catalogus/internal/store/schemadiff"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func main() {
	if len(os.Args) == 2 && (os.Args[1] == "-release" || os.Args[1] == "--release") {
		_, self, _, _ := runtime.Caller(0)
		if err := release(filepath.Join(filepath.Dir(self), "..", "migrations")); err != nil {
			fmt.Fprintln(os.Stderr, "newmigration:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) != 2 || strings.HasPrefix(os.Args[1], "-") {
		fmt.Fprintln(os.Stderr, "usage: go run ./internal/store/newmigration NAME   (NAME in snake_case, e.g. add_location_phone)")
		fmt.Fprintln(os.Stderr, "       go run ./internal/store/newmigration -release   (lists the migrations as released in migrations/released.sum)")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "newmigration:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, name string) error {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "migrations")

	sqlite, err := sql.Open("sqlite", "file:dev?mode=memory&_pragma=foreign_keys(1)")
	if err != nil {
		return err
	}
	defer sqlite.Close()
	sqlite.SetMaxOpenConns(1)
	err = write(dialect.SQLite, filepath.Join(root, "sqlite"), func(dir migrate.Dir) error {
		return schemadiff.WriteSQLite(ctx, sqlite, dir, name)
	})
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}

	url := os.Getenv("CATALOGUS_DEV_DATABASE_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	dev, drop, err := storetest.NewSchema(ctx, url, "catalogus_dev")
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer drop()
	err = write(dialect.Postgres, filepath.Join(root, "postgres"), func(dir migrate.Dir) error {
		return schemadiff.WritePostgres(ctx, dev, dir, name)
	})
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

func write(d, path string, diff func(migrate.Dir) error) error {
	dir, err := migrate.NewLocalDir(path)
	if err != nil {
		return err
	}
	before, err := dir.Files()
	if err != nil {
		return err
	}
	if err := diff(dir); err != nil {
		return err
	}
	after, err := dir.Files()
	if err != nil {
		return err
	}
	if len(after) == len(before) {
		fmt.Printf("%s: migrations already match the schema; nothing written\n", d)
		return nil
	}
	fmt.Printf("%s: wrote %s\n", d, filepath.Join(path, after[len(after)-1].Name()))
	return nil
}
