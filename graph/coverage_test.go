package graph_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/seed"
)

func run(t *testing.T, r *graph.Resolver, q string, vars map[string]any, out any) []string {
	t.Helper()
	resp := graph.Execute(context.Background(), r, q, vars)
	var msgs []string
	for _, e := range resp.Errors {
		msgs = append(msgs, e.Message)
	}
	if len(msgs) == 0 && out != nil {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			t.Fatalf("decoding %s: %v", resp.Data, err)
		}
	}
	return msgs
}

func TestMain(m *testing.M) { storetest.Main(m) }

type point struct {
	At                                                                        time.Time
	ApplicableCells, AvailableCells, NotApplicableCells, FullyCoveredProducts int
	Ratio                                                                     float64
}

// TestHistoryPointsEqualCoverage asks the API for a 48-month history of the
// seed and for the coverage at each of its points: they must agree.
func TestHistoryPointsEqualCoverage(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		r := graph.NewResolver(db, "")
		var h struct{ CoverageHistory []point }
		errs := run(t, r, `{ coverageHistory(from: "2023-01-01T00:00:00+01:00", to: "2027-01-01T00:00:00+01:00", interval: MONTH, organization: "dienstverlening") {
			at applicableCells availableCells notApplicableCells fullyCoveredProducts ratio } }`, nil, &h)
		if len(errs) > 0 || len(h.CoverageHistory) != 49 {
			t.Fatalf("history: %v, %d points", errs, len(h.CoverageHistory))
		}
		// Every sixth point and the last: the property test in internal/coverage
		// checks every point of random histories; this checks the API's path.
		for i, p := range h.CoverageHistory {
			if i%6 != 0 && i != len(h.CoverageHistory)-1 {
				continue
			}
			var c struct{ Coverage point }
			errs := run(t, r, `query($at: Time) { coverage(at: $at, organization: "dienstverlening") {
				applicableCells availableCells notApplicableCells fullyCoveredProducts ratio } }`,
				map[string]any{"at": p.At.Format(time.RFC3339Nano)}, &c)
			c.Coverage.At = p.At
			if len(errs) > 0 || c.Coverage != p {
				t.Errorf("at %v: history %+v, coverage %+v %v", p.At, p, c.Coverage, errs)
			}
		}
		first, last := h.CoverageHistory[0], h.CoverageHistory[48]
		if first.ApplicableCells != 0 || last.AvailableCells == 0 || last.AvailableCells <= h.CoverageHistory[12].AvailableCells {
			t.Errorf("the seed's history should start empty and grow: %+v … %+v", first, last)
		}
	})
}

type gap struct {
	Product      struct{ Slug, Name string }
	Channel      struct{ Code string }
	Status       string
	PlannedDate  *string
	Overdue      bool
	DataGap      bool
	Reason       *string
	LastReviewed *string
}

type gapPage struct {
	TotalCount int
	Edges      []struct {
		Node   gap
		Cursor string
	}
	PageInfo struct {
		HasNextPage bool
		EndCursor   *string
	}
}

