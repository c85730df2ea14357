package coverage_test

import (
	"context"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/seed"
)

// TestCountryEqualsItsMunicipalities holds the country's report, counted
// from today's tables and kept per municipality between calls, to the
// per-municipality reports, which replay the change log: each municipality's
// figures and the sums must agree, before and after edits in one
// municipality, a retired product and a channel switched off.
func TestCountryEqualsItsMunicipalities(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := seed.Generate(context.Background(), db, seed.GenerateOptions{Municipalities: 3, Seed: 11, Products: 50}); err != nil {
			t.Fatal(err)
		}
		c := db.Client
		ctx := fixture.Ctx()
		svc := &coverage.Service{Client: c, Dialect: db.Target.Dialect}
		compare := func(step string) {
			t.Helper()
			now := time.Now()
			country, err := svc.Country(ctx, now)
			if err != nil {
				t.Fatal(err)
			}
			var sum coverage.Report
			sumChannel := map[string]coverage.Counts{}
			sumTheme := map[string]coverage.PartCoverage{}
			got := map[string]coverage.OrganizationCoverage{}
			for _, o := range country.ByOrganization {
				got[o.Organization.Code] = o
			}
			for _, m := range c.Organization.Query().Where(organization.KindEQ(organization.KindMUNICIPALITY)).AllX(ctx) {
				r, err := svc.Report(ctx, coverage.Filter{Municipality: m.ID}, now)
				if err != nil {
					t.Fatal(err)
				}
				o := got[m.Code]
				if o.Products != r.Products || o.FullyCoveredProducts != r.FullyCoveredProducts || o.Counts != r.Counts {
					t.Errorf("%s: %s in the country: %+v; its own report: products %d, fully %d, %+v",
						step, m.Code, o.PartCoverage, r.Products, r.FullyCoveredProducts, r.Counts)
				}
				sum.Products += r.Products
				sum.FullyCoveredProducts += r.FullyCoveredProducts
				sum.Counts.Plus(r.Counts)
				sum.Groups.PersonalHelp += r.Groups.PersonalHelp
				sum.Groups.OtherLanguage += r.Groups.OtherLanguage
				sum.Groups.Youth += r.Groups.Youth
				sum.Groups.Digital += r.Groups.Digital
				for _, ch := range r.ByChannel {
					c := sumChannel[ch.Channel.Code]
					c.Plus(ch.Counts)
					sumChannel[ch.Channel.Code] = c
				}
				for _, th := range r.ByTheme {
					p := sumTheme[th.Theme]
					p.Products += th.Products
					p.FullyCoveredProducts += th.FullyCoveredProducts
					p.Counts.Plus(th.Counts)
					sumTheme[th.Theme] = p
				}
			}
			if country.Products != sum.Products || country.FullyCoveredProducts != sum.FullyCoveredProducts ||
				country.Counts != sum.Counts || country.Groups != sum.Groups {
				t.Errorf("%s: the country %d products, %d fully, %+v, %+v; its municipalities add up to %d, %d, %+v, %+v", step,
					country.Products, country.FullyCoveredProducts, country.Counts, country.Groups,
					sum.Products, sum.FullyCoveredProducts, sum.Counts, sum.Groups)
			}
			if len(country.ByChannel) != len(sumChannel) {
				t.Errorf("%s: %d channels in the country, %d in its municipalities", step, len(country.ByChannel), len(sumChannel))
			}
			for _, ch := range country.ByChannel {
				if ch.Counts != sumChannel[ch.Channel.Code] {
					t.Errorf("%s: channel %s: %+v, municipalities %+v", step, ch.Channel.Code, ch.Counts, sumChannel[ch.Channel.Code])
				}
			}
			if len(country.ByTheme) != len(sumTheme) {
				t.Errorf("%s: %d themes in the country, %d in its municipalities", step, len(country.ByTheme), len(sumTheme))
			}
			for _, th := range country.ByTheme {
				if th.PartCoverage != sumTheme[th.Theme] {
					t.Errorf("%s: theme %s: %+v, municipalities %+v", step, th.Theme, th.PartCoverage, sumTheme[th.Theme])
				}
			}
			if country.Cells == 0 || country.AvailableCells == 0 {
				t.Errorf("%s: an empty country: %+v", step, country.Counts)
			}
		}
		compare("generated")

		// Edits in one municipality: the kept counts of the others stay, its
		// own are counted again.
		m2 := c.Organization.Query().Where(organization.Code("gemeente-002")).OnlyX(ctx)
		inM2 := availability.HasProductWith(product.MunicipalityID(m2.ID), product.StatusEQ(product.StatusPUBLISHED))
		avail := c.Availability.Query().Where(inM2, availability.StatusEQ(availability.StatusAVAILABLE)).Order(ent.Asc(availability.FieldID)).Limit(3).AllX(ctx)
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			if err := tx.Availability.UpdateOne(avail[0]).SetStatus(availability.StatusUNAVAILABLE).SetReason("Tijdelijk niet.").Exec(ctx); err != nil {
				return err
			}
			return tx.Availability.DeleteOne(avail[1]).Exec(ctx)
		})
		compare("after edits in gemeente-002")

		p := c.Product.Query().Where(product.MunicipalityID(m2.ID), product.StatusEQ(product.StatusPUBLISHED)).Order(ent.Asc(product.FieldID)).FirstX(ctx)
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			return tx.Product.UpdateOne(p).SetStatus(product.StatusRETIRED).Exec(ctx)
		})
		compare("after a retired product")

		ch := c.Channel.Query().Where(channel.Active(true)).Order(ent.Asc(channel.FieldSortOrder)).FirstX(ctx)
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			return tx.Channel.UpdateOne(ch).SetActive(false).Exec(ctx)
		})
		compare("after a channel switched off")
	})
}
