package coverage_test

import (
	"context"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/seed"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestEmptyCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var mun *ent.Organization
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			mun = tx.Organization.Create().SetCode("leeg").SetName("Leeg").SetKind(organization.KindMUNICIPALITY).SaveX(ctx)
			return nil
		})
		r, err := svc(db).Report(context.Background(), coverage.Filter{Municipality: mun.ID}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if r.Products != 0 || r.Counts != (coverage.Counts{}) || r.Ratio() != 0 || len(r.ByChannel) != 0 || r.Target != nil || r.Projection != nil {
			t.Errorf("empty catalogue: %+v", r)
		}
		pts, err := svc(db).History(context.Background(), coverage.Filter{Municipality: mun.ID},
			time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC), coverage.Month)
		if err != nil || len(pts) != 12 || pts[11] != (coverage.Point{At: pts[11].At}) {
			t.Errorf("empty history: %v, %+v", err, pts)
		}
	})
}

// TestOneProductThroughTime follows one product and two channels through a
// hand-written history and checks each moment against the definition.
func TestOneProductThroughTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day := func(d int) time.Time { return time.Date(2025, 3, d, 10, 0, 0, 0, time.UTC) }
		var mun, web, balie, prod int
		a := changelog.Actor{Name: "test"}
		steps := []changelog.Step{
			{At: day(1), Actor: a, Apply: func(ctx context.Context, c *ent.Client) error {
				m := c.Organization.Create().SetCode("g").SetName("G").SetKind(organization.KindMUNICIPALITY).SaveX(ctx)
				mun = m.ID
				web = c.Channel.Create().SetCode("website").SetName("W").SetNameEn("W").SetDigital(true).SaveX(ctx).ID
				balie = c.Channel.Create().SetCode("balie").SetName("B").SetNameEn("B").SetAssisted(true).SaveX(ctx).ID
				prod = fixture.ProductCreate(c, "p", m).SaveX(ctx).ID
				return nil
			}},
			// Day 2: website AVAILABLE, counter NOT_APPLICABLE: fully covered.
			{At: day(2), Actor: a, Apply: func(ctx context.Context, c *ent.Client) error {
				c.Availability.Create().SetProductID(prod).SetChannelID(web).SetStatus(availability.StatusAVAILABLE).ExecX(ctx)
				return c.Availability.Create().SetProductID(prod).SetChannelID(balie).SetStatus(availability.StatusNOT_APPLICABLE).
					SetReason("Alleen online.").Exec(ctx)
			}},
			// Day 3: the website, its only applicable channel, is switched off.
			{At: day(3), Actor: a, Apply: func(ctx context.Context, c *ent.Client) error {
				return c.Channel.UpdateOneID(web).SetActive(false).Exec(ctx)
			}},
			// Day 4: the counter's cell is cleared: not assessed, applicable.
			{At: day(4), Actor: a, Apply: func(ctx context.Context, c *ent.Client) error {
				_, err := c.Availability.Delete().Where(availability.ChannelID(balie)).Exec(ctx)
				return err
			}},
		}
		if err := changelog.Import(ctx, db.Client, steps, changelog.ImportOptions{}); err == nil {
			t.Fatal("a bulk delete inside the import was accepted")
		}
		// The same, deleting one record as the change log requires.
		steps[3].Apply = func(ctx context.Context, c *ent.Client) error {
			cell := c.Availability.Query().Where(availability.ChannelID(balie)).OnlyX(ctx)
			return c.Availability.DeleteOne(cell).Exec(ctx)
		}
		if err := changelog.Import(ctx, db.Client, steps, changelog.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		s := svc(db)
		for _, tc := range []struct {
			at                                        time.Time
			products, cells, applicable, available, n int
			fully                                     int
			digital                                   int
		}{
			{at: day(1).Add(-time.Hour)},                       // before the first event: empty
			{at: day(1), products: 1, cells: 2, applicable: 2}, // two cells, not assessed
			{at: day(2), products: 1, cells: 2, applicable: 1, available: 1, n: 1, fully: 1, digital: 1},
			{at: day(3), products: 1, cells: 1, applicable: 0, n: 1},            // only the N/A cell is left: not fully covered
			{at: day(4), products: 1, cells: 1, applicable: 1},                  // cleared: applicable again
			{at: day(4).AddDate(5, 0, 0), products: 1, cells: 1, applicable: 1}, // the future is now
		} {
			r, err := s.Report(ctx, coverage.Filter{Municipality: mun}, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if r.Products != tc.products || r.Cells != tc.cells || r.ApplicableCells != tc.applicable ||
				r.AvailableCells != tc.available || r.NotApplicableCells != tc.n || r.FullyCoveredProducts != tc.fully ||
				r.Groups.Digital != tc.digital {
				t.Errorf("at %s: products %d cells %d applicable %d available %d n/a %d fully %d digital %d; want %+v",
					tc.at.Format(time.RFC3339), r.Products, r.Cells, r.ApplicableCells, r.AvailableCells, r.NotApplicableCells,
					r.FullyCoveredProducts, r.Groups.Digital, tc)
			}
		}
		pts, err := s.History(ctx, coverage.Filter{Municipality: mun}, day(1).Add(-time.Hour), day(4), coverage.Week)
		if err != nil || len(pts) != 2 || pts[0].ApplicableCells != 0 || pts[1].ApplicableCells != 1 || pts[1].NotApplicableCells != 0 {
			t.Errorf("history: %v %+v", err, pts)
		}
	})
}

