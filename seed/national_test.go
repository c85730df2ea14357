package seed_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/seed"
)

// TestGenerate writes two municipalities and checks that the rows tell one
// story: the change log, replayed by the coverage code, gives the cells the
// tables hold; every cell's last event is its status; versions and ids go on
// where the generator left them.
func TestGenerate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := fixture.Ctx()
		var calls int
		rep, err := seed.Generate(context.Background(), db, seed.GenerateOptions{Municipalities: 2, Seed: 7, Products: 60,
			Progress: func(done, total int) { calls++ }})
		if err != nil {
			t.Fatal(err)
		}
		c := db.Client
		if rep.Municipalities != 2 || calls != 2 || rep.Products < 100 || rep.Products > 120 || rep.Cells < 800 || rep.Events < 2500 {
			t.Errorf("report %+v after %d progress calls", rep, calls)
		}
		if n := c.Product.Query().CountX(ctx); n != rep.Products {
			t.Errorf("%d products, report says %d", n, rep.Products)
		}
		if n := c.Availability.Query().CountX(ctx); n != rep.Cells {
			t.Errorf("%d cells, report says %d", n, rep.Cells)
		}
		if n := c.ChangeEvent.Query().CountX(ctx); n != rep.Events {
			t.Errorf("%d events, report says %d", n, rep.Events)
		}

		// Coverage from the log equals a count over the tables.
		svc := coverage.Service{Client: c, Dialect: db.Target.Dialect}
		for _, code := range []string{"gemeente-001", "gemeente-002"} {
			m := c.Organization.Query().Where(organization.Code(code)).OnlyX(ctx)
			r, err := svc.Report(ctx, coverage.Filter{Municipality: m.ID}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			cells := c.Availability.Query().Where(availability.HasProductWith(product.MunicipalityID(m.ID)))
			byStatus := map[string]int{}
			for _, a := range cells.AllX(ctx) {
				byStatus[a.Status.String()]++
			}
			if r.AvailableCells != byStatus["AVAILABLE"] || r.PlannedCells != byStatus["PLANNED"] ||
				r.NotApplicableCells != byStatus["NOT_APPLICABLE"] || r.PartialCells != byStatus["PARTIAL"] {
				t.Errorf("%s: the log says %+v, the tables %v", code, r.Counts, byStatus)
			}
			if r.Products != c.Product.Query().Where(product.MunicipalityID(m.ID)).CountX(ctx) || r.Target == nil {
				t.Errorf("%s: %d products counted, target %v", code, r.Products, r.Target)
			}
			// The journey differs per municipality: the history has a shape.
			then, err := svc.Report(ctx, coverage.Filter{Municipality: m.ID}, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if then.AvailableCells == 0 || then.AvailableCells >= r.AvailableCells {
				t.Errorf("%s: %d cells available in 2024, %d now", code, then.AvailableCells, r.AvailableCells)
			}
		}

		// Each cell's last event records the status it has.
		for _, a := range c.Availability.Query().Limit(300).AllX(ctx) {
			ev := c.ChangeEvent.Query().Where(changeevent.EntityEQ(changeevent.EntityAVAILABILITY), changeevent.EntityID(a.ID)).
				Order(ent.Desc(changeevent.FieldRecordedAt), ent.Desc(changeevent.FieldID)).FirstX(ctx)
			if ev.State == nil || *ev.State != a.Status.String() || ev.RecordedAt.Before(a.UpdatedAt) {
				t.Fatalf("cell %d is %s since %s, its last event says %v at %s", a.ID, a.Status, a.UpdatedAt, ev.State, ev.RecordedAt)
			}
		}

		// Ordinary writes go on after the generated ids.
		owner := c.Organization.Query().Where(organization.Code("g001-publiekszaken")).OnlyX(ctx)
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			if err := tx.Organization.Create().SetCode("g001-nieuw").SetName("Nieuw").SetKind(organization.KindDEPARTMENT).
				SetParentID(owner.ID).Exec(ctx); err != nil {
				return err
			}
			return fixture.ProductCreate(tx, "nieuw-product", owner).Exec(ctx)
		})

		if _, err := seed.Generate(context.Background(), db, seed.GenerateOptions{Municipalities: 1}); err == nil || !strings.Contains(err.Error(), "empty database") {
			t.Errorf("generating into a filled database: %v", err)
		}
	})
}

// TestGenerateIsDeterministic: the same seed gives the same data, another
// seed another history.
func TestGenerateIsDeterministic(t *testing.T) {
	digest := func(s uint64) string {
		db := storetest.Open(t, "sqlite")
		if _, err := seed.Generate(context.Background(), db, seed.GenerateOptions{Municipalities: 1, Seed: s, Products: 60}); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, a := range db.Client.Availability.Query().Order(ent.Asc(availability.FieldID)).AllX(fixture.Ctx()) {
			fmt.Fprintf(&b, "%d %s %v|", a.ChannelID, a.Status, a.UpdatedAt.Unix())
		}
		fmt.Fprint(&b, db.Client.ChangeEvent.Query().CountX(fixture.Ctx()))
		return b.String()
	}
	a, b, other := digest(3), digest(3), digest(4)
	if a != b {
		t.Error("the same seed gave different data")
	}
	if a == other {
		t.Error("another seed gave the same data")
	}
	if _, err := seed.Generate(context.Background(), storetest.Open(t, "sqlite"), seed.GenerateOptions{Municipalities: 0}); err == nil {
		t.Error("0 municipalities were accepted")
	}
	if _, err := seed.Generate(context.Background(), storetest.Open(t, "sqlite"), seed.GenerateOptions{Municipalities: 1, Products: -1}); err == nil {
		t.Error("a negative number of products was accepted")
	}
}
