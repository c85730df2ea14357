package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/satisfaction/satisfactiontest"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

type share struct {
	Indicator                 string
	Dissatisfied, Respondents int
	Share, Low, High          *float64
}

// TestSatisfactionOfTheSeed asks the API about the seed's measurements and
// holds every figure to the independent computation over the stored rows.
func TestSatisfactionOfTheSeed(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		r := graph.NewResolver(db, "")
		ctx := auth.Allow(context.Background())
		rows, err := satisfactiontest.Load(ctx, db.Client)
		if err != nil {
			t.Fatal(err)
		}
		m := db.Client.Organization.Query().Where(organization.Code("rotterdam")).OnlyX(ctx)
		phone := db.Client.Channel.Query().Where(channel.Code("telefoon")).OnlyX(ctx)
		moving := db.Client.Product.Query().Where(product.Slug("verhuizing-doorgeven")).OnlyX(ctx)
		cases := []struct {
			args   string
			months int
			q      satisfactiontest.Query
		}{
			{`from: "2022-01-01", to: "2026-10-31", interval: QUARTER`, 3, satisfactiontest.Query{}},
			{`from: "2024-05-10", to: "2025-02-01", interval: MONTH, channel: "telefoon"`, 1, satisfactiontest.Query{Channel: &phone.ID}},
			{`from: "2022-01-01", to: "2026-12-31", interval: YEAR, product: "verhuizing-doorgeven"`, 12, satisfactiontest.Query{Product: &moving.ID}},
		}
		for _, tc := range cases {
			var out struct {
				Satisfaction struct {
					Points []struct {
						Start, End  string
						Respondents int
						Indicators  []share
						Nps         struct{ Score *float64 }
					}
					Progress []struct {
						Indicator                  string
						BaselineShare, TargetShare *float64
						OnTrack                    *bool
					}
				}
				ChannelShift struct {
					Points []struct {
						Start                                                string
						Contacts, DigitalContacts, Requests, DigitalRequests int
						DigitalTakeUp                                        *float64
					}
					Openings []struct {
						Channel struct{ Code string }
						Date    string
					}
				}
			}
			shiftArgs := tc.args
			if tc.q.Channel != nil {
				shiftArgs = `from: "2024-05-10", to: "2025-02-01", interval: MONTH`
			}
			q := fmt.Sprintf(`{ satisfaction(%s) { points { start end respondents indicators { indicator dissatisfied respondents share low high } nps { score } }
				progress { indicator baselineShare targetShare onTrack } }
				channelShift(%s) { points { start contacts digitalContacts requests digitalRequests digitalTakeUp } openings { channel { code } date } } }`,
				tc.args, shiftArgs)
			if errs := run(t, r, q, nil, &out); len(errs) > 0 {
				t.Fatalf("%s: %v", tc.args, errs)
			}
			tc.q.Municipality, tc.q.Months = m.ID, tc.months
			from, to := dates(t, tc.args)
			tc.q.From, tc.q.To = from, to
			want := satisfactiontest.Expect(rows, tc.q)
			got := out.Satisfaction.Points
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("%s: %d points; want %d", tc.args, len(got), len(want))
			}
			total := 0
			for i, w := range want {
				p := got[i]
				total += p.Respondents
				if p.Start != w.Start.Format(time.DateOnly) || p.End != w.End.Format(time.DateOnly) || p.Respondents != w.Respondents {
					t.Errorf("%s: point %s…%s %d; want %s…%s %d", tc.args, p.Start, p.End, p.Respondents, w.Start, w.End, w.Respondents)
				}
				for j, ind := range p.Indicators {
					if ind.Dissatisfied != w.Dissatisfied[j] || !satisfactiontest.Close(ind.Share, w.Share[j]) ||
						!satisfactiontest.Close(ind.Low, w.Low[j]) || !satisfactiontest.Close(ind.High, w.High[j]) {
						t.Errorf("%s %s %s: %+v; want %d %v", tc.args, p.Start, ind.Indicator, ind, w.Dissatisfied[j], w.Share[j])
					}
				}
				if !satisfactiontest.Close(p.Nps.Score, w.NPS) {
					t.Errorf("%s %s: NPS %v; want %v", tc.args, p.Start, p.Nps.Score, w.NPS)
				}
			}
			// The seed surveys channels as a whole; products have volumes only.
			if (total == 0) != (tc.q.Product != nil) {
				t.Errorf("%s: %d respondents in all", tc.args, total)
			}
			if tc.q.Channel == nil {
				contacts := 0
				for _, p := range out.ChannelShift.Points {
					contacts += p.Contacts
				}
				if contacts == 0 {
					t.Errorf("%s: the seed gives no contacts", tc.args)
				}
				for i, w := range want {
					s := out.ChannelShift.Points[i]
					if s.Contacts != w.Contacts || s.DigitalContacts != w.DigitalContacts || s.Requests != w.Requests ||
						s.DigitalRequests != w.DigitalRequests || !satisfactiontest.Close(s.DigitalTakeUp, w.TakeUp) {
						t.Errorf("%s %s: shift %+v; want %d/%d %d/%d %v", tc.args, s.Start, s, w.Contacts, w.DigitalContacts,
							w.Requests, w.DigitalRequests, w.TakeUp)
					}
				}
			}
			if tc.q.Product != nil && len(out.ChannelShift.Openings) == 0 {
				t.Errorf("the channel openings of verhuizing-doorgeven are missing")
			}
			if tc.q.Channel == nil && tc.q.Product == nil {
				if len(out.Satisfaction.Progress) != 4 || out.Satisfaction.Progress[0].TargetShare == nil ||
					*out.Satisfaction.Progress[0].TargetShare >= *out.Satisfaction.Progress[0].BaselineShare {
					t.Errorf("progress: %+v", out.Satisfaction.Progress)
				}
			}
		}
	})
}