func TestPointsAndBadHistories(t *testing.T) {
	from := time.Date(2023, 1, 31, 0, 0, 0, 0, time.UTC)
	pts, err := coverage.Points(from, time.Date(2023, 5, 15, 0, 0, 0, 0, time.UTC), coverage.Month)
	if err != nil {
		t.Fatal(err)
	}
	// Months count from the start, so a short month does not shift the rest.
	want := []string{"2023-01-31", "2023-03-03", "2023-03-31", "2023-05-01", "2023-05-15"}
	for i, p := range pts {
		if i >= len(want) || p.Format(time.DateOnly) != want[i] {
			t.Fatalf("points = %v, want %v", pts, want)
		}
	}
	if _, err := coverage.Points(from, from.Add(-time.Hour), coverage.Week); err == nil {
		t.Error("an end before the start was accepted")
	}
	if _, err := coverage.Points(from, from.AddDate(100, 0, 0), coverage.Week); err == nil {
		t.Error("5000 points were accepted")
	}
	if _, err := coverage.Points(from, from, "DAY"); err == nil {
		t.Error("an unknown interval was accepted")
	}
	if pts, _ := coverage.Points(from, from, coverage.Quarter); len(pts) != 1 {
		t.Errorf("from == to gives %d points, want 1", len(pts))
	}
}

// TestSeedCoverage checks the seed's figures against the brute force, now
// and at moments in its history, and a 48-month history point by point.
func TestSeedCoverage(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mun := db.Client.Organization.Query().Where(organization.Code(seed.Municipality)).OnlyX(ctx)
		b := loadBrute(t, db.Client)
		s := svc(db)
		f := coverage.Filter{Municipality: mun.ID}
		for _, at := range []time.Time{
			time.Date(2023, 6, 30, 12, 0, 0, 0, time.UTC),
			time.Date(2025, 9, 15, 7, 0, 0, 0, time.UTC), // the app's launch, to the second
			time.Now(),
		} {
			got, err := s.Report(ctx, f, at)
			if err != nil {
				t.Fatal(err)
			}
			compareReports(t, at.Format(time.RFC3339), got, b.report(f, at))
		}
		now, _ := s.Report(ctx, f, time.Now())
		if now.Products != 423 || now.Target == nil || now.Target.Share != 1 ||
			!now.Target.Deadline.Equal(catalog.Date(2026, 12, 31)) || len(now.ByChannel) != 9 || len(now.ByOrganization) != 6 {
			t.Errorf("seed now: %d products, target %+v, %d channels, %d clusters", now.Products, now.Target, len(now.ByChannel), len(now.ByOrganization))
		}
		from := time.Date(2023, 1, 1, 0, 0, 0, 0, catalog.Amsterdam)
		pts, err := s.History(ctx, f, from, from.AddDate(4, 0, 0), coverage.Month)
		if err != nil || len(pts) != 49 {
			t.Fatalf("48-month history: %v, %d points", err, len(pts))
		}
		for _, p := range pts[:48:48] {
			br := b.report(f, p.At)
			if p.AvailableCells != br.AvailableCells || p.ApplicableCells != br.ApplicableCells || p.FullyCoveredProducts != br.FullyCoveredProducts {
				t.Errorf("history at %v: %+v, want available %d applicable %d fully %d", p.At, p, br.AvailableCells, br.ApplicableCells, br.FullyCoveredProducts)
			}
		}
	})
}
