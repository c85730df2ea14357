package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/migrate"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMovesVersion(t *testing.T) {
	for _, tc := range []struct {
		query, table string
		moves        bool
	}{
		// As Ent writes them on both databases.
		{`INSERT INTO "products" ("slug", "name") VALUES ($1, $2) RETURNING "id"`, "products", true},
		{"INSERT INTO `upl_entries` (`uri`) VALUES (?)", "upl_entries", true},
		{`UPDATE "availabilities" SET "status" = $1 WHERE "id" = $2`, "availabilities", true},
		{`DELETE FROM "availability_locations" WHERE "availability_id" = $1`, "availability_locations", true},
		{`update "public"."Channels" set active = false`, "channels", true},
		// Raw statements of the importers, retention and the generator.
		{"\n\t\tUPDATE change_events SET actor = $1 WHERE actor = $2", "change_events", true},
		{"INSERT OR IGNORE INTO targets (id) VALUES (1)", "targets", true},
		{`COPY "change_events" ("id", "actor") FROM STDIN`, "change_events", true},
		{"-- a comment first\n/* and another */ DELETE FROM ONLY callback_requests", "callback_requests", true},
		{"UPDATE OR REPLACE ONLY survey_results SET x = 1", "survey_results", true},
		{"WITH old AS (SELECT id FROM products) UPDATE products SET name = ''", "", true},
		{"TRUNCATE TABLE contact_volumes", "contact_volumes", true},
		// Bookkeeping that no anonymous answer shows.
		{"UPDATE catalogue_version SET version = version + 1 WHERE id = 1", "catalogue_version", false},
		{`INSERT INTO "security_events" ("kind") VALUES ($1) RETURNING "id"`, "security_events", false},
		{`UPDATE "api_tokens" SET "revoked_at" = $1`, "api_tokens", false},
		{"INSERT INTO sqlite_sequence (name, seq) VALUES ('x', 1)", "sqlite_sequence", false},
		// Reads and the rest.
		{`SELECT "products"."id" FROM "products" WHERE "updated_at" > $1`, "", false},
		{"WITH t AS (SELECT 1) SELECT * FROM t", "", false},
		{"PRAGMA user_version = 0", "", false},
		{"SAVEPOINT csvsheet_row", "", false},
		{"CREATE TABLE x (id INTEGER)", "", false},
		{"SELECT setval(pg_get_serial_sequence($1, 'id'), $2)", "", false},
		{"", "", false},
	} {
		table, moves := store.MovesVersion(tc.query)
		if table != tc.table || moves != tc.moves {
			t.Errorf("MovesVersion(%q) = %q, %v; want %q, %v", tc.query, table, moves, tc.table, tc.moves)
		}
	}
}