// dates reads from and to back out of a test's arguments.
func dates(t *testing.T, args string) (time.Time, time.Time) {
	t.Helper()
	var from, to string
	if _, err := fmt.Sscanf(args, "from: %q, to: %q", &from, &to); err != nil {
		t.Fatalf("%s: %v", args, err)
	}
	f, err1 := catalog.ParseDate(from)
	tt, err2 := catalog.ParseDate(to)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return f, tt
}

// TestSatisfactionArgumentsAreChecked: bad arguments are named.
func TestSatisfactionArgumentsAreChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fixture.New(t, db.Client)
		r := graph.NewResolver(db, "")
		for q, want := range map[string]string{
			`{ satisfaction(from: "2024-05-01", to: "2024-01-01") { leftOut } }`:        "to (2024-01-01) lies before from (2024-05-01)",
			`{ satisfaction(from: "2024-01-01", channel: "fax") { leftOut } }`:          `there is no channel with code "fax"`,
			`{ channelShift(from: "2024-01-01", product: "geen-product") { leftOut } }`: `no product "geen-product"`,
			`{ satisfaction(from: "1900-01-01", interval: MONTH) { leftOut } }`:         "more than 600 points",
		} {
			errs := run(t, r, q, nil, nil)
			if len(errs) != 1 || !strings.Contains(errs[0], want) {
				t.Errorf("%s: %v; want an error saying %q", q, errs, want)
			}
		}
	})
}

