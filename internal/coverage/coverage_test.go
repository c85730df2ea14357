package coverage_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

var actor = changelog.Actor{Name: "test"}

// world is a random catalogue and history, written through the importer.
type world struct {
	municipality, other int
	orgs                []int
	products            []int
	channels            []int
	themes              []string
	first, last         time.Time
	eventTimes          []time.Time
}

var statuses = []availability.Status{
	availability.StatusAVAILABLE, availability.StatusPARTIAL, availability.StatusPLANNED,
	availability.StatusUNAVAILABLE, availability.StatusNOT_APPLICABLE,
}

// randomWorld builds a catalogue of a few products, channels and units, then
// a history of random changes: cells set and cleared, products published,
// retired and drafted, channels deactivated and reactivated, several changes
// at one instant.
func randomWorld(t *testing.T, c *ent.Client, r *rand.Rand) *world {
	t.Helper()
	w := &world{themes: []string{"Afval", "Parkeren", "Zorg"}}
	base := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(1000)) * time.Hour)
	now := base
	nProducts, nChannels := 2+r.IntN(7), 2+r.IntN(4)
	var steps []changelog.Step
	add := func(fn func(ctx context.Context, c *ent.Client) error) {
		steps = append(steps, changelog.Step{At: now, Actor: actor, Apply: fn})
	}
	add(func(ctx context.Context, c *ent.Client) error {
		m := c.Organization.Create().SetCode("g").SetName("G").SetKind(organization.KindMUNICIPALITY).SaveX(ctx)
		other := c.Organization.Create().SetCode("h").SetName("H").SetKind(organization.KindMUNICIPALITY).SaveX(ctx)
		w.municipality, w.other = m.ID, other.ID
		c1 := c.Organization.Create().SetCode("c1").SetName("C1").SetKind(organization.KindCLUSTER).SetParent(m).SaveX(ctx)
		c2 := c.Organization.Create().SetCode("c2").SetName("C2").SetKind(organization.KindCLUSTER).SetParent(m).SaveX(ctx)
		d1 := c.Organization.Create().SetCode("d1").SetName("D1").SetKind(organization.KindDEPARTMENT).SetParent(c1).SaveX(ctx)
		w.orgs = []int{m.ID, c1.ID, c2.ID, d1.ID}
		for i := range nChannels {
			ch := c.Channel.Create().SetCode(fmt.Sprintf("k%d", i)).SetName("K").SetNameEn("K").
				SetAssisted(r.IntN(2) == 0).SetYouth(r.IntN(2) == 0).SetDigital(r.IntN(2) == 0).SaveX(ctx)
			w.channels = append(w.channels, ch.ID)
		}
		for i := range nProducts {
			aud := []catalog.Audience{catalog.Audiences[r.IntN(3)]}
			if r.IntN(3) == 0 {
				aud = append(aud, catalog.AudienceBusiness)
				slices.Sort(aud)
				aud = slices.Compact(aud)
			}
			status := []product.Status{product.StatusDRAFT, product.StatusPUBLISHED}[r.IntN(2)]
			p := c.Product.Create().SetSlug(fmt.Sprintf("p%d", i)).SetName("P").SetTheme(w.themes[r.IntN(3)]).
				SetAudiences(aud).SetOwnerID(w.orgs[r.IntN(4)]).SetStatus(status).SaveX(ctx)
			w.products = append(w.products, p.ID)
		}
		// A product of another municipality, which must never count.
		op := c.Product.Create().SetSlug("p0").SetName("P").SetTheme("Afval").
			SetAudiences([]catalog.Audience{catalog.AudienceResident}).SetOwner(other).SetStatus(product.StatusPUBLISHED).SaveX(ctx)
		return c.Availability.Create().SetProductID(op.ID).SetChannelID(w.channels[0]).SetStatus(availability.StatusAVAILABLE).Exec(ctx)
	})
	w.first = now
	nSteps := 5 + r.IntN(30)
	for range nSteps {
		if r.IntN(4) != 0 { // a quarter of the steps share the previous step's instant
			now = now.Add(time.Duration(1+r.IntN(200)) * time.Hour)
		}
		at := now
		switch x := r.IntN(10); {
		case x < 6: // set or clear a few cells
			n := 1 + r.IntN(3)
			type op struct{ p, c, s int }
			var ops []op
			for range n {
				ops = append(ops, op{r.IntN(nProducts), r.IntN(nChannels), r.IntN(len(statuses) + 1)})
			}
			langs := [][]string{{"nl"}, {"nl", "en"}, {"tr"}, nil}[r.IntN(4)]
			add(func(ctx context.Context, c *ent.Client) error {
				for _, o := range ops {
					if err := setCell(ctx, c, w.products[o.p], w.channels[o.c], o.s, langs, at); err != nil {
						return err
					}
				}
				return nil
			})
		case x < 8:
			i := r.IntN(nProducts)
			s := []product.Status{product.StatusDRAFT, product.StatusPUBLISHED, product.StatusPUBLISHED, product.StatusRETIRED}[r.IntN(4)]
			add(func(ctx context.Context, c *ent.Client) error {
				return c.Product.UpdateOneID(w.products[i]).SetStatus(s).Exec(ctx)
			})
		default:
			i := r.IntN(nChannels)
			active := r.IntN(3) != 0
			add(func(ctx context.Context, c *ent.Client) error {
				return c.Channel.UpdateOneID(w.channels[i]).SetActive(active).Exec(ctx)
			})
		}
	}
	w.last = now
	if r.IntN(2) == 0 {
		deadline := catalog.DateOf(w.last).AddDate(0, 0, 30+r.IntN(400))
		share := []float64{1, 0.9, 0.75}[r.IntN(3)]
		add(func(ctx context.Context, c *ent.Client) error {
			return c.Target.Create().SetName("Alles").SetDeadline(deadline).
				SetShare(share).SetPrimary(true).SetMunicipalityID(w.municipality).Exec(ctx)
		})
	}
	if err := changelog.Import(context.Background(), c, steps, changelog.ImportOptions{}); err != nil {
		t.Fatalf("importing the random history: %v", err)
	}
	for _, s := range steps {
		w.eventTimes = append(w.eventTimes, s.At)
	}
	return w
}

