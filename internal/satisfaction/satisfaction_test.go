package satisfaction_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/satisfaction"
	"github.com/gemeente-rotterdam/catalogus/internal/satisfaction/satisfactiontest"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func month(y int, m time.Month) time.Time { return catalog.Date(y, m, 1) }

func survey(k *fixture.Catalogue, ch *ent.Channel, start time.Time, n int, dissatisfied [4]int) satisfaction.Survey {
	s := satisfaction.Survey{Key: satisfaction.Key{Municipality: k.Municipality.ID, Channel: ch.ID,
		Period: catalog.PeriodMonth, Start: start}}
	s.Respondents, s.Dissatisfied = n, dissatisfied
	return s
}

func record(t *testing.T, c *ent.Client, surveys ...satisfaction.Survey) {
	t.Helper()
	fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
		for _, s := range surveys {
			if _, _, err := satisfaction.RecordSurvey(ctx, tx, s); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestSharesAreWeightedByRespondents works one quarter out by hand.
//
// Website, January: 100 respondents, 10 dissatisfied (10%).
// Counter, January:   20 respondents, 10 dissatisfied (50%).
// Website, February:  80 respondents,  4 dissatisfied (5%).
// A quarterly website result for Q1 of 60 respondents counts in the quarter
// too (it lies wholly within it), but not in any month.
//
// Q1: (10 + 10 + 4 + 6) / (100 + 20 + 80 + 60) = 30 / 260 = 0.11538…, not
// the average of the percentages (10 + 50 + 5 + 10) / 4 = 18.75%.
// Wilson 95%: p = 0.115385, n = 260, z² = 3.8415; centre = (p + z²/2n) /
// (1 + z²/n) = 0.122772 / 1.014775 = 0.120985; half = z/(1 + z²/n) ·
// √(p(1 − p)/n + z²/4n²) = 1.931428 · √(0.00039277 + 0.00001421) =
// 1.931428 · 0.020174 = 0.038964; so 0.0820 … 0.1600.
// Per month: January (10 + 10) / 120 = 0.1667; February 4 / 80 = 0.05;
// March has no respondents (share null); the quarterly result is left out.
func TestSharesAreWeightedByRespondents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := db.Client
		k := fixture.New(t, c)
		q1 := survey(k, k.Website, month(2024, time.January), 60, [4]int{6, 0, 0, 0})
		q1.Period = catalog.PeriodQuarter
		record(t, c,
			survey(k, k.Website, month(2024, time.January), 100, [4]int{10, 20, 0, 5}),
			survey(k, k.Balie, month(2024, time.January), 20, [4]int{10, 0, 1, 0}),
			survey(k, k.Website, month(2024, time.February), 80, [4]int{4, 8, 0, 0}),
			q1)
		f := satisfaction.Filter{Municipality: k.Municipality.ID}
		ctx := context.Background()
		rep, err := satisfaction.Satisfaction(ctx, c, f, catalog.Date(2024, 1, 15), catalog.Date(2024, 3, 31), satisfaction.Quarter)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Points) != 1 || rep.LeftOut != 0 {
			t.Fatalf("points %d, left out %d; want 1 quarter, 0", len(rep.Points), rep.LeftOut)
		}
		g := rep.Points[0].Indicators[0]
		if g.Dissatisfied != 30 || g.Respondents != 260 || math.Abs(*g.Share-30.0/260) > 1e-9 {
			t.Errorf("Q1 general: %d/%d = %v; want 30/260", g.Dissatisfied, g.Respondents, *g.Share)
		}
		if math.Abs(*g.Low-0.0820) > 5e-4 || math.Abs(*g.High-0.1600) > 5e-4 {
			t.Errorf("Q1 interval %.4f … %.4f; want 0.0820 … 0.1600", *g.Low, *g.High)
		}
		monthly, err := satisfaction.Satisfaction(ctx, c, f, catalog.Date(2024, 1, 1), catalog.Date(2024, 3, 31), satisfaction.Month)
		if err != nil {
			t.Fatal(err)
		}
		if monthly.LeftOut != 1 {
			t.Errorf("monthly series left out %d; want the 1 quarterly result", monthly.LeftOut)
		}
		want := []float64{20.0 / 120, 4.0 / 80, math.NaN()}
		for i, p := range monthly.Points {
			if !satisfactiontest.Close(p.Indicators[0].Share, want[i]) {
				t.Errorf("%s: share %v; want %v", p.Start.Format("2006-01"), p.Indicators[0].Share, want[i])
			}
		}
		// Per channel over the quarter: the counter's 50% stays its own.
		if len(rep.ByChannel) != 2 || rep.ByChannel[0].Channel.Code != "balie" || *rep.ByChannel[0].Indicators[0].Share != 0.5 {
			t.Errorf("by channel: %+v", rep.ByChannel)
		}
	})
}

