package changelog_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/location"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func withClock(clk clock.Clock) storetest.Option {
	return storetest.WithStoreOptions(store.Options{Clock: clk})
}

func events(t *testing.T, c *ent.Client, preds ...func(*ent.ChangeEventQuery) *ent.ChangeEventQuery) []*ent.ChangeEvent {
	t.Helper()
	q := c.ChangeEvent.Query().Order(ent.Asc(changeevent.FieldRecordedAt), ent.Asc(changeevent.FieldID))
	for _, p := range preds {
		q = p(q)
	}
	evs, err := q.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func countEvents(t *testing.T, c *ent.Client) int {
	t.Helper()
	n, err := c.ChangeEvent.Query().Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func changed(ev *ent.ChangeEvent) map[string][2]string {
	out := map[string][2]string{}
	for _, c := range ev.Changes {
		out[c.Field] = [2]string{string(c.Old), string(c.New)}
	}
	return out
}

func TestProductLifecycleIsLogged(t *testing.T) {
	clk := clock.NewManual(t0)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk.Set(t0)
		k := fixture.New(t, db.Client)
		clk.Advance(time.Hour)
		p := k.Product(t, db.Client, "paspoort", k.DepartmentA1)

		if !p.CreatedAt.Equal(t0.Add(time.Hour)) || !p.UpdatedAt.Equal(p.CreatedAt) {
			t.Errorf("timestamps = %v / %v, want both %v (the clock)", p.CreatedAt, p.UpdatedAt, t0.Add(time.Hour))
		}
		if p.MunicipalityID != k.Municipality.ID {
			t.Errorf("municipality = %d, want the root %d", p.MunicipalityID, k.Municipality.ID)
		}
		evs := events(t, db.Client, func(q *ent.ChangeEventQuery) *ent.ChangeEventQuery {
			return q.Where(changeevent.EntityEQ(changeevent.EntityPRODUCT))
		})
		if len(evs) != 1 {
			t.Fatalf("got %d product events after create, want 1", len(evs))
		}
		ev := evs[0]
		if ev.Action != changeevent.ActionCREATE || ev.EntityID != p.ID || *ev.ProductID != p.ID ||
			*ev.MunicipalityID != k.Municipality.ID || *ev.State != "PUBLISHED" || ev.Actor != "test" ||
			!ev.RecordedAt.Equal(t0.Add(time.Hour)) || ev.ChannelID != nil {
			t.Errorf("create event = %+v", ev)
		}
		if got := changed(ev)["slug"]; got != [2]string{"null", `"paspoort"`} {
			t.Errorf("slug change = %v", got)
		}
		if _, ok := changed(ev)["created_at"]; ok {
			t.Error("bookkeeping field created_at is logged as a change")
		}

		// A real change: one event with exactly that field, version up.
		clk.Advance(time.Hour)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			p = tx.Product.UpdateOneID(p.ID).SetName("Paspoort aanvragen").SetTheme("Test").SaveX(ctx)
			return nil
		})
		if p.Version != 2 || !p.UpdatedAt.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("after change: version %d updated %v, want 2 and %v", p.Version, p.UpdatedAt, t0.Add(2*time.Hour))
		}
		evs = events(t, db.Client, func(q *ent.ChangeEventQuery) *ent.ChangeEventQuery {
			return q.Where(changeevent.EntityEQ(changeevent.EntityPRODUCT), changeevent.ActionEQ(changeevent.ActionUPDATE))
		})
		if len(evs) != 1 {
			t.Fatalf("got %d update events, want 1", len(evs))
		}
		want := map[string][2]string{"name": {`"Product paspoort"`, `"Paspoort aanvragen"`}}
		if got := changed(evs[0]); len(got) != 1 || got["name"] != want["name"] {
			t.Errorf("update changes = %v, want %v", got, want)
		}

		// A write that changes nothing writes and records nothing.
		before := countEvents(t, db.Client)
		clk.Advance(time.Hour)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			_, err := tx.Product.UpdateOneID(p.ID).SetName("Paspoort aanvragen").SetStatus(product.StatusPUBLISHED).Save(ctx)
			return err
		})
		if n := countEvents(t, db.Client); n != before {
			t.Errorf("no-op update added %d events", n-before)
		}
		got := db.Client.Product.GetX(context.Background(), p.ID)
		if got.Version != 2 || !got.UpdatedAt.Equal(p.UpdatedAt) {
			t.Errorf("no-op update changed version/updated_at: %d %v", got.Version, got.UpdatedAt)
		}

		// Products are retired, not deleted.
		err := fixture.Try(db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Product.DeleteOneID(p.ID).Exec(ctx)
		})
		if err == nil || !strings.Contains(err.Error(), "retired, not deleted") {
			t.Errorf("delete product: err = %v, want a refusal", err)
		}
	}, withClock(clk))
}

func TestWritesOutsideTheRulesAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "parkeervergunning", k.ClusterA)
		before := countEvents(t, db.Client)

		// Outside a transaction.
		_, err := db.Client.Product.UpdateOneID(p.ID).SetName("Anders").Save(fixture.Ctx())
		if err == nil || !strings.Contains(err.Error(), "must run in a transaction") {
			t.Errorf("write outside a transaction: err = %v", err)
		}
		// Without an actor (past the privacy rules, which would refuse it first).
		allowed := privacy.DecisionContext(context.Background(), privacy.Allow)
		tx, err := db.Client.Tx(allowed)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tx.Product.UpdateOneID(p.ID).SetName("Anders").Save(allowed)
		tx.Rollback()
		if !errors.Is(err, changelog.ErrNoActor) {
			t.Errorf("write without actor: err = %v", err)
		}
		// In bulk.
		err = fixture.Try(db.Client, func(ctx context.Context, tx *ent.Client) error {
			_, err := tx.Product.Update().Where(product.ID(p.ID)).SetName("Anders").Save(ctx)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "one record at a time") {
			t.Errorf("bulk update: err = %v", err)
		}
		// From the other side of an edge: adding a child sets its parent unlogged.
		err = fixture.Try(db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Organization.UpdateOneID(k.ClusterB.ID).AddChildIDs(k.DepartmentA1.ID).Exec(ctx)
		})
		if err == nil || !strings.Contains(err.Error(), "cannot be changed from the organization side") {
			t.Errorf("edge change from the parent: err = %v", err)
		}
		// Writing events directly, or changing them.
		err = fixture.Try(db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.ChangeEvent.Create().SetEntity(changeevent.EntityPRODUCT).SetEntityID(p.ID).
				SetAction(changeevent.ActionUPDATE).SetChanges(nil).SetActor("x").SetRecordedAt(t0).SetTxID("x").Exec(ctx)
		})
		if err == nil || !strings.Contains(err.Error(), "not directly") {
			t.Errorf("direct event write: err = %v", err)
		}
		err = fixture.Try(db.Client, func(ctx context.Context, tx *ent.Client) error {
			_, err := tx.ChangeEvent.Delete().Exec(ctx)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "immutable") {
			t.Errorf("event delete: err = %v", err)
		}

		if got := db.Client.Product.GetX(context.Background(), p.ID); got.Name != p.Name || got.Version != 1 {
			t.Errorf("refused writes changed the product: %+v", got)
		}
		if n := countEvents(t, db.Client); n != before {
			t.Errorf("refused writes left %d events", n-before)
		}
	})
}