// expectedGaps works out today's gap list from the tables, independently.
func expectedGaps(t *testing.T, c *ent.Client, notApplicable bool) []gap {
	t.Helper()
	ctx := fixture.Ctx()
	mun := c.Organization.Query().Where(organization.Code(seed.Municipality)).OnlyX(ctx)
	prods := c.Product.Query().Where(product.MunicipalityID(mun.ID), product.StatusEQ(product.StatusPUBLISHED)).AllX(ctx)
	chans := c.Channel.Query().AllX(ctx)
	avs := c.Availability.Query().AllX(ctx)
	cell := map[[2]int]*ent.Availability{}
	for _, a := range avs {
		cell[[2]int{a.ProductID, a.ChannelID}] = a
	}
	today := catalog.DateOf(time.Now())
	type row struct {
		g                 gap
		rank              int
		planned, reviewed time.Time
		name              string
		pid, sort, cid    int
	}
	var rows []row
	for _, p := range prods {
		for _, ch := range chans {
			if !ch.Active {
				continue
			}
			a := cell[[2]int{p.ID, ch.ID}]
			g := gap{Status: "NOT_ASSESSED", DataGap: a == nil}
			g.Product.Slug, g.Product.Name, g.Channel.Code = p.Slug, p.Name, ch.Code
			rw := row{name: p.Name, pid: p.ID, sort: ch.SortOrder, cid: ch.ID, rank: 1}
			if a != nil {
				g.Status = a.Status.String()
				if a.PlannedDate != nil {
					d := a.PlannedDate.Format(time.DateOnly)
					g.PlannedDate = &d
					g.Overdue = a.PlannedDate.Before(today)
					rw.planned = *a.PlannedDate
				}
				if a.Reason != nil && *a.Reason != "" {
					g.Reason = a.Reason
				}
				lr := a.LastReviewed.Format(time.DateOnly)
				g.LastReviewed = &lr
				rw.reviewed = a.LastReviewed
				rw.rank = map[string]int{"PLANNED": 0, "UNAVAILABLE": 2, "PARTIAL": 3}[g.Status]
			}
			wanted := g.Status == "NOT_APPLICABLE"
			if !notApplicable {
				wanted = g.Status != "AVAILABLE" && g.Status != "NOT_APPLICABLE"
			}
			if wanted {
				rw.g = g
				rows = append(rows, rw)
			}
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		if notApplicable {
			return cmp.Or(a.reviewed.Compare(b.reviewed), cmp.Compare(a.name, b.name), cmp.Compare(a.pid, b.pid), cmp.Compare(a.sort, b.sort), cmp.Compare(a.cid, b.cid))
		}
		return cmp.Or(cmp.Compare(a.rank, b.rank), a.planned.Compare(b.planned), cmp.Compare(a.name, b.name), cmp.Compare(a.pid, b.pid), cmp.Compare(a.sort, b.sort), cmp.Compare(a.cid, b.cid))
	})
	out := make([]gap, len(rows))
	for i, r := range rows {
		out[i] = r.g
	}
	return out
}