// TestEveryTableMovesTheVersion changes a row of every table of the schema,
// as any write path would, and checks that the catalogue's version — what
// ETags and the response cache of anonymous reads key on — moves with each
// committed change, inside a transaction or not, and with none of the
// bookkeeping that no anonymous answer shows. The seed fills every table; a
// new table it leaves empty fails the test until it is filled or declared
// bookkeeping.
func TestEveryTableMovesTheVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := fixture.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		if _, err := (auth.Tokens{Client: db.Client}).Create(ctx, "website", auth.Admin, ""); err != nil {
			t.Fatal(err)
		}
		if err := auth.Record(ctx, db.Client, auth.AuthFailed, "token:piet", "192.0.2.1", "fout"); err != nil {
			t.Fatal(err)
		}
		// Synonyms are an admin's, never the seed's.
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			city, err := tx.Organization.Query().Where(organization.KindEQ(organization.KindMUNICIPALITY)).FirstID(ctx)
			if err != nil {
				return err
			}
			return tx.Synonym.Create().SetTerms([]string{"stadswinkel", "balie"}).SetMunicipalityID(city).Exec(ctx)
		})
		now := time.Now()
		// Webhooks are an admin's too: one subscription with one delivery.
		city, err := db.Client.Organization.Query().Where(organization.KindEQ(organization.KindMUNICIPALITY)).FirstID(auth.Allow(ctx))
		if err != nil {
			t.Fatal(err)
		}
		sub, err := db.Client.WebhookSubscription.Create().SetURL("https://example.org/hook").SetSecret("geheim").
			SetMunicipalityID(city).SetCreatedBy("test").SetCreatedAt(now).SetUpdatedAt(now).Save(auth.Allow(ctx))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Client.WebhookDelivery.Create().SetSubscription(sub).SetEventID(1).SetIdempotencyKey("k").
			SetPayload(map[string]any{}).SetNextAttemptAt(now).SetCreatedAt(now).Exec(auth.Allow(ctx)); err != nil {
			t.Fatal(err)
		}
		if err := db.Client.EditorSession.Create().SetSecretHash("0123").SetName("piet").SetRole("EDITOR").
			SetCreatedAt(now).SetExpiresAt(now.Add(time.Hour)).SetCheckedAt(now).SetRecheckAt(now).Exec(auth.Allow(ctx)); err != nil {
			t.Fatal(err)
		}
		version := func() int64 {
			t.Helper()
			v, err := db.Version(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		for _, tab := range migrate.Tables {
			col := tab.Columns[0].Name
			var rows int
			if err := db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+tab.Name).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if rows == 0 {
				t.Errorf("the seed leaves %s empty: fill it, so that this test can change it", tab.Name)
				continue
			}
			// One row set to what it holds: a change as far as the database
			// is concerned, whichever table.
			touch := fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s = (SELECT MIN(%s) FROM %s)", tab.Name, col, col, col, col, tab.Name)
			_, moves := store.MovesVersion(touch)
			for _, how := range []string{"in a transaction", "on its own", "rolled back", "matching no row"} {
				v0 := version()
				var err error
				switch how {
				case "in a transaction", "rolled back":
					var tx *sql.Tx
					if tx, err = db.SQL.BeginTx(ctx, nil); err != nil {
						t.Fatal(err)
					}
					if _, err = tx.ExecContext(ctx, touch); err != nil {
						t.Fatal(err)
					}
					if how == "rolled back" {
						err = tx.Rollback()
					} else {
						err = tx.Commit()
					}
				case "on its own":
					_, err = db.SQL.ExecContext(ctx, touch)
				case "matching no row":
					_, err = db.SQL.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET %s = %s WHERE 1 = 0", tab.Name, col, col))
				}
				if err != nil {
					t.Fatalf("%s %s: %v", tab.Name, how, err)
				}
				want := v0
				if moves && (how == "in a transaction" || how == "on its own") {
					want = v0 + 1
				}
				if got := version(); got != want {
					t.Errorf("a change of %s %s: the version went from %d to %d, want %d", tab.Name, how, v0, got, want)
				}
			}
			// Written on behalf of callers (a wrong token, a sign-in): if these
			// moved the version, anyone could empty the response cache.
			// Webhook deliveries are written by the dispatcher all day;
			// subscriptions are admins' configuration no answer shows.
			bookkeeping := tab.Name == "api_tokens" || tab.Name == "security_events" || tab.Name == "editor_sessions" ||
				tab.Name == "webhook_deliveries" || tab.Name == "webhook_subscriptions"
			switch {
			case !moves && !bookkeeping:
				t.Errorf("a change of %s leaves the catalogue's version alone", tab.Name)
			case moves && bookkeeping:
				t.Errorf("a change of %s moves the catalogue's version", tab.Name)
			}
		}
	})
}

// TestAWriteWithRowsOnItsOwn: a statement that changes rows and answers some
// (Ent's INSERT … RETURNING on PostgreSQL), run outside a transaction, raises
// the version and still answers its rows. Raising it while the answer was
// still arriving broke PostgreSQL's protocol ("unexpected DataRow").
func TestAWriteWithRowsOnItsOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := auth.Allow(context.Background())
		v0, err := db.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range []string{"Paspoort", "Rijbewijs"} {
			e, err := db.Client.UPLEntry.Create().SetURI("http://standaarden.overheid.nl/owms/terms/" + name).SetName(name).Save(ctx)
			if err != nil {
				t.Fatalf("creating %s outside a transaction: %v", name, err)
			}
			if e.ID == 0 {
				t.Errorf("%s: no id answered", name)
			}
			if v, err := db.Version(ctx); err != nil || v != v0+int64(i)+1 {
				t.Errorf("after %d writes the version is %d (%v), want %d", i+1, v, err, v0+int64(i)+1)
			}
		}
		// The connection is still usable for a query that answers many rows.
		n, err := db.Client.UPLEntry.Query().Count(ctx)
		if err != nil || n < 2 {
			t.Errorf("counting afterwards: %d, %v", n, err)
		}
	})
}