func TestAvailabilityChangesAreLoggedAndBumpTheProduct(t *testing.T) {
	clk := clock.NewManual(t0)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk.Set(t0)
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "afvalpas", k.ClusterB)
		var loc1, loc2 *ent.Location
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			loc1 = tx.Location.Create().SetCode("stadswinkel-a").SetName("Stadswinkel A").SetKind(location.KindCITY_OFFICE).
				SetStreet("Straat 1").SetPostalCode("3011 AA").SetCity("Test").SetVisit(location.VisitAPPOINTMENT).
				SetMunicipalityID(k.Municipality.ID).SaveX(ctx)
			loc2 = tx.Location.Create().SetCode("wijkhub-b").SetName("Wijkhub B").SetKind(location.KindWIJKHUB).
				SetStreet("Straat 2").SetPostalCode("3011 AB").SetCity("Test").SetVisit(location.VisitWALK_IN).
				SetMunicipalityID(k.Municipality.ID).SaveX(ctx)
			return nil
		})

		var a *ent.Availability
		var txCreate, txUpdate string
		clk.Advance(time.Hour)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			var err error
			a, err = tx.Availability.Create().SetProduct(p).SetChannel(k.Balie).
				SetStatus(availability.StatusAVAILABLE).AddLocations(loc1).Save(ctx)
			return err
		})
		if a.AvailableSince == nil || !a.AvailableSince.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("available_since = %v, want the clock's date", a.AvailableSince)
		}
		if got := db.Client.Product.GetX(context.Background(), p.ID); got.Version != 2 {
			t.Errorf("product version after availability create = %d, want 2", got.Version)
		}
		ev := events(t, db.Client, func(q *ent.ChangeEventQuery) *ent.ChangeEventQuery {
			return q.Where(changeevent.EntityEQ(changeevent.EntityAVAILABILITY))
		})[0]
		txCreate = ev.TxID
		if *ev.ProductID != p.ID || *ev.ChannelID != k.Balie.ID || *ev.MunicipalityID != k.Municipality.ID || *ev.State != "AVAILABLE" {
			t.Errorf("availability create event = %+v", ev)
		}
		if got := changed(ev)["locations"]; got != [2]string{"null", `["stadswinkel-a"]`} {
			t.Errorf("locations change = %v", got)
		}

		// Status and locations change in one write: one event, one transaction id.
		clk.Advance(24 * time.Hour)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			var err error
			a, err = tx.Availability.UpdateOneID(a.ID).SetStatus(availability.StatusPLANNED).
				SetPlannedDate(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)).
				RemoveLocations(loc1).AddLocations(loc2).Save(ctx)
			return err
		})
		if a.AvailableSince != nil {
			t.Errorf("available_since kept after leaving AVAILABLE: %v", a.AvailableSince)
		}
		evs := events(t, db.Client, func(q *ent.ChangeEventQuery) *ent.ChangeEventQuery {
			return q.Where(changeevent.EntityEQ(changeevent.EntityAVAILABILITY), changeevent.ActionEQ(changeevent.ActionUPDATE))
		})
		if len(evs) != 1 {
			t.Fatalf("%d update events, want 1", len(evs))
		}
		txUpdate = evs[0].TxID
		c := changed(evs[0])
		if c["status"] != [2]string{`"AVAILABLE"`, `"PLANNED"`} || c["locations"] != [2]string{`["stadswinkel-a"]`, `["wijkhub-b"]`} ||
			c["available_since"][1] != "null" || c["last_reviewed"] != [2]string{`"2026-03-02T00:00:00Z"`, `"2026-03-03T00:00:00Z"`} {
			t.Errorf("update changes = %v", c)
		}
		if txCreate == txUpdate || txCreate == "" {
			t.Errorf("transaction ids %q and %q should differ", txCreate, txUpdate)
		}

		// Clearing the cell: a DELETE event without state.
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Availability.DeleteOneID(a.ID).Exec(ctx)
		})
		evs = events(t, db.Client, func(q *ent.ChangeEventQuery) *ent.ChangeEventQuery {
			return q.Where(changeevent.EntityEQ(changeevent.EntityAVAILABILITY), changeevent.ActionEQ(changeevent.ActionDELETE))
		})
		if len(evs) != 1 || evs[0].State != nil || changed(evs[0])["status"] != [2]string{`"PLANNED"`, "null"} ||
			changed(evs[0])["locations"] != [2]string{`["wijkhub-b"]`, "null"} {
			t.Fatalf("delete events = %+v", evs)
		}
		if got := db.Client.Product.GetX(context.Background(), p.ID); got.Version != 4 {
			t.Errorf("product version after create, update, delete = %d, want 4", got.Version)
		}
	}, withClock(clk))
}

