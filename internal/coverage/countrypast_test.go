package coverage_test

import (
	"context"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/seed"
)

// TestCountryInThePast holds the country at past moments (replayed per
// municipality) to the country as it was counted at those moments from the
// rows kept per product, and the country's history to its moments: the
// points, their sums, and each municipality's row against its own history.
func TestCountryInThePast(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := seed.Generate(context.Background(), db, seed.GenerateOptions{Municipalities: 3, Seed: 12, Products: 40}); err != nil {
			t.Fatal(err)
		}
		c := db.Client
		ctx := fixture.Ctx()
		svc := &coverage.Service{Client: c, Dialect: db.Target.Dialect}
		var moments []time.Time
		var counted []*coverage.Report
		snap := func() {
			t.Helper()
			r, err := svc.Country(ctx, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			moments, counted = append(moments, r.AsOf), append(counted, r)
		}
		snap()
		m2 := c.Organization.Query().Where(organization.Code("gemeente-002")).OnlyX(ctx)
		inM2 := availability.HasProductWith(product.MunicipalityID(m2.ID), product.StatusEQ(product.StatusPUBLISHED))
		avail := c.Availability.Query().Where(inM2, availability.StatusEQ(availability.StatusAVAILABLE)).Order(ent.Asc(availability.FieldID)).Limit(2).AllX(ctx)
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			return tx.Availability.UpdateOne(avail[0]).SetStatus(availability.StatusUNAVAILABLE).SetReason("Tijdelijk niet.").Exec(ctx)
		})
		snap()
		p := c.Product.Query().Where(product.MunicipalityID(m2.ID), product.StatusEQ(product.StatusPUBLISHED)).Order(ent.Asc(product.FieldID)).FirstX(ctx)
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			return tx.Product.UpdateOne(p).SetStatus(product.StatusRETIRED).Exec(ctx)
		})
		snap()
		if counted[0].AvailableCells == counted[1].AvailableCells {
			t.Fatalf("the edit changed nothing: %+v", counted[1].Counts)
		}

		for i, at := range moments {
			past, err := svc.CountryAt(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			want := counted[i]
			if past.Products != want.Products || past.FullyCoveredProducts != want.FullyCoveredProducts ||
				past.Counts != want.Counts || past.Groups != want.Groups {
				t.Errorf("moment %d: replayed %d products, %d fully, %+v, %+v; counted then %d, %d, %+v, %+v", i,
					past.Products, past.FullyCoveredProducts, past.Counts, past.Groups,
					want.Products, want.FullyCoveredProducts, want.Counts, want.Groups)
			}
			if len(past.ByOrganization) != len(want.ByOrganization) {
				t.Fatalf("moment %d: %d municipalities replayed, %d counted", i, len(past.ByOrganization), len(want.ByOrganization))
			}
			for k, o := range past.ByOrganization {
				if w := want.ByOrganization[k]; o.Organization.ID != w.Organization.ID || o.PartCoverage != w.PartCoverage {
					t.Errorf("moment %d: %s replayed %+v; counted %s %+v", i, o.Organization.Code, o.PartCoverage, w.Organization.Code, w.PartCoverage)
				}
			}
			if len(past.ByChannel) != len(want.ByChannel) || len(past.ByTheme) != len(want.ByTheme) {
				t.Errorf("moment %d: %d channels and %d themes replayed, %d and %d counted", i,
					len(past.ByChannel), len(past.ByTheme), len(want.ByChannel), len(want.ByTheme))
			}
			for k := range min(len(past.ByChannel), len(want.ByChannel)) {
				if past.ByChannel[k].Channel.ID != want.ByChannel[k].Channel.ID || past.ByChannel[k].Counts != want.ByChannel[k].Counts {
					t.Errorf("moment %d: channel %s replayed %+v; counted %s %+v", i, past.ByChannel[k].Channel.Code, past.ByChannel[k].Counts,
						want.ByChannel[k].Channel.Code, want.ByChannel[k].Counts)
				}
			}
			for k := range min(len(past.ByTheme), len(want.ByTheme)) {
				if past.ByTheme[k] != want.ByTheme[k] {
					t.Errorf("moment %d: theme replayed %+v; counted %+v", i, past.ByTheme[k], want.ByTheme[k])
				}
			}
			if (past.Target == nil) != (past.Projection == nil) {
				t.Errorf("moment %d: target %v but projection %v", i, past.Target, past.Projection)
			}
		}

		// The history from the first moment to the last, a week apart: two
		// points, the first and the last moment.
		hist, err := svc.CountryHistory(ctx, moments[0], moments[2], coverage.Week)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 {
			t.Fatalf("%d points, want 2", len(hist))
		}
		for k, i := range []int{0, 2} {
			pt, want := hist[k], counted[i]
			if !pt.At.Equal(moments[i]) || pt.ApplicableCells != want.ApplicableCells || pt.AvailableCells != want.AvailableCells ||
				pt.NotApplicableCells != want.NotApplicableCells || pt.FullyCoveredProducts != want.FullyCoveredProducts {
				t.Errorf("point %d: %+v; counted at %s: %+v, fully %d", k, pt.Point, moments[i], want.Counts, want.FullyCoveredProducts)
			}
			sum := coverage.Point{}
			for n, mp := range pt.Municipalities {
				if n > 0 && mp.Ratio() > pt.Municipalities[n-1].Ratio() {
					t.Errorf("point %d: %s (%.4f) ranked below %s (%.4f)", k, mp.Municipality.Code, mp.Ratio(),
						pt.Municipalities[n-1].Municipality.Code, pt.Municipalities[n-1].Ratio())
				}
				own, err := svc.History(ctx, coverage.Filter{Municipality: mp.Municipality.ID}, pt.At, pt.At, coverage.Week)
				if err != nil {
					t.Fatal(err)
				}
				if own[0] != mp.Point {
					t.Errorf("point %d: %s in the country %+v; its own history %+v", k, mp.Municipality.Code, mp.Point, own[0])
				}
				sum.ApplicableCells += mp.ApplicableCells
				sum.AvailableCells += mp.AvailableCells
				sum.NotApplicableCells += mp.NotApplicableCells
				sum.FullyCoveredProducts += mp.FullyCoveredProducts
			}
			sum.At = pt.At
			if sum != pt.Point {
				t.Errorf("point %d: %+v, its municipalities add up to %+v", k, pt.Point, sum)
			}
			if len(pt.Municipalities) != len(want.ByOrganization) {
				t.Errorf("point %d: %d municipalities, %d counted", k, len(pt.Municipalities), len(want.ByOrganization))
			}
		}
	})
}