// TestProgressTowardTheTarget: baseline 2022 share 20% (40 of 200), target
// 30% fewer: 14%. The line runs from 20% on 2023-01-01 to 14% on 2027-01-01
// (48 months); at the end of 2024-12 (24 months in) it stands at 17%.
// December 2024 measures 16% (16 of 100): on track, not yet reached.
func TestProgressTowardTheTarget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := db.Client
		k := fixture.New(t, c)
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			_, err := satisfaction.SetTarget(ctx, tx, satisfaction.TargetInput{Municipality: &k.Municipality.ID,
				Name: "30% minder ontevreden", BaselineFrom: catalog.Date(2022, 1, 1), BaselineTo: catalog.Date(2022, 12, 31),
				Reduction: 0.3, Deadline: catalog.Date(2026, 12, 31)})
			return err
		})
		record(t, c,
			survey(k, k.Website, month(2022, time.March), 150, [4]int{30, 15, 3, 30}),
			survey(k, k.Balie, month(2022, time.October), 50, [4]int{10, 5, 1, 10}),
			survey(k, k.Website, month(2024, time.December), 100, [4]int{16, 9, 2, 19}))
		rep, err := satisfaction.Satisfaction(context.Background(), c, satisfaction.Filter{Municipality: k.Municipality.ID},
			catalog.Date(2024, 1, 1), catalog.Date(2024, 12, 31), satisfaction.Month)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Target == nil || len(rep.Progress) != 4 {
			t.Fatalf("target %v, progress %d", rep.Target, len(rep.Progress))
		}
		g := rep.Progress[0]
		checks := []struct {
			name      string
			got, want float64
		}{
			{"baseline", *g.BaselineShare, 0.20}, {"target", *g.TargetShare, 0.14},
			{"current", *g.CurrentShare, 0.16}, {"expected", *g.ExpectedShare, 0.17},
		}
		for _, ch := range checks {
			if math.Abs(ch.got-ch.want) > 1e-3 {
				t.Errorf("%s share %.4f; want %.4f", ch.name, ch.got, ch.want)
			}
		}
		if !*g.OnTrack || *g.Reached {
			t.Errorf("on track %v, reached %v; want true, false", *g.OnTrack, *g.Reached)
		}
		// Timeliness: baseline 40/200 = 20%, now 19%: behind the line.
		if tl := rep.Progress[3]; *tl.OnTrack {
			t.Errorf("timeliness 19%% against an expected 17%% is on track?")
		}
		if g.CurrentStart().Format(time.DateOnly) != "2024-12-01" || g.CurrentEnd().Format(time.DateOnly) != "2024-12-31" {
			t.Errorf("current period %v … %v", g.CurrentStart(), g.CurrentEnd())
		}
	})
}