// TestMeasurementMutations: an admin records and corrects measurements and
// sets the target; bad figures are refused naming the field (the HTTP
// server's error funnel adds the code BAD_USER_INPUT); editors and anonymous
// callers change nothing.
func TestMeasurementMutations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		r := graph.NewResolver(db, "")
		as := func(v *auth.Viewer, q string) (map[string]any, []string) {
			ctx := context.Background()
			if v != nil {
				ctx = auth.NewContext(ctx, v)
			}
			resp := graph.Execute(ctx, r, q, nil)
			var msgs []string
			for _, e := range resp.Errors {
				msgs = append(msgs, fmt.Sprintf("%s %v", e.Message, e.Extensions["code"]))
			}
			var out map[string]any
			_ = json.Unmarshal(resp.Data, &out)
			return out, msgs
		}
		admin := &auth.Viewer{Name: "admin", Role: auth.Admin, OrganizationID: &k.Municipality.ID,
			Scope: []int{k.Municipality.ID, k.ClusterA.ID, k.DepartmentA1.ID, k.ClusterB.ID}}
		editor := &auth.Viewer{Name: "editor", Role: auth.Editor, OrganizationID: &k.ClusterA.ID, Scope: []int{k.ClusterA.ID, k.DepartmentA1.ID}}
		set := func(n, general int) string {
			return fmt.Sprintf(`mutation { setSurveyResult(input: {key: {channel: "website", period: MONTH, periodStart: "2026-09-01"},
				respondents: %d, dissatisfiedGeneral: %d, dissatisfiedClarity: 1, dissatisfiedFriendliness: 0, dissatisfiedTimeliness: 2, npsPromoters: 5}) {
				respondents dissatisfiedGeneral period } }`, n, general)
		}
		share := func() any {
			out, errs := as(nil, `{ satisfaction(from: "2026-09-01", to: "2026-09-30", interval: MONTH) { total { indicators { share } } } }`)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			return out["satisfaction"].(map[string]any)["total"].(map[string]any)["indicators"].([]any)[0].(map[string]any)["share"]
		}
		if _, errs := as(admin, set(40, 4)); len(errs) > 0 {
			t.Fatalf("admin: %v", errs)
		}
		if _, errs := as(admin, set(40, 10)); len(errs) > 0 {
			t.Fatalf("admin correcting: %v", errs)
		}
		if got := share(); got != 0.25 {
			t.Errorf("after the correction the share is %v; want 10/40 = 0.25", got)
		}
		if _, errs := as(admin, set(40, 41)); len(errs) != 1 || !strings.Contains(errs[0], "41 dissatisfied is more than the 40 respondents") ||
			!strings.Contains(errs[0], "dissatisfiedGeneral") {
			t.Errorf("41 of 40: %v", errs)
		}
		for name, v := range map[string]*auth.Viewer{"editor": editor, "anonymous": nil} {
			if _, errs := as(v, set(40, 1)); len(errs) != 1 {
				t.Errorf("%s recorded a survey result: %v", name, errs)
			}
		}
		if got := share(); got != 0.25 {
			t.Errorf("refused writes changed the share to %v", got)
		}
		out, errs := as(admin, `mutation { setSatisfactionTarget(input: {municipality: "testgemeente", name: "30% minder ontevreden",
			baselineFrom: "2022-01-01", baselineTo: "2022-12-31", reduction: 0.3, deadline: "2026-12-31"}) { reduction deadline } }`)
		if len(errs) > 0 || out["setSatisfactionTarget"].(map[string]any)["reduction"] != 0.3 {
			t.Errorf("target: %v %v", out, errs)
		}
		if _, errs := as(admin, `mutation { setSatisfactionTarget(input: {municipality: "testgemeente", name: "x", baselineFrom: "2022-01-01", baselineTo: "2021-12-31",
			reduction: 0.3, deadline: "2026-12-31"}) { name } }`); len(errs) != 1 || !strings.Contains(errs[0], "ends before it starts") {
			t.Errorf("a baseline ending before it starts: %v", errs)
		}
		if _, errs := as(admin, `mutation { setContactVolume(input: {key: {channel: "balie", period: QUARTER, periodStart: "2026-08-01"}, contacts: 5}) { contacts } }`); len(errs) != 1 ||
			!strings.Contains(errs[0], "a quarter starts in January, April, July or October") {
			t.Errorf("a quarter from August: %v", errs)
		}
	})
}