func TestOneTransactionSharesOneID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		evs := events(t, db.Client)
		if len(evs) != 6 {
			t.Fatalf("fixture wrote %d events, want 6 (4 organizations, 2 channels)", len(evs))
		}
		for _, ev := range evs {
			if ev.TxID != evs[0].TxID {
				t.Errorf("events of one transaction have ids %q and %q", evs[0].TxID, ev.TxID)
			}
		}
		if *evs[2].MunicipalityID != k.Municipality.ID {
			t.Errorf("department event municipality = %v, want %d", *evs[2].MunicipalityID, k.Municipality.ID)
		}
		if *evs[5].State != "ACTIVE" || evs[5].MunicipalityID != nil {
			t.Errorf("channel event = %+v", evs[5])
		}
	})
}

func TestImportWritesHistoryAtItsOwnMoments(t *testing.T) {
	clk := clock.NewManual(t0)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk.Set(t0)
		ctx := context.Background()
		seedActor := changelog.System("test-import")
		day := func(d int) time.Time { return time.Date(2024, 1, d, 12, 0, 0, 0, time.UTC) }
		var mun, website int
		var prod int
		steps := []changelog.Step{
			{At: day(1), Actor: seedActor, Apply: func(ctx context.Context, c *ent.Client) error {
				mun = c.Organization.Create().SetCode("g").SetName("G").SetKind(organization.KindMUNICIPALITY).SaveX(ctx).ID
				website = c.Channel.Create().SetCode("website").SetName("Website").SetNameEn("Website").SaveX(ctx).ID
				prod = fixture.ProductCreate(c, "p", c.Organization.GetX(ctx, mun)).SaveX(ctx).ID
				return nil
			}},
			{At: day(2), Actor: seedActor, Apply: func(ctx context.Context, c *ent.Client) error {
				return c.Availability.Create().SetProductID(prod).SetChannelID(website).SetStatus(availability.StatusPLANNED).
					SetPlannedDate(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)).Exec(ctx)
			}},
			{At: day(2), Actor: seedActor, Apply: func(ctx context.Context, c *ent.Client) error {
				a := c.Availability.Query().OnlyX(ctx)
				return c.Availability.UpdateOne(a).SetStatus(availability.StatusAVAILABLE).Exec(ctx)
			}},
		}
		if err := changelog.Import(ctx, db.Client, steps, changelog.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		evs := events(t, db.Client)
		if len(evs) != 5 {
			t.Fatalf("%d events, want 5", len(evs))
		}
		for i, want := range []time.Time{day(1), day(1), day(1), day(2), day(2)} {
			if !evs[i].RecordedAt.Equal(want) || evs[i].Actor != "system:test-import" {
				t.Errorf("event %d at %v by %s, want %v by system:test-import", i, evs[i].RecordedAt, evs[i].Actor, want)
			}
		}
		if evs[0].TxID != evs[2].TxID || evs[2].TxID == evs[3].TxID || evs[3].TxID == evs[4].TxID {
			t.Error("each step should have its own group id, shared by its events")
		}
		if *evs[3].State != "PLANNED" || *evs[4].State != "AVAILABLE" {
			t.Errorf("states %v, %v", *evs[3].State, *evs[4].State)
		}
		a := db.Client.Availability.Query().OnlyX(ctx)
		if a.Status != availability.StatusAVAILABLE || !a.AvailableSince.Equal(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)) ||
			!a.UpdatedAt.Equal(day(2)) {
			t.Errorf("state after import: %+v", a)
		}

		n := countEvents(t, db.Client)
		// Out of order, before the log's newest event, in the future, and a failing step: all refused whole.
		bad := map[string][]changelog.Step{
			"out of order": {
				{At: day(20), Actor: seedActor, Apply: noop},
				{At: day(19), Actor: seedActor, Apply: noop},
			},
			"before the log": {{At: day(1), Actor: seedActor, Apply: noop}},
			"future":         {{At: t0.Add(time.Hour), Actor: seedActor, Apply: noop}},
			"no actor":       {{At: day(20), Apply: noop}},
			"failing step": {
				{At: day(20), Actor: seedActor, Apply: func(ctx context.Context, c *ent.Client) error {
					return c.Channel.Create().SetCode("chat").SetName("Chat").SetNameEn("Chat").Exec(ctx)
				}},
				{At: day(21), Actor: seedActor, Apply: func(ctx context.Context, c *ent.Client) error {
					return c.Channel.Create().SetCode("chat").SetName("Chat").SetNameEn("Chat").Exec(ctx)
				}},
			},
		}
		for name, steps := range bad {
			if err := changelog.Import(ctx, db.Client, steps, changelog.ImportOptions{}); err == nil {
				t.Errorf("%s: import succeeded, want an error", name)
			}
		}
		if got := countEvents(t, db.Client); got != n {
			t.Errorf("refused imports left %d events", got-n)
		}
		if db.Client.Channel.Query().CountX(ctx) != 1 {
			t.Error("a failed import left a channel behind")
		}
	}, withClock(clk))
}