// TestReportsEqualAnIndependentComputation fills random measurements at
// every level and compares random questions with the oracle.
func TestReportsEqualAnIndependentComputation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := db.Client
		k := fixture.New(t, c)
		p1 := k.Product(t, c, "p1", k.DepartmentA1)
		p2 := k.Product(t, c, "p2", k.ClusterB)
		r := rand.New(rand.NewPCG(7, 9))
		products := []*int{nil, &p1.ID, &p2.ID}
		orgs := []*int{nil, &k.ClusterA.ID, &k.DepartmentA1.ID, &k.ClusterB.ID}
		var surveys []satisfaction.Survey
		var volumes []satisfaction.Volume
		for m := month(2023, time.January); m.Before(month(2025, time.January)); m = m.AddDate(0, 1, 0) {
			for _, ch := range []*ent.Channel{k.Website, k.Balie} {
				for _, prod := range products {
					for _, org := range orgs {
						if (prod != nil && org != nil) || r.IntN(3) == 0 {
							continue
						}
						key := satisfaction.Key{Municipality: k.Municipality.ID, Channel: ch.ID, Product: prod,
							Organization: org, Period: catalog.PeriodMonth, Start: m}
						if m.Month()%3 == 1 && r.IntN(4) == 0 {
							key.Period = catalog.PeriodQuarter
						}
						n := r.IntN(200)
						s := satisfaction.Survey{Key: key}
						s.Respondents = n
						for i := range s.Dissatisfied {
							s.Dissatisfied[i] = r.IntN(n/2 + 1)
						}
						s.Promoters, s.Detractors = r.IntN(50), r.IntN(50)
						s.Passives = r.IntN(20)
						surveys = append(surveys, s)
						v := satisfaction.Volume{Key: key, Contacts: r.IntN(5000)}
						if r.IntN(4) > 0 {
							req := r.IntN(v.Contacts + 1)
							v.Requests = &req
						}
						volumes = append(volumes, v)
					}
				}
			}
		}
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			for _, s := range surveys {
				if _, _, err := satisfaction.RecordSurvey(ctx, tx, s); err != nil {
					return err
				}
			}
			for _, v := range volumes {
				if _, _, err := satisfaction.RecordVolume(ctx, tx, v); err != nil {
					return err
				}
			}
			return nil
		})
		ctx := context.Background()
		rows, err := satisfactiontest.Load(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		intervals := map[satisfaction.Interval]int{satisfaction.Month: 1, satisfaction.Quarter: 3, satisfaction.Year: 12}
		for i := range 30 {
			iv := []satisfaction.Interval{satisfaction.Month, satisfaction.Quarter, satisfaction.Year}[r.IntN(3)]
			from := catalog.Date(2022, time.Month(6+r.IntN(12)), 1+r.IntN(28))
			to := from.AddDate(0, r.IntN(30), r.IntN(28))
			f := satisfaction.Filter{Municipality: k.Municipality.ID}
			q := satisfactiontest.Query{Municipality: k.Municipality.ID, From: from, To: to, Months: intervals[iv]}
			switch r.IntN(4) {
			case 1:
				f.Product, q.Product = products[1+r.IntN(2)], f.Product
				q.Product = f.Product
			case 2:
				f.Organization = []int{k.ClusterA.ID, k.DepartmentA1.ID}
				q.Organization = f.Organization
			}
			if r.IntN(2) == 0 {
				f.Channel, q.Channel = &k.Balie.ID, &k.Balie.ID
			}
			name := fmt.Sprintf("%d %s %s…%s", i, iv, from.Format(time.DateOnly), to.Format(time.DateOnly))
			rep, err := satisfaction.Satisfaction(ctx, c, f, from, to, iv)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			shift, err := satisfaction.ChannelShift(ctx, c, f, from, to, iv)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want := satisfactiontest.Expect(rows, q)
			if len(rep.Points) != len(want) || len(shift.Points) != len(want) {
				t.Fatalf("%s: %d and %d points; want %d", name, len(rep.Points), len(shift.Points), len(want))
			}
			for j, w := range want {
				Compare(t, name, rep.Points[j], shift.Points[j], w)
			}
		}
	})
}