// setCell sets a cell to statuses[s], or clears it when s is out of range.
func setCell(ctx context.Context, c *ent.Client, p, ch, s int, langs []string, at time.Time) error {
	existing, err := c.Availability.Query().Where(availability.ProductID(p), availability.ChannelID(ch)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return err
	}
	if s >= len(statuses) {
		if existing == nil {
			return nil
		}
		return c.Availability.DeleteOne(existing).Exec(ctx)
	}
	st := statuses[s]
	planned := catalog.DateOf(at).AddDate(0, 1, 0)
	if existing == nil {
		q := c.Availability.Create().SetProductID(p).SetChannelID(ch).SetStatus(st).SetReason("Omdat het zo is.").SetLanguages(langs)
		if st == availability.StatusPLANNED {
			q.SetPlannedDate(planned)
		}
		return q.Exec(ctx)
	}
	q := c.Availability.UpdateOne(existing).SetStatus(st).SetReason("Omdat het zo is.").SetLanguages(langs)
	if st == availability.StatusPLANNED && existing.PlannedDate == nil {
		q.SetPlannedDate(planned)
	}
	return q.Exec(ctx)
}

// randomFilter picks no filter or one of each kind.
func (w *world) randomFilter(r *rand.Rand) coverage.Filter {
	f := coverage.Filter{Municipality: w.municipality}
	switch r.IntN(6) {
	case 1:
		f.Organization = &w.orgs[1+r.IntN(3)]
	case 2:
		f.Theme = &w.themes[r.IntN(3)]
	case 3:
		a := catalog.Audiences[r.IntN(3)]
		f.Audience = &a
	case 4:
		f.Channels = []int{w.channels[r.IntN(len(w.channels))]}
		if r.IntN(2) == 0 {
			f.Channels = append(f.Channels, w.channels[0])
		}
	}
	return f
}

// randomMoment picks a moment: before the first event, exactly at one (the
// boundary is inclusive), between two, or after the last (the future).
func (w *world) randomMoment(r *rand.Rand) time.Time {
	switch r.IntN(5) {
	case 0:
		return w.first.Add(-time.Duration(1+r.IntN(1000)) * time.Hour)
	case 1:
		return w.eventTimes[r.IntN(len(w.eventTimes))]
	case 2:
		return w.last.Add(time.Duration(1+r.IntN(10000)) * time.Hour)
	}
	span := w.last.Sub(w.first)
	return w.first.Add(time.Duration(r.Int64N(int64(span) + 1))).Truncate(time.Second)
}

func sortReport(r *coverage.Report) {
	slices.SortFunc(r.ByChannel, func(a, b coverage.ChannelCoverage) int { return a.Channel.ID - b.Channel.ID })
	slices.SortFunc(r.ByOrganization, func(a, b coverage.OrganizationCoverage) int { return a.Organization.ID - b.Organization.ID })
	slices.SortFunc(r.ByTheme, func(a, b coverage.ThemeCoverage) int { return strings.Compare(a.Theme, b.Theme) })
}

func compareReports(t *testing.T, label string, got, want *coverage.Report) {
	t.Helper()
	sortReport(got)
	sortReport(want)
	if got.Products != want.Products || got.FullyCoveredProducts != want.FullyCoveredProducts || got.Counts != want.Counts || got.Groups != want.Groups {
		t.Errorf("%s: totals\n got products %d fully %d %+v %+v\nwant products %d fully %d %+v %+v", label,
			got.Products, got.FullyCoveredProducts, got.Counts, got.Groups, want.Products, want.FullyCoveredProducts, want.Counts, want.Groups)
	}
	if len(got.ByChannel) != len(want.ByChannel) {
		t.Errorf("%s: %d channels, want %d", label, len(got.ByChannel), len(want.ByChannel))
	} else {
		for i := range got.ByChannel {
			if got.ByChannel[i].Channel.ID != want.ByChannel[i].Channel.ID || got.ByChannel[i].Counts != want.ByChannel[i].Counts {
				t.Errorf("%s: channel %d: got %+v want %+v", label, want.ByChannel[i].Channel.ID, got.ByChannel[i].Counts, want.ByChannel[i].Counts)
			}
		}
	}
	if len(got.ByOrganization) != len(want.ByOrganization) {
		t.Errorf("%s: %d units, want %d", label, len(got.ByOrganization), len(want.ByOrganization))
	} else {
		for i := range got.ByOrganization {
			g, w := got.ByOrganization[i], want.ByOrganization[i]
			if g.Organization.ID != w.Organization.ID || g.PartCoverage != w.PartCoverage {
				t.Errorf("%s: unit %d: got %+v want %+v", label, w.Organization.ID, g.PartCoverage, w.PartCoverage)
			}
		}
	}
	if len(got.ByTheme) != len(want.ByTheme) {
		t.Errorf("%s: %d themes, want %d", label, len(got.ByTheme), len(want.ByTheme))
	} else {
		for i := range got.ByTheme {
			if got.ByTheme[i] != want.ByTheme[i] {
				t.Errorf("%s: theme: got %+v want %+v", label, got.ByTheme[i], want.ByTheme[i])
			}
		}
	}
}

// checkReport holds Report's figures and projection for f at at to the
// independent computation's.
func checkReport(t *testing.T, s *coverage.Service, b *brute, f coverage.Filter, at time.Time) {
	t.Helper()
	label := fmt.Sprintf("at %s filter %+v", at.Format(time.RFC3339), describe(f))
	got, err := s.Report(context.Background(), f, at)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	compareReports(t, label, got, b.report(f, at))
	target, pace, toGo, required, completion, onTrack := b.projection(f, at)
	if (got.Target == nil) != (target == nil) {
		t.Fatalf("%s: target %+v, want %+v", label, got.Target, target)
	}
	if target != nil {
		p := got.Projection
		if *got.Target != *target || math.Abs(p.PacePerWeek-pace) > 1e-9 || p.CellsToGo != toGo ||
			!eqFloat(p.RequiredPacePerWeek, required) || !eqTime(p.ProjectedCompletion, completion) || p.OnTrack != onTrack {
			t.Errorf("%s: projection %+v (required %v, completion %v)\nwant pace %v toGo %d required %v completion %v onTrack %v",
				label, p, deref(p.RequiredPacePerWeek), p.ProjectedCompletion, pace, toGo, deref(required), completion, onTrack)
		}
	}
}

func svc(db *store.DB) *coverage.Service {
	return &coverage.Service{Client: db.Client, Dialect: db.Target.Dialect}
}

// TestCoverageMatchesBruteForce is the property test: over random catalogues
// and histories, every figure of Report and History equals the independent
// computation, at random moments and under random filters.
func TestCoverageMatchesBruteForce(t *testing.T) {
	rounds := 12
	if testing.Short() {
		rounds = 4
	}
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) { propertyRounds(t, d, rounds) })
	}
}

func propertyRounds(t *testing.T, d string, rounds int) {
	{
		for round := range rounds {
			seed := uint64(1000 + round)
			t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
				t.Parallel() // each round has its own database and random source
				r := rand.New(rand.NewPCG(seed, 7))
				db := storetest.Open(t, d)
				w := randomWorld(t, db.Client, r)
				b := loadBrute(t, db.Client)
				s := svc(db)
				ctx := context.Background()
				for range 8 {
					checkReport(t, s, b, w.randomFilter(r), w.randomMoment(r))
				}
				// Gap lists, paged five at a time, equal today's cells in order.
				for range 2 {
					gf := coverage.GapFilter{Municipality: w.municipality}
					if r.IntN(2) == 0 {
						gf.Organization = &w.orgs[r.IntN(4)]
					}
					if r.IntN(3) == 0 {
						gf.Channel = &w.channels[r.IntN(len(w.channels))]
					}
					today := w.last.AddDate(0, 0, r.IntN(90))
					for _, na := range []bool{false, true} {
						var got []coverage.Gap
						for offset := 0; ; offset += 5 {
							var page *coverage.GapPage
							var err error
							if na {
								page, err = s.NotApplicable(ctx, gf, offset, 5)
							} else {
								page, err = s.Gaps(ctx, gf, today, offset, 5)
							}
							if err != nil {
								t.Fatal(err)
							}
							got = append(got, page.Gaps...)
							if !page.HasNext {
								if page.TotalCount != len(got) {
									t.Errorf("total %d, paged %d", page.TotalCount, len(got))
								}
								break
							}
						}
						want := b.gaps(gf, today, na)
						if len(got) != len(want) {
							t.Fatalf("gaps (n/a %v) %+v: %d cells, want %d", na, gf, len(got), len(want))
						}
						for i := range want {
							g, w := got[i], want[i]
							if g.Product.ID != w.Product.ID || g.Channel.ID != w.Channel.ID || g.Status != w.Status ||
								g.Overdue != w.Overdue || g.DataGap != w.DataGap || !eqTime(g.PlannedDate, w.PlannedDate) {
								t.Errorf("gaps (n/a %v)[%d] = %d/%d %s overdue %v, want %d/%d %s overdue %v", na, i,
									g.Product.ID, g.Channel.ID, g.Status, g.Overdue, w.Product.ID, w.Channel.ID, w.Status, w.Overdue)
							}
						}
					}
				}
				// Histories: every point equals the brute force at its moment.
				for range 3 {
					f := w.randomFilter(r)
					from := w.first.Add(-time.Duration(r.IntN(200)) * time.Hour)
					to := w.last.Add(time.Duration(r.IntN(200)-100) * time.Hour)
					if to.Before(from) {
						to = from
					}
					iv := []coverage.Interval{coverage.Week, coverage.Month, coverage.Quarter}[r.IntN(3)]
					pts, err := s.History(ctx, f, from, to, iv)
					if err != nil {
						t.Fatal(err)
					}
					want, _ := coverage.Points(from, to, iv)
					if len(pts) != len(want) {
						t.Fatalf("history has %d points, want %d", len(pts), len(want))
					}
					for i, p := range pts {
						if !p.At.Equal(want[i]) {
							t.Errorf("point %d at %v, want %v", i, p.At, want[i])
						}
						br := b.report(f, p.At)
						if p.ApplicableCells != br.ApplicableCells || p.AvailableCells != br.AvailableCells ||
							p.NotApplicableCells != br.NotApplicableCells || p.FullyCoveredProducts != br.FullyCoveredProducts {
							t.Errorf("history %s point %v: got %+v, want applicable %d available %d n/a %d fully %d",
								describe(f), p.At, p, br.ApplicableCells, br.AvailableCells, br.NotApplicableCells, br.FullyCoveredProducts)
						}
					}
				}
			})
		}
	}
}

func describe(f coverage.Filter) string {
	var parts []string
	if f.Organization != nil {
		parts = append(parts, fmt.Sprintf("org=%d", *f.Organization))
	}
	if f.Theme != nil {
		parts = append(parts, "theme="+*f.Theme)
	}
	if f.Audience != nil {
		parts = append(parts, "audience="+string(*f.Audience))
	}
	if f.Channels != nil {
		parts = append(parts, fmt.Sprintf("channels=%v", f.Channels))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func eqFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-*b) < 1e-9
}

func eqTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}
