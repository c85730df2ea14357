package retention_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/securityevent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/retention"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestNamesBecomePseudonymsAfterTheRetentionPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 10, 0, 0, 0, time.UTC) }
		var mun, prod, web int
		org := 0
		step := func(at time.Time, who string, fn func(ctx context.Context, c *ent.Client) error) changelog.Step {
			return changelog.Step{At: at, Actor: changelog.Actor{Name: who, OrganizationID: &org}, Apply: fn}
		}
		steps := []changelog.Step{
			{At: day(2022, 1, 3), Actor: changelog.System("seed"), Apply: func(ctx context.Context, c *ent.Client) error {
				m := c.Organization.Create().SetCode("g").SetName("G").SetKind(organization.KindMUNICIPALITY).SaveX(ctx)
				mun, org = m.ID, m.ID
				web = c.Channel.Create().SetCode("website").SetName("W").SetNameEn("W").SaveX(ctx).ID
				prod = fixture.ProductCreate(c, "p", m).SaveX(ctx).ID
				return nil
			}},
			step(day(2022, 2, 1), "jan.jansen@rotterdam.nl", func(ctx context.Context, c *ent.Client) error {
				return c.Availability.Create().SetProductID(prod).SetChannelID(web).SetStatus(availability.StatusAVAILABLE).Exec(ctx)
			}),
			step(day(2022, 3, 1), "jan.jansen@rotterdam.nl", func(ctx context.Context, c *ent.Client) error {
				a := c.Availability.Query().OnlyX(ctx)
				return c.Availability.UpdateOne(a).SetStatus(availability.StatusPARTIAL).Exec(ctx)
			}),
			step(day(2026, 6, 1), "jan.jansen@rotterdam.nl", func(ctx context.Context, c *ent.Client) error {
				a := c.Availability.Query().OnlyX(ctx)
				return c.Availability.UpdateOne(a).SetStatus(availability.StatusAVAILABLE).Exec(ctx)
			}),
		}
		if err := changelog.Import(ctx, db.Client, steps, changelog.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := auth.Record(ctx, db.Client, auth.AuthFailed, "token:piet", "192.0.2.1", "fout"); err != nil {
			t.Fatal(err)
		}
		_ = mun
		now := day(2026, 11, 28)
		v0, _ := db.Version(ctx)
		rep, err := retention.Apply(ctx, db, 2*365*24*time.Hour, now)
		if err != nil {
			t.Fatal(err)
		}
		// The log reads differently now: cached answers must not outlive it.
		if v1, _ := db.Version(ctx); v1 != v0+1 {
			t.Errorf("the catalogue's version went from %d to %d, want one step", v0, v1)
		}
		if rep.ChangeEvents != 2 || rep.SecurityEvents != 0 {
			t.Errorf("report %+v, want the 2 old changes by a person", rep)
		}
		evs := db.Client.ChangeEvent.Query().Order(ent.Asc(changeevent.FieldRecordedAt)).AllX(fixture.Ctx())
		var pseudonyms []string
		for _, e := range evs {
			switch {
			case e.RecordedAt.Before(rep.Cutoff) && e.RecordedAt.Year() == 2022 && e.Entity == changeevent.EntityAVAILABILITY:
				if !strings.HasPrefix(e.Actor, retention.Prefix) || strings.Contains(e.Actor, "jan") {
					t.Errorf("an old change still names %q", e.Actor)
				}
				if e.ActorOrganizationID == nil || *e.ActorOrganizationID != org {
					t.Error("the organization of an old change was lost")
				}
				pseudonyms = append(pseudonyms, e.Actor)
			case e.Entity == changeevent.EntityAVAILABILITY:
				if e.Actor != "jan.jansen@rotterdam.nl" {
					t.Errorf("a recent change lost its name: %q", e.Actor)
				}
			default:
				if e.Actor != "system:seed" {
					t.Errorf("a system actor was replaced: %q", e.Actor)
				}
			}
		}
		if len(pseudonyms) != 2 || pseudonyms[0] != pseudonyms[1] {
			t.Errorf("one person should get one pseudonym: %v", pseudonyms)
		}
		// A second run changes nothing more and gives the same pseudonym later on.
		if rep, err := retention.Apply(ctx, db, 2*365*24*time.Hour, now); err != nil || rep.ChangeEvents != 0 {
			t.Errorf("second run: %+v %v", rep, err)
		}
		// A month from now, with a 30-day period: the security entry made today and
		// the change of June are past it too.
		later := time.Now().AddDate(0, 0, 31)
		if rep, err := retention.Apply(ctx, db, 30*24*time.Hour, later); err != nil || rep.ChangeEvents != 1 || rep.SecurityEvents != 1 {
			t.Errorf("a shorter period: %+v %v", rep, err)
		}
		last := db.Client.ChangeEvent.Query().Where(changeevent.RecordedAt(day(2026, 6, 1))).OnlyX(fixture.Ctx())
		if last.Actor != pseudonyms[0] {
			t.Errorf("the same person got pseudonym %q, earlier %q", last.Actor, pseudonyms[0])
		}
		sec := db.Client.SecurityEvent.Query().Where(securityevent.KindEQ(securityevent.KindAUTH_FAILED)).OnlyX(fixture.Ctx())
		if sec.Client != "" || !strings.HasPrefix(sec.Actor, retention.Prefix) {
			t.Errorf("an old security entry keeps %q from %q", sec.Actor, sec.Client)
		}
		runs := db.Client.SecurityEvent.Query().Where(securityevent.KindEQ(securityevent.KindRETENTION_APPLIED)).CountX(fixture.Ctx())
		if runs != 3 {
			t.Errorf("%d retention runs in the security log, want 3", runs)
		}
	})
}

func TestParsePeriod(t *testing.T) {
	for s, want := range map[string]time.Duration{"730d": 730 * 24 * time.Hour, "1d": 24 * time.Hour, "36h": 36 * time.Hour} {
		if got, err := retention.ParsePeriod(s); err != nil || got != want {
			t.Errorf("ParsePeriod(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "0d", "-1d", "twee jaar", "7x", "d"} {
		if _, err := retention.ParsePeriod(s); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", s)
		}
	}
}
