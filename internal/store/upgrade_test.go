package store_test

import (
	"context"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/ent/privacy"

	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestUpgradeKeepsData migrates a database that holds data from the first
// versioned migration to the newest and checks that nothing is lost. The data
// is written in SQL, as the first version's schema knew it.
func TestUpgradeKeepsData(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			dl := map[string]string{"sqlite": dialect.SQLite, "postgres": dialect.Postgres}[d]
			all, err := store.MigrationsFor(dl)
			if err != nil || len(all) < 2 {
				t.Skipf("needs two migrations or more, has %d (%v)", len(all), err)
			}
			db := storetest.Open(t, d, storetest.Unmigrated())
			ctx := context.Background()
			if _, err := db.MigrateTo(ctx, all[0].Version, nil); err != nil {
				t.Fatal(err)
			}
			ts := "'2024-01-02 09:00:00+00:00'"
			for _, stmt := range []string{
				`INSERT INTO organizations (id, created_at, updated_at, code, name, kind) VALUES (17179869185, ` + ts + `, ` + ts + `, 'g', 'Gemeente', 'MUNICIPALITY')`,
				`INSERT INTO channels (id, created_at, updated_at, code, name, name_en, description, digital, assisted, youth, active, sort_order)
					VALUES (8589934593, ` + ts + `, ` + ts + `, 'website', 'Website', 'Website', '', true, false, false, true, 1)`,
				`INSERT INTO products (id, created_at, updated_at, slug, name, summary, description, audiences, theme, status, version, owner_id, municipality_id)
					VALUES (21474836481, ` + ts + `, ` + ts + `, 'paspoort', 'Paspoort', 'Kort', '', '["RESIDENT"]', 'Documenten', 'PUBLISHED', 3, 17179869185, 17179869185)`,
				`INSERT INTO availabilities (id, created_at, updated_at, status, last_reviewed, cost_currency, identification, product_id, channel_id, reason)
					VALUES (1, ` + ts + `, ` + ts + `, 'UNAVAILABLE', ` + ts + `, 'EUR', 'NONE', 21474836481, 8589934593, 'Aan de balie.')`,
				`INSERT INTO change_events (id, entity, entity_id, action, product_id, municipality_id, state, changes, actor, recorded_at, tx_id)
					VALUES (4294967297, 'PRODUCT', 21474836481, 'CREATE', 21474836481, 17179869185, 'PUBLISHED', '[]', 'test', ` + ts + `, 'tx')`,
			} {
				if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			applied, err := db.Migrate(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) != len(all)-1 {
				t.Errorf("applied %v, want the %d later migrations", applied, len(all)-1)
			}
			c := db.Client
			p, err := c.Product.Get(allow(ctx), 21474836481)
			if err != nil || p.Slug != "paspoort" || p.Version != 3 || p.Audiences[0] != "RESIDENT" {
				t.Fatalf("product after the upgrade: %+v, %v", p, err)
			}
			a, err := c.Availability.Get(allow(ctx), 1)
			if err != nil || a.Reason == nil || *a.Reason != "Aan de balie." || a.ProductID != p.ID {
				t.Fatalf("availability after the upgrade: %+v, %v", a, err)
			}
			if n, err := c.ChangeEvent.Query().Count(allow(ctx)); err != nil || n != 1 {
				t.Errorf("%d change events after the upgrade, %v", n, err)
			}
		})
	}
}

// allow reads past the privacy rules, as an operator would.
func allow(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }
