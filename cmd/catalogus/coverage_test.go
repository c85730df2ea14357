package main

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/coverage/tally"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestCoverageRebuild empties coverage's rows of a seeded database and has
// catalogus coverage rebuild count them again from the tables.
func TestCoverageRebuild(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			u := storetest.URL(t, d)
			if code, out, stderr := runCLI(t, "seed", "--database", u); code != 0 {
				t.Fatalf("seed: exit %d, out %q, stderr %q", code, out, stderr)
			}
			ctx := context.Background()
			db, err := store.Open(ctx, u, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			want, err := tally.Computed(ctx, db.SQL)
			if err != nil || len(want) == 0 {
				t.Fatalf("rows from the tables: %d, %v", len(want), err)
			}
			if _, err := db.SQL.ExecContext(ctx, "DELETE FROM coverage_products"); err != nil {
				t.Fatal(err)
			}
			code, out, stderr := runCLI(t, "coverage", "rebuild", "--database", u)
			if code != 0 || !strings.Contains(out, fmt.Sprintf("counted the coverage of %d published products", len(want))) {
				t.Fatalf("coverage rebuild: exit %d, out %q, stderr %q", code, out, stderr)
			}
			got, err := tally.All(ctx, db.SQL)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("after the rebuild %d rows, from the tables %d, and they differ", len(got), len(want))
			}
		})
	}
}