func pageThrough(t *testing.T, r *graph.Resolver, field string) []gap {
	t.Helper()
	var all []gap
	var after any
	for pages := 0; pages < 100; pages++ {
		var resp map[string]gapPage
		errs := run(t, r, `query($after: Cursor) { `+field+`(first: 200, after: $after) { totalCount
			edges { cursor node { product { slug name } channel { code } status plannedDate overdue dataGap reason lastReviewed } }
			pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after}, &resp)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		p := resp[field]
		for _, e := range p.Edges {
			all = append(all, e.Node)
		}
		if len(all) > p.TotalCount {
			t.Fatalf("paged past the total %d", p.TotalCount)
		}
		if !p.PageInfo.HasNextPage {
			if len(all) != p.TotalCount {
				t.Errorf("paging gave %d cells, total says %d", len(all), p.TotalCount)
			}
			return all
		}
		after = *p.PageInfo.EndCursor
	}
	t.Fatal("paging did not end")
	return nil
}

func TestGapListsMatchTheTables(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		r := graph.NewResolver(db, "")
		for _, tc := range []struct {
			field         string
			notApplicable bool
		}{{"gaps", false}, {"notApplicableReview", true}} {
			got := pageThrough(t, r, tc.field)
			want := expectedGaps(t, db.Client, tc.notApplicable)
			if len(got) != len(want) || len(want) == 0 {
				t.Fatalf("%s: %d cells, want %d", tc.field, len(got), len(want))
			}
			for i := range want {
				gj, _ := json.Marshal(got[i])
				wj, _ := json.Marshal(want[i])
				if string(gj) != string(wj) {
					t.Fatalf("%s[%d]:\n got %s\nwant %s", tc.field, i, gj, wj)
				}
			}
		}
		// Overdue plans lead the gap list.
		gaps := pageThrough(t, r, "gaps")
		if !gaps[0].Overdue {
			t.Errorf("the gap list starts with %+v, want an overdue plan", gaps[0])
		}
	})
}

func TestCoverageArgumentsAreChecked(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	if err := fixture.Seed(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	fixtureOther(t, db.Client)
	r := graph.NewResolver(db, seed.Municipality)
	for q, want := range map[string]string{
		`{ coverage(organization: "nergens") { ratio } }`:                                      `no organization with code "nergens"`,
		`{ coverage(organization: "andere-cluster") { ratio } }`:                               `not part of municipality "rotterdam"`,
		`{ coverage(municipality: "rotterdam", channels: ["balie", "fax"]) { ratio } }`:        `no channel with code "fax"`,
		`{ coverage(municipality: "atlantis") { ratio } }`:                                     `no municipality with code "atlantis"`,
		`{ coverageHistory(from: "2025-01-01T00:00:00Z", to: "2024-01-01T00:00:00Z") { at } }`: "lies before its start",
		`{ coverageHistory(from: "1900-01-01T00:00:00Z", interval: WEEK) { at } }`:             "at most 2000 points",
		`{ gaps(first: 500) { totalCount } }`:                                                  "0 to 200",
		`{ gaps(channel: "fax") { totalCount } }`:                                              `no channel with code "fax"`,
	} {
		errs := run(t, r, q, nil, nil)
		if len(errs) == 0 || !strings.Contains(errs[0], want) {
			t.Errorf("%s: errors %v, want %q", q, errs, want)
		}
	}
}

// fixtureOther adds a second municipality with a cluster, so that the
// default municipality must be named.
func fixtureOther(t *testing.T, c *ent.Client) {
	t.Helper()
	ctx := fixture.Ctx()
	tx, err := c.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := tx.Organization.Create().SetCode("andere").SetName("Andere").SetKind(organization.KindMUNICIPALITY).SaveX(ctx)
	tx.Organization.Create().SetCode("andere-cluster").SetName("Cluster").SetKind(organization.KindCLUSTER).SetParent(m).ExecX(ctx)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestCountryCoverageOfOneMunicipality asks the API for the country's
// coverage where the catalogue holds one municipality: it must read as that
// municipality's own (internal/coverage checks several municipalities).
func TestCountryCoverageOfOneMunicipality(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		r := graph.NewResolver(db, "")
		const fields = `products fullyCoveredProducts cells applicableCells availableCells notAssessedCells ratio
			byChannel { channel { code } available applicable } byTheme { theme products available }
			groups { personalHelp otherLanguage youth digital }`
		var country struct {
			CountryCoverage map[string]any
		}
		if errs := run(t, r, `{ countryCoverage { `+fields+` byOrganization { organization { code } products } } }`, nil, &country); len(errs) > 0 {
			t.Fatal(errs)
		}
		var own struct{ Coverage map[string]any }
		if errs := run(t, r, `{ coverage { `+fields+` } }`, nil, &own); len(errs) > 0 {
			t.Fatal(errs)
		}
		orgs, _ := country.CountryCoverage["byOrganization"].([]any)
		delete(country.CountryCoverage, "byOrganization")
		if got, want := fmt.Sprint(country.CountryCoverage), fmt.Sprint(own.Coverage); got != want {
			t.Errorf("country:\n%s\nmunicipality:\n%s", got, want)
		}
		if len(orgs) != 1 || !strings.Contains(fmt.Sprint(orgs[0]), seed.Municipality) {
			t.Errorf("byOrganization: %v", orgs)
		}
	})
}

// TestCountryOverTime asks the API for the country at a past moment and for
// its history, where the catalogue holds one municipality and the
// deployment-wide target equals the municipality's: figures and projection
// must read as the municipality's own at the same moments.
func TestCountryOverTime(t *testing.T) {
	storetest.EachSeeded(t, fixture.Seed, func(t *testing.T, db *store.DB) {
		ctx := fixture.Ctx()
		own := db.Client.Target.Query().OnlyX(ctx)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Target.Create().SetName("Landelijk").SetDeadline(own.Deadline).SetShare(own.Share).SetPrimary(true).Exec(ctx)
		})
		r := graph.NewResolver(db, "")
		const at = "2025-06-30T12:00:00Z"
		const projection = `projection { pacePerWeek requiredPacePerWeek cellsToGo projectedCompletion onTrack }`
		var country struct{ CountryCoverage map[string]any }
		if errs := run(t, r, `{ countryCoverage(at: "`+at+`") { applicableCells availableCells ratio `+projection+` } }`, nil, &country); len(errs) > 0 {
			t.Fatal(errs)
		}
		var mine struct{ Coverage map[string]any }
		if errs := run(t, r, `{ coverage(at: "`+at+`") { applicableCells availableCells ratio `+projection+` } }`, nil, &mine); len(errs) > 0 {
			t.Fatal(errs)
		}
		if got, want := fmt.Sprint(country.CountryCoverage), fmt.Sprint(mine.Coverage); got != want {
			t.Errorf("country at %s:\n%s\nmunicipality:\n%s", at, got, want)
		}
		if country.CountryCoverage["projection"] == nil {
			t.Errorf("no projection for the country: %v", country.CountryCoverage)
		}

		// Now: the projection is computed only when asked for, and then
		// there is one.
		var nowCountry struct{ CountryCoverage map[string]any }
		if errs := run(t, r, `{ countryCoverage { availableCells projection { cellsToGo pacePerWeek } } }`, nil, &nowCountry); len(errs) > 0 {
			t.Fatal(errs)
		}
		var nowOwn struct{ Coverage map[string]any }
		if errs := run(t, r, `{ coverage { availableCells projection { cellsToGo pacePerWeek } } }`, nil, &nowOwn); len(errs) > 0 {
			t.Fatal(errs)
		}
		if nowCountry.CountryCoverage["projection"] == nil || fmt.Sprint(nowCountry.CountryCoverage) != fmt.Sprint(nowOwn.Coverage) {
			t.Errorf("country now: %v; municipality now: %v", nowCountry.CountryCoverage, nowOwn.Coverage)
		}

		var hist struct{ CountryCoverageHistory []map[string]any }
		q := `{ countryCoverageHistory(from: "2025-01-31T12:00:00Z", to: "` + at + `", interval: MONTH) {
			at applicableCells availableCells ratio municipalities { municipality { code } availableCells } ` + projection + ` } }`
		if errs := run(t, r, q, nil, &hist); len(errs) > 0 {
			t.Fatal(errs)
		}
		var ownHist struct{ CoverageHistory []map[string]any }
		if errs := run(t, r, `{ coverageHistory(from: "2025-01-31T12:00:00Z", to: "`+at+`", interval: MONTH) { at applicableCells availableCells ratio } }`, nil, &ownHist); len(errs) > 0 {
			t.Fatal(errs)
		}
		if len(hist.CountryCoverageHistory) != len(ownHist.CoverageHistory) || len(hist.CountryCoverageHistory) < 5 {
			t.Fatalf("%d points in the country, %d in the municipality", len(hist.CountryCoverageHistory), len(ownHist.CoverageHistory))
		}
		for i, p := range hist.CountryCoverageHistory {
			ms, _ := p["municipalities"].([]any)
			if len(ms) != 1 || !strings.Contains(fmt.Sprint(ms[0]), seed.Municipality) {
				t.Errorf("point %d: municipalities %v", i, ms)
			}
			delete(p, "municipalities")
			last := i == len(hist.CountryCoverageHistory)-1
			if last && fmt.Sprint(p["projection"]) != fmt.Sprint(country.CountryCoverage["projection"]) {
				t.Errorf("the last point's projection %v; countryCoverage(at:) %v", p["projection"], country.CountryCoverage["projection"])
			}
			delete(p, "projection")
			if got, want := fmt.Sprint(p), fmt.Sprint(ownHist.CoverageHistory[i]); got != want {
				t.Errorf("point %d:\n%s\nmunicipality:\n%s", i, got, want)
			}
		}
	})
}
