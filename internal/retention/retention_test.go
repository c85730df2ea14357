package retention_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/callbackrequest"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/securityevent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/knowledge"
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

// TestClosedCallbackRequestsLoseTheirNames: the colleagues named on a
// call-back request closed before the retention period get the pseudonyms
// the change log gives them; open and recently closed requests keep their
// names, and the knowledge figures stay as they were.
func TestClosedCallbackRequestsLoseTheirNames(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 10, 0, 0, 0, time.UTC) }
		const jan, marie, piet = "jan.jansen@rotterdam.nl", "marie.dekker@rotterdam.nl", "piet@rotterdam.nl"
		var prod, web int
		org := 0
		ids := map[string]int{}
		step := func(at time.Time, who string, fn func(ctx context.Context, c *ent.Client) error) changelog.Step {
			return changelog.Step{At: at, Actor: changelog.Actor{Name: who, OrganizationID: &org}, Apply: fn}
		}
		file := func(at time.Time, who, question string) changelog.Step {
			return step(at, who, func(ctx context.Context, c *ent.Client) error {
				r, err := c.CallbackRequest.Create().SetProductID(prod).SetQuestion(question).SetChannelID(web).
					SetReplyChannelID(web).SetContact("06-12345678").Save(ctx)
				if err == nil {
					ids[question] = r.ID
				}
				return err
			})
		}
		assign := func(at time.Time, who, question, to string) changelog.Step {
			return step(at, who, func(ctx context.Context, c *ent.Client) error {
				return c.CallbackRequest.UpdateOneID(ids[question]).SetStatus(callbackrequest.StatusASSIGNED).SetAssignee(to).Exec(ctx)
			})
		}
		closing := func(at time.Time, who, question string) changelog.Step {
			return step(at, who, func(ctx context.Context, c *ent.Client) error {
				return c.CallbackRequest.UpdateOneID(ids[question]).SetStatus(callbackrequest.StatusCLOSED).Exec(ctx)
			})
		}
		steps := []changelog.Step{
			{At: day(2022, 1, 3), Actor: changelog.System("seed"), Apply: func(ctx context.Context, c *ent.Client) error {
				m := c.Organization.Create().SetCode("g").SetName("G").SetKind(organization.KindMUNICIPALITY).SaveX(ctx)
				org = m.ID
				web = c.Channel.Create().SetCode("website").SetName("W").SetNameEn("W").SaveX(ctx).ID
				prod = fixture.ProductCreate(c, "p", m).SaveX(ctx).ID
				return nil
			}},
			// Marie's own change, so that the log has her pseudonym too.
			step(day(2022, 1, 4), marie, func(ctx context.Context, c *ent.Client) error {
				return c.Availability.Create().SetProductID(prod).SetChannelID(web).SetStatus(availability.StatusAVAILABLE).Exec(ctx)
			}),
			file(day(2022, 1, 10), jan, "Oud en gesloten?"),
			assign(day(2022, 1, 11), piet, "Oud en gesloten?", marie),
			file(day(2022, 1, 12), jan, "Oud en nog open?"),
			assign(day(2022, 1, 13), piet, "Oud en nog open?", marie),
			file(day(2022, 1, 14), jan, "Oud, gesloten, nooit toegewezen?"),
			closing(day(2022, 1, 15), piet, "Oud, gesloten, nooit toegewezen?"),
			{At: day(2022, 1, 16), Actor: changelog.System("import"), Apply: func(ctx context.Context, c *ent.Client) error {
				r, err := c.CallbackRequest.Create().SetProductID(prod).SetQuestion("Door het systeem?").SetChannelID(web).
					SetReplyChannelID(web).SetStatus(callbackrequest.StatusCLOSED).Save(ctx)
				if err == nil {
					ids[r.Question] = r.ID
				}
				return err
			}},
			closing(day(2022, 2, 1), piet, "Oud en gesloten?"),
			file(day(2026, 5, 1), jan, "Kort geleden gesloten?"),
			assign(day(2026, 5, 2), piet, "Kort geleden gesloten?", marie),
			closing(day(2026, 6, 1), piet, "Kort geleden gesloten?"),
		}
		if err := changelog.Import(ctx, db.Client, steps, changelog.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		svc := &knowledge.Service{Client: db.Client, Dialect: db.Target.Dialect, Municipality: "g"}
		staff := auth.NewContext(ctx, &auth.Viewer{Name: "beheer", Role: auth.Admin})
		before, err := svc.Report(staff, nil, nil)
		if err != nil {
			t.Fatal(err)
		}

		rep, err := retention.Apply(ctx, db, 2*365*24*time.Hour, now)
		if err != nil {
			t.Fatal(err)
		}
		if rep.CallbackRequests != 2 {
			t.Errorf("report %+v, want 2 call-back requests: the two closed long ago that a person filed", rep)
		}
		get := func(question string) *ent.CallbackRequest {
			return db.Client.CallbackRequest.GetX(fixture.Ctx(), ids[question])
		}
		// The pseudonyms the change log gives: Jan filed, Marie made a change.
		actorOf := func(entity changeevent.Entity, at time.Time) string {
			return db.Client.ChangeEvent.Query().Where(changeevent.EntityEQ(entity), changeevent.RecordedAt(at)).
				OnlyX(fixture.Ctx()).Actor
		}
		janP, marieP := actorOf(changeevent.EntityCALLBACK_REQUEST, day(2022, 1, 10)), actorOf(changeevent.EntityAVAILABILITY, day(2022, 1, 4))
		if !strings.HasPrefix(janP, retention.Prefix) || !strings.HasPrefix(marieP, retention.Prefix) || janP == marieP {
			t.Fatalf("the change log's pseudonyms: %q and %q", janP, marieP)
		}
		if r := get("Oud en gesloten?"); r.RequestedBy != janP || r.Assignee == nil || *r.Assignee != marieP {
			t.Errorf("a request closed long ago: filed by %q, assigned to %v; want %q and %q", r.RequestedBy, deref(r.Assignee), janP, marieP)
		}
		if r := get("Oud en gesloten?"); !r.UpdatedAt.Equal(day(2022, 2, 1)) {
			t.Errorf("updated_at moved to %v: it must stay the time of the request's last logged change", r.UpdatedAt)
		}
		if r := get("Oud, gesloten, nooit toegewezen?"); r.RequestedBy != janP || r.Assignee != nil {
			t.Errorf("a request closed long ago without assignee: filed by %q, assigned to %v", r.RequestedBy, deref(r.Assignee))
		}
		for _, q := range []string{"Oud en nog open?", "Kort geleden gesloten?"} {
			if r := get(q); r.RequestedBy != jan || r.Assignee == nil || *r.Assignee != marie {
				t.Errorf("%s lost its names: filed by %q, assigned to %v", q, r.RequestedBy, deref(r.Assignee))
			}
		}
		if r := get("Door het systeem?"); r.RequestedBy != "system:import" {
			t.Errorf("a request the system filed names %q", r.RequestedBy)
		}
		for q, id := range ids {
			r := db.Client.CallbackRequest.GetX(fixture.Ctx(), id)
			if r.Status == callbackrequest.StatusCLOSED && (r.Contact != nil || r.ContactName != nil) {
				t.Errorf("closed request %q still holds contact details", q)
			}
		}
		after, err := svc.Report(staff, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("the knowledge figures changed:\n%+v\n%+v", before, after)
		}
		sec := db.Client.SecurityEvent.Query().Where(securityevent.KindEQ(securityevent.KindRETENTION_APPLIED)).OnlyX(fixture.Ctx())
		if !strings.Contains(sec.Detail, "2 call-back requests") {
			t.Errorf("the security log says %q", sec.Detail)
		}

		// Again: nothing more to do, and nothing changes.
		snapshot := func() string {
			var b strings.Builder
			for _, r := range db.Client.CallbackRequest.Query().Order(ent.Asc(callbackrequest.FieldID)).AllX(fixture.Ctx()) {
				fmt.Fprintf(&b, "%d %s %v %s\n", r.ID, r.RequestedBy, deref(r.Assignee), r.UpdatedAt.UTC())
			}
			return b.String()
		}
		was := snapshot()
		if rep, err := retention.Apply(ctx, db, 2*365*24*time.Hour, now); err != nil || rep.CallbackRequests != 0 {
			t.Errorf("second run: %+v %v", rep, err)
		}
		if got := snapshot(); got != was {
			t.Errorf("the second run changed the requests:\n%s---\n%s", was, got)
		}

		// Half a year on, with a 30-day period, the request closed in June
		// goes too, with the same pseudonyms; the one still open stays.
		if rep, err := retention.Apply(ctx, db, 30*24*time.Hour, now.AddDate(0, 6, 0)); err != nil || rep.CallbackRequests != 1 {
			t.Errorf("a later run: %+v %v", rep, err)
		}
		if r := get("Kort geleden gesloten?"); r.RequestedBy != janP || r.Assignee == nil || *r.Assignee != marieP {
			t.Errorf("a request closed in June: filed by %q, assigned to %v; want %q and %q", r.RequestedBy, deref(r.Assignee), janP, marieP)
		}
		if r := get("Oud en nog open?"); r.RequestedBy != jan || r.Assignee == nil || *r.Assignee != marie {
			t.Errorf("an open request lost its names: filed by %q, assigned to %v", r.RequestedBy, deref(r.Assignee))
		}
	}, storetest.WithStoreOptions(store.Options{Clock: clock.NewManual(now)}))
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// TestKeyGivesTheJobsPseudonyms: Key and Pseudonym reproduce what a run
// wrote, which a restore relies on; SetKey makes another key the one runs use.
func TestKeyGivesTheJobsPseudonyms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if key, err := retention.Key(ctx, db.SQL); err != nil || key != nil {
			t.Fatalf("a database the job never ran on has key %x (%v)", key, err)
		}
		if err := auth.Record(ctx, db.Client, auth.AuthFailed, "token:piet", "192.0.2.1", "fout"); err != nil {
			t.Fatal(err)
		}
		later := time.Now().AddDate(0, 0, 31)
		if _, err := retention.Apply(ctx, db, 30*24*time.Hour, later); err != nil {
			t.Fatal(err)
		}
		key, err := retention.Key(ctx, db.SQL)
		if err != nil || len(key) == 0 {
			t.Fatalf("no key after a run: %v", err)
		}
		sec := db.Client.SecurityEvent.Query().Where(securityevent.KindEQ(securityevent.KindAUTH_FAILED)).OnlyX(fixture.Ctx())
		if want := retention.Pseudonym(key, "token:piet"); sec.Actor != want {
			t.Errorf("the run wrote %q, Pseudonym gives %q", sec.Actor, want)
		}
		other := []byte("another key of thirty-two bytes!")
		if err := retention.SetKey(ctx, db.SQL, other); err != nil {
			t.Fatal(err)
		}
		if got, err := retention.Key(ctx, db.SQL); err != nil || string(got) != string(other) {
			t.Errorf("after SetKey the key is %x (%v)", got, err)
		}
		if err := auth.Record(ctx, db.Client, auth.AuthFailed, "token:kees", "192.0.2.1", "fout"); err != nil {
			t.Fatal(err)
		}
		if _, err := retention.Apply(ctx, db, 30*24*time.Hour, later); err != nil {
			t.Fatal(err)
		}
		n := db.Client.SecurityEvent.Query().Where(securityevent.Actor(retention.Pseudonym(other, "token:kees"))).CountX(fixture.Ctx())
		if n != 1 {
			t.Errorf("a run after SetKey did not use the new key: %d entries with its pseudonym", n)
		}
	})
}