func noop(context.Context, *ent.Client) error { return nil }

func TestEventChangesAreJSON(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		k.Product(t, db.Client, "hondenbelasting", k.ClusterA)
		for _, ev := range events(t, db.Client) {
			for _, c := range ev.Changes {
				var v any
				if err := json.Unmarshal(c.Old, &v); err != nil {
					t.Errorf("%s old: %v", c.Field, err)
				}
				if err := json.Unmarshal(c.New, &v); err != nil {
					t.Errorf("%s new: %v", c.Field, err)
				}
			}
		}
	})
}

func TestEventsRecordWhetherAChannelSpeaksOtherLanguages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "bijstand", k.ClusterA)
		var a *ent.Availability
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			a = tx.Availability.Create().SetProduct(p).SetChannel(k.Balie).SetStatus(availability.StatusAVAILABLE).
				SetLanguages([]string{"nl"}).SaveX(ctx)
			return nil
		})
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Availability.UpdateOne(a).SetLanguages([]string{"nl", "tr", "ar"}).Exec(ctx)
		})
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Availability.DeleteOne(a).Exec(ctx)
		})
		evs := events(t, db.Client, func(q *ent.ChangeEventQuery) *ent.ChangeEventQuery {
			return q.Where(changeevent.EntityEQ(changeevent.EntityAVAILABILITY))
		})
		if len(evs) != 3 || evs[0].OtherLanguage == nil || *evs[0].OtherLanguage ||
			evs[1].OtherLanguage == nil || !*evs[1].OtherLanguage || evs[2].OtherLanguage != nil {
			t.Errorf("other_language over create, update, delete = %v", func() (out []any) {
				for _, e := range evs {
					out = append(out, e.OtherLanguage)
				}
				return
			}())
		}
	})
}

// TestCommittedWritesRaiseTheVersion checks the catalogue's version: one step
// per committed write that changed something, none for a rolled-back write or
// a write that changes nothing.
func TestCommittedWritesRaiseTheVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		version := func() int64 {
			t.Helper()
			v, err := db.Version(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		v0 := version()
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.DepartmentA1)
		if got := version(); got != v0+2 {
			t.Errorf("after two writes the version is %d, want %d", got, v0+2)
		}
		// A write of several records is one step.
		fixture.Tx(t, db.Client, func(ctx context.Context, c *ent.Client) error {
			if err := c.Availability.Create().SetProductID(p.ID).SetChannelID(k.Website.ID).SetStatus(availability.StatusAVAILABLE).
				SetURL("https://example.org/paspoort").Exec(ctx); err != nil {
				return err
			}
			return c.Product.UpdateOne(p).SetName("Paspoort aanvragen").Exec(ctx)
		})
		if got := version(); got != v0+3 {
			t.Errorf("after a write of two records the version is %d, want %d", got, v0+3)
		}
		// A rolled-back write and a write that changes nothing leave it.
		err := fixture.Try(db.Client, func(ctx context.Context, c *ent.Client) error {
			if err := c.Product.UpdateOne(p).SetName("Iets anders").Exec(ctx); err != nil {
				return err
			}
			return errors.New("changed my mind")
		})
		if err == nil {
			t.Fatal("the write did not fail")
		}
		fixture.Tx(t, db.Client, func(ctx context.Context, c *ent.Client) error {
			return c.Product.UpdateOneID(p.ID).SetName("Paspoort aanvragen").Exec(ctx)
		})
		if got := version(); got != v0+3 {
			t.Errorf("after a rolled-back write and a no-op the version is %d, want %d", got, v0+3)
		}
	})
}
