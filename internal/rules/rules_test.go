package rules_test

import (
	"context"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// snapshot counts every table, to check that a refused write changed nothing.
func snapshot(t *testing.T, c *ent.Client) [6]int {
	t.Helper()
	ctx := context.Background()
	return [6]int{
		c.Organization.Query().CountX(ctx), c.Product.Query().CountX(ctx), c.Availability.Query().CountX(ctx),
		c.Channel.Query().CountX(ctx), c.Target.Query().CountX(ctx), c.ChangeEvent.Query().CountX(ctx),
	}
}

func TestRulesRefuseBadWritesAndChangeNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := db.Client
		k := fixture.New(t, c)
		p := k.Product(t, c, "paspoort-aanvragen", k.DepartmentA1)
		var other *ent.Organization
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			other = tx.Organization.Create().SetCode("andere-gemeente").SetName("Andere gemeente").
				SetKind(organization.KindMUNICIPALITY).SaveX(ctx)
			return tx.Availability.Create().SetProduct(p).SetChannel(k.Website).SetStatus(availability.StatusAVAILABLE).Exec(ctx)
		})
		// The same slug in another municipality is fine.
		k.Product(t, c, "paspoort-aanvragen", other)
		future := catalog.DateOf(time.Now()).AddDate(0, 2, 0)

		for _, tc := range []struct {
			name, field, code string
			write             func(ctx context.Context, tx *ent.Client) error
		}{
			{"duplicate slug in the municipality", "slug", "duplicate", func(ctx context.Context, tx *ent.Client) error {
				return fixture.ProductCreate(tx, "paspoort-aanvragen", k.ClusterB).Exec(ctx)
			}},
			{"slug with capitals", "slug", "format", func(ctx context.Context, tx *ent.Client) error {
				return fixture.ProductCreate(tx, "Paspoort", k.ClusterB).Exec(ctx)
			}},
			{"product without audience", "audiences", "required", func(ctx context.Context, tx *ent.Client) error {
				return fixture.ProductCreate(tx, "geen-doelgroep", k.ClusterB).SetAudiences(nil).Exec(ctx)
			}},
			{"renaming onto another product's slug", "slug", "duplicate", func(ctx context.Context, tx *ent.Client) error {
				q := fixture.ProductCreate(tx, "nieuw", k.ClusterB)
				n := q.SaveX(ctx)
				return tx.Product.UpdateOne(n).SetSlug("paspoort-aanvragen").Exec(ctx)
			}},
			{"duplicate availability", "channel", "duplicate", func(ctx context.Context, tx *ent.Client) error {
				return tx.Availability.Create().SetProduct(p).SetChannel(k.Website).SetStatus(availability.StatusPLANNED).
					SetPlannedDate(future).Exec(ctx)
			}},
			{"NOT_APPLICABLE without reason", "reason", "required", func(ctx context.Context, tx *ent.Client) error {
				return tx.Availability.Create().SetProduct(p).SetChannel(k.Balie).SetStatus(availability.StatusNOT_APPLICABLE).Exec(ctx)
			}},
			{"UNAVAILABLE with a blank reason", "reason", "required", func(ctx context.Context, tx *ent.Client) error {
				return tx.Availability.Create().SetProduct(p).SetChannel(k.Balie).SetStatus(availability.StatusUNAVAILABLE).SetReason("  ").Exec(ctx)
			}},
			{"PLANNED without date", "plannedDate", "required", func(ctx context.Context, tx *ent.Client) error {
				return tx.Availability.Create().SetProduct(p).SetChannel(k.Balie).SetStatus(availability.StatusPLANNED).Exec(ctx)
			}},
			{"PLANNED in the past", "plannedDate", "past", func(ctx context.Context, tx *ent.Client) error {
				return tx.Availability.Create().SetProduct(p).SetChannel(k.Balie).SetStatus(availability.StatusPLANNED).
					SetPlannedDate(catalog.Date(2020, 1, 1)).Exec(ctx)
			}},
			{"changing an existing cell to PLANNED without date", "plannedDate", "required", func(ctx context.Context, tx *ent.Client) error {
				a := tx.Availability.Query().OnlyX(ctx)
				return tx.Availability.UpdateOne(a).SetStatus(availability.StatusPLANNED).Exec(ctx)
			}},
			{"URL without http", "url", "format", func(ctx context.Context, tx *ent.Client) error {
				return tx.Availability.Create().SetProduct(p).SetChannel(k.Balie).SetStatus(availability.StatusAVAILABLE).SetURL("javascript:alert(1)").Exec(ctx)
			}},
			{"phone number that is not Dutch", "phone", "format", func(ctx context.Context, tx *ent.Client) error {
				return tx.Availability.Create().SetProduct(p).SetChannel(k.Balie).SetStatus(availability.StatusAVAILABLE).SetPhone("call me").Exec(ctx)
			}},
			{"processing time that is not ISO 8601", "processingTime", "format", func(ctx context.Context, tx *ent.Client) error {
				return tx.Availability.Create().SetProduct(p).SetChannel(k.Balie).SetStatus(availability.StatusAVAILABLE).SetProcessingTime("5 days").Exec(ctx)
			}},
			{"language that is not ISO 639-1", "languages", "format", func(ctx context.Context, tx *ent.Client) error {
				return tx.Availability.Create().SetProduct(p).SetChannel(k.Balie).SetStatus(availability.StatusAVAILABLE).SetLanguages([]string{"Nederlands"}).Exec(ctx)
			}},
			{"municipality with a parent", "parent", "invalid", func(ctx context.Context, tx *ent.Client) error {
				return tx.Organization.Create().SetCode("g2").SetName("G2").SetKind(organization.KindMUNICIPALITY).SetParent(k.Municipality).Exec(ctx)
			}},
			{"cluster without a parent", "parent", "required", func(ctx context.Context, tx *ent.Client) error {
				return tx.Organization.Create().SetCode("los").SetName("Los").SetKind(organization.KindCLUSTER).Exec(ctx)
			}},
			{"organization under its own unit", "parent", "cycle", func(ctx context.Context, tx *ent.Client) error {
				return tx.Organization.UpdateOne(k.ClusterA).SetParent(k.DepartmentA1).Exec(ctx)
			}},
			{"unit moving to another municipality", "parent", "municipality", func(ctx context.Context, tx *ent.Client) error {
				return tx.Organization.UpdateOne(k.ClusterB).SetParent(other).Exec(ctx)
			}},
			{"product moving to another municipality", "owner", "municipality", func(ctx context.Context, tx *ent.Client) error {
				return tx.Product.UpdateOne(p).SetOwner(other).Exec(ctx)
			}},
			{"second primary target", "primary", "duplicate", func(ctx context.Context, tx *ent.Client) error {
				tx.Target.Create().SetName("Eerste").SetDeadline(catalog.Date(2026, 12, 31)).SetShare(1).SetPrimary(true).
					SetMunicipality(k.Municipality).ExecX(ctx)
				return tx.Target.Create().SetName("Tweede").SetDeadline(catalog.Date(2027, 12, 31)).SetShare(1).SetPrimary(true).
					SetMunicipality(k.Municipality).Exec(ctx)
			}},
			{"target share of zero", "share", "range", func(ctx context.Context, tx *ent.Client) error {
				return tx.Target.Create().SetName("Niets").SetDeadline(catalog.Date(2026, 12, 31)).SetShare(0).Exec(ctx)
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := snapshot(t, c)
				err := fixture.Try(c, tc.write)
				fe, ok := catalog.AsFieldError(err)
				if !ok {
					t.Fatalf("error = %v, want a field error on %s", err, tc.field)
				}
				if fe.Field != tc.field || fe.Code != tc.code || fe.Message == "" {
					t.Errorf("field error = %+v, want field %s code %s", fe, tc.field, tc.code)
				}
				if after := snapshot(t, c); after != before {
					t.Errorf("a refused write changed the database: %v -> %v", before, after)
				}
			})
		}
	})
}

func TestRulesFillInDerivedValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := db.Client
		k := fixture.New(t, c)
		p := k.Product(t, c, "grofvuil", k.ClusterA)
		today := catalog.DateOf(time.Now())
		future := today.AddDate(0, 1, 0)
		var a *ent.Availability
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			a = tx.Availability.Create().SetProduct(p).SetChannel(k.Website).SetStatus(availability.StatusPLANNED).
				SetPlannedDate(future).SaveX(ctx)
			return nil
		})
		if !a.LastReviewed.Equal(today) || a.AvailableSince != nil || !a.PlannedDate.Equal(future) {
			t.Errorf("new PLANNED cell = reviewed %v since %v planned %v", a.LastReviewed, a.AvailableSince, a.PlannedDate)
		}
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			a = tx.Availability.UpdateOne(a).SetStatus(availability.StatusAVAILABLE).SaveX(ctx)
			return nil
		})
		if a.PlannedDate != nil || a.AvailableSince == nil || !a.AvailableSince.Equal(today) {
			t.Errorf("after AVAILABLE: planned %v since %v", a.PlannedDate, a.AvailableSince)
		}
		// An overdue plan stays valid: changing something else keeps its date.
		old := catalog.Date(2024, 1, 1)
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			// Written straight in SQL: the rules would refuse a past date, but
			// plans made long ago and not met are exactly what this models.
			_, err := tx.ExecContext(ctx, "UPDATE availabilities SET status = 'PLANNED', planned_date = $1, available_since = NULL WHERE id = $2", old, a.ID)
			return err
		})
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			a = tx.Availability.UpdateOneID(a.ID).SetInstructions("Log in met DigiD.").SaveX(ctx)
			return nil
		})
		if a.PlannedDate == nil || !a.PlannedDate.Equal(old) {
			t.Errorf("overdue plan lost its date: %v", a.PlannedDate)
		}
	})
}
