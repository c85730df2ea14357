package satisfaction_test

import (
	"context"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/satisfaction"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// BenchmarkSeed measures the dashboard's satisfaction questions on the seed:
// five years by quarter with the target, and five years of volumes by month.
func BenchmarkSeed(b *testing.B) {
	for _, driver := range []string{"sqlite", "postgres"} {
		b.Run(driver, func(b *testing.B) {
			db := storetest.Seeded(b, driver, fixture.Seed)
			ctx := context.Background()
			m := db.Client.Organization.Query().Where(organization.Code("rotterdam")).OnlyX(auth.Allow(ctx))
			f := satisfaction.Filter{Municipality: m.ID}
			from, to := catalog.Date(2022, 1, 1), catalog.Date(2026, 12, 31)
			b.Run("satisfaction", func(b *testing.B) {
				for b.Loop() {
					if _, err := satisfaction.Satisfaction(ctx, db.Client, f, from, to, satisfaction.Quarter); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("channelShift", func(b *testing.B) {
				for b.Loop() {
					if _, err := satisfaction.ChannelShift(ctx, db.Client, f, from, to, satisfaction.Month); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