// Compare holds one point of both reports to the oracle's.
func Compare(t *testing.T, name string, got satisfaction.Point, shift satisfaction.ShiftPoint, w satisfactiontest.Point) {
	t.Helper()
	at := name + " " + w.Start.Format(time.DateOnly)
	if !got.Start.Equal(w.Start) || !got.End().Equal(w.End) || got.Respondents != w.Respondents {
		t.Errorf("%s: %s…%s with %d respondents; want %s…%s with %d", at, got.Start, got.End(), got.Respondents, w.Start, w.End, w.Respondents)
		return
	}
	for i, ind := range got.Indicators {
		if ind.Dissatisfied != w.Dissatisfied[i] || !satisfactiontest.Close(ind.Share, w.Share[i]) ||
			!satisfactiontest.Close(ind.Low, w.Low[i]) || !satisfactiontest.Close(ind.High, w.High[i]) {
			t.Errorf("%s %s: %d %v [%v, %v]; want %d %v [%v, %v]", at, ind.Indicator, ind.Dissatisfied, ind.Share, ind.Low, ind.High,
				w.Dissatisfied[i], w.Share[i], w.Low[i], w.High[i])
		}
	}
	if got.NPS.Promoters != w.Promoters || got.NPS.Detractors != w.Detractors || !satisfactiontest.Close(got.NPS.Score(), w.NPS) {
		t.Errorf("%s: NPS %+v %v; want %v", at, got.NPS, got.NPS.Score(), w.NPS)
	}
	if shift.Contacts != w.Contacts || shift.DigitalContacts != w.DigitalContacts || shift.Requests != w.Requests ||
		shift.DigitalRequests != w.DigitalRequests || !satisfactiontest.Close(shift.DigitalTakeUp, w.TakeUp) {
		t.Errorf("%s: volumes %d/%d, requests %d/%d, take-up %v; want %d/%d, %d/%d, %v", at, shift.Contacts, shift.DigitalContacts,
			shift.Requests, shift.DigitalRequests, shift.DigitalTakeUp, w.Contacts, w.DigitalContacts, w.Requests, w.DigitalRequests, w.TakeUp)
	}
	for _, cv := range shift.Channels {
		if w.ByChannelContacts[cv.Channel.ID] != cv.Contacts {
			t.Errorf("%s %s: %d contacts; want %d", at, cv.Channel.Code, cv.Contacts, w.ByChannelContacts[cv.Channel.ID])
		}
	}
}

// TestOpeningsAreChannelsBecomingAvailable: a cell written with the product
// is where its record starts, not an opening; a cell that turns AVAILABLE
// later, or is created AVAILABLE later, is.
func TestOpeningsAreChannelsBecomingAvailable(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, time.March, 2, 9, 0, 0, 0, catalog.Amsterdam))
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk.Set(time.Date(2026, time.March, 2, 9, 0, 0, 0, catalog.Amsterdam))
		c := db.Client
		k := fixture.New(t, c)
		var p *ent.Product
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			var err error
			if p, err = fixture.ProductCreate(tx, "p", k.ClusterA).Save(ctx); err != nil {
				return err
			}
			return tx.Availability.Create().SetProductID(p.ID).SetChannelID(k.Website.ID).SetStatus("AVAILABLE").Exec(ctx)
		})
		open := func() []string {
			t.Helper()
			today := catalog.DateOf(clk.Now())
			s, err := satisfaction.ChannelShift(context.Background(), c, satisfaction.Filter{Municipality: k.Municipality.ID, Product: &p.ID},
				today.AddDate(0, -1, 0), today, satisfaction.Month)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range s.Openings {
				out = append(out, o.Channel.Code)
			}
			return out
		}
		if got := open(); len(got) != 0 {
			t.Fatalf("openings %v right after the product was created with its website", got)
		}
		clk.Advance(24 * time.Hour)
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			return tx.Availability.Create().SetProductID(p.ID).SetChannelID(k.Balie.ID).SetStatus("AVAILABLE").Exec(ctx)
		})
		if got := open(); fmt.Sprint(got) != "[balie]" {
			t.Fatalf("openings %v after the counter opened; want [balie]", got)
		}
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			a := tx.Availability.Query().Where(availability.ChannelID(k.Website.ID)).OnlyX(ctx)
			return a.Update().SetStatus("UNAVAILABLE").SetReason("Onderhoud aan de website.").Exec(ctx)
		})
		fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
			a := tx.Availability.Query().Where(availability.ChannelID(k.Website.ID)).OnlyX(ctx)
			return a.Update().SetStatus("AVAILABLE").Exec(ctx)
		})
		if got := open(); fmt.Sprint(got) != "[balie website]" {
			t.Errorf("openings %v after the website came back; want [balie website]", got)
		}
	}, storetest.WithStoreOptions(store.Options{Clock: clk}))
}
