package csvsheet_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/exchange/csvsheet"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// now is the tests' moment: plans must lie after it.
var now = time.Date(2026, time.June, 15, 10, 0, 0, 0, catalog.Amsterdam)

// catalogue writes two products: paspoort (website AVAILABLE, balie
// UNAVAILABLE with a reason) and afvalpas (balie PLANNED, website not assessed).
func catalogue(t testing.TB, c *ent.Client) *fixture.Catalogue {
	k := fixture.New(t, c)
	fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
		p, err := fixture.ProductCreate(tx, "paspoort", k.DepartmentA1).SetName("Paspoort aanvragen").Save(ctx)
		if err != nil {
			return err
		}
		if err := tx.Availability.Create().SetProduct(p).SetChannel(k.Website).SetStatus(availability.StatusAVAILABLE).Exec(ctx); err != nil {
			return err
		}
		if err := tx.Availability.Create().SetProduct(p).SetChannel(k.Balie).SetStatus(availability.StatusUNAVAILABLE).
			SetReason("=Alleen op afspraak; bel 14010").Exec(ctx); err != nil {
			return err
		}
		a, err := fixture.ProductCreate(tx, "afvalpas", k.ClusterB).SetName("Afvalpas, vervangen").Save(ctx)
		if err != nil {
			return err
		}
		return tx.Availability.Create().SetProduct(a).SetChannel(k.Balie).SetStatus(availability.StatusPLANNED).
			SetPlannedDate(catalog.Date(2026, time.September, 1)).Exec(ctx)
	})
	return k
}

// each runs fn on both databases, their clocks at now.
func each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	storetest.Each(t, fn, storetest.WithStoreOptions(store.Options{Clock: clock.NewManual(now)}))
}

func importer() context.Context { return auth.System(context.Background(), "import") }

func export(t *testing.T, c *ent.Client) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := csvsheet.Export(importer(), c, &buf, ""); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func events(t testing.TB, c *ent.Client) int {
	t.Helper()
	n, err := c.ChangeEvent.Query().Count(auth.Allow(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func run(t *testing.T, c *ent.Client, data []byte, dry bool) *csvsheet.Result {
	t.Helper()
	res, err := csvsheet.Import(importer(), c, bytes.NewReader(data), csvsheet.Options{DryRun: dry})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res
}

func problems(res *csvsheet.Result) []string {
	var out []string
	for _, p := range res.Problems {
		out = append(out, fmt.Sprintf("%d %s %s %s", p.Row, p.Cell, p.Column, p.Code))
	}
	return out
}

func TestExportThenImportChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		catalogue(t, db.Client)
		data := export(t, db.Client)
		want := "\uFEFFslug;name;theme;audiences;owner;status;uplUri;summary;version;balie;balie reason;website;website reason\r\n" +
			"afvalpas;Afvalpas, vervangen;Test;RESIDENT;cluster-b;PUBLISHED;;Een product om mee te testen.;2;PLANNED 2026-09-01;;;\r\n" +
			"paspoort;Paspoort aanvragen;Test;RESIDENT;afdeling-a1;PUBLISHED;;Een product om mee te testen.;2;UNAVAILABLE;\"'=Alleen op afspraak; bel 14010\";AVAILABLE;\r\n"
		if string(data) != want {
			t.Errorf("export:\n%q\nwant\n%q", data, want)
		}
		before := events(t, db.Client)
		res := run(t, db.Client, data, false)
		if len(res.Problems) > 0 || !res.Applied || res.Rows != 2 || res.Unchanged != 2 || res.Changed+res.Created+res.Cells != 0 {
			t.Errorf("round trip: %+v", res)
		}
		if after := events(t, db.Client); after != before {
			t.Errorf("the round trip wrote %d change events", after-before)
		}
		if again := export(t, db.Client); !bytes.Equal(again, data) {
			t.Errorf("the second export differs:\n%s", again)
		}
	})
}

// TestProductOwnerEditsTheSheet is the "done when": a sheet exported,
// edited as a product owner would (a status changed, a product added, a row
// with errors, saved by an English Excel with commas and Dutch dates) gives a
// clear report in a dry run, is refused whole while an error remains, and
// applies the expected changes, logged with the importer as actor, once the
// error is fixed.
func TestProductOwnerEditsTheSheet(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		c := db.Client
		catalogue(t, c)
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(export(t, c), []byte("\uFEFF"))))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		header := rows[0]
		col := func(name string) int { return slices.Index(header, name) }
		// paspoort (row 3): the counter opens.
		rows[2][col("balie")] = "AVAILABLE"
		rows[2][col("balie reason")] = ""
		// A new product, planned on the website for 1 March 2027, in Dutch.
		added := make([]string, len(header))
		for name, v := range map[string]string{"slug": "parkeervergunning", "name": "Parkeervergunning aanvragen", "theme": "Parkeren",
			"audiences": "RESIDENT|BUSINESS", "owner": "afdeling-a1", "status": "DRAFT", "website": "PLANNED 1-3-2027"} {
			added[col(name)] = v
		}
		// A row with errors: an owner that does not exist, a status that is not one.
		broken := slices.Clone(added)
		broken[col("slug")], broken[col("owner")], broken[col("website")] = "kapot", "nergens", "MISSCHIEN"
		rows = append(rows, added, broken)
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		if err := w.WriteAll(rows); err != nil {
			t.Fatal(err)
		}
		edited := buf.Bytes()

		before := events(t, c)
		res := run(t, c, edited, true)
		want := []string{"5 E5 owner unknown", "5 L5 website invalid"}
		if got := problems(res); !slices.Equal(got, want) {
			t.Errorf("dry run problems: %v, want %v (%+v)", got, want, res.Problems)
		}
		for _, p := range res.Problems {
			if p.Message == "" || !strings.Contains(p.String(), "row 5, column") {
				t.Errorf("problem without a plain message: %q", p.String())
			}
		}
		if res.Applied || events(t, c) != before {
			t.Fatal("the dry run changed the catalogue")
		}
		res = run(t, c, edited, false)
		if res.Applied || len(res.Problems) != 2 || events(t, c) != before {
			t.Fatalf("an import with errors was applied: %+v", res)
		}

		fixed := edited[:bytes.LastIndex(bytes.TrimSuffix(edited, []byte("\n")), []byte("\n"))+1]
		res = run(t, c, fixed, true)
		if len(res.Problems) > 0 || res.Created != 1 || res.Changed != 1 || res.Unchanged != 1 || res.Cells != 2 || res.Applied {
			t.Fatalf("dry run of the fixed sheet: %+v", res)
		}
		if events(t, c) != before {
			t.Fatal("the dry run changed the catalogue")
		}
		res = run(t, c, fixed, false)
		if len(res.Problems) > 0 || !res.Applied || res.Created != 1 || res.Changed != 1 {
			t.Fatalf("applying the fixed sheet: %+v", res)
		}
		ctx := auth.Allow(context.Background())
		balie, err := c.Availability.Query().Where(availability.HasProductWith(product.Slug("paspoort")),
			availability.HasChannelWith(channel.Code("balie"))).Only(ctx)
		if err != nil || balie.Status != availability.StatusAVAILABLE || balie.Reason != nil || !balie.AvailableSince.Equal(catalog.Date(2026, time.June, 15)) {
			t.Errorf("paspoort at the counter: %+v, %v", balie, err)
		}
		p, err := c.Product.Query().Where(product.Slug("parkeervergunning")).WithAvailabilities().WithOwner().Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != product.StatusDRAFT || p.Edges.Owner.Code != "afdeling-a1" || len(p.Audiences) != 2 || len(p.Edges.Availabilities) != 1 ||
			!p.Edges.Availabilities[0].PlannedDate.Equal(catalog.Date(2027, time.March, 1)) {
			t.Errorf("the new product: %+v %+v", p, p.Edges.Availabilities)
		}
		logged, err := c.ChangeEvent.Query().Where(changeevent.IDGT(0)).Order(ent.Asc(changeevent.FieldID)).Offset(before).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(logged) != 3 {
			t.Errorf("%d change events, want 3 (the counter, the product, its website)", len(logged))
		}
		for _, e := range logged {
			if e.Actor != "system:import" || !e.RecordedAt.Equal(now) {
				t.Errorf("event by %q at %v, want system:import at %v", e.Actor, e.RecordedAt, now)
			}
		}
		// The same sheet again: the rows that changed now carry old versions,
		// and the new product exists (a second "new" row must not overwrite it).
		res = run(t, c, fixed, true)
		if got := problems(res); !slices.Equal(got, []string{"3 I3 version conflict", "4 I4 version exists"}) {
			t.Errorf("a stale sheet: %v", got)
		}
	})
}

// TestImportReportsEveryProblem feeds sheets with one mistake each kind and
// checks the report names the place.
func TestImportReportsEveryProblem(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		c := db.Client
		catalogue(t, c)
		for _, tc := range []struct {
			name, sheet string
			want        []string
		}{
			{"no slug column", "name;balie\nx;AVAILABLE\n", []string{"1   required"}},
			{"unknown and duplicate columns", "slug;balie;loket;balie\n", []string{"1 C1 loket unknown", "1 D1 balie duplicate"}},
			{"empty file", "", []string{"1   empty"}},
			{"Dutch dates and no BOM", "slug,balie\nafvalpas,PLANNED 01-10-2026\npaspoort,PLANNED 2026-10-02\n", nil},
			{"bad dates", "slug;balie\nafvalpas;PLANNED 31-2-2027\npaspoort;PLANNED\n", []string{"2 B2 balie format", "3 B3 balie required"}},
			{"a date in the past", "slug;balie\nafvalpas;PLANNED 1-6-2026\n", []string{"2 B2 balie past"}},
			{"no reason", "slug;website;website reason\npaspoort;UNAVAILABLE;\nafvalpas;NOT_APPLICABLE; \n", []string{"2 C2 website reason required", "3 C3 website reason required"}},
			{"bad slug and duplicate row", "slug;status\nPaspoort;PUBLISHED\nafvalpas;DRAFT\nafvalpas;DRAFT\n", []string{"2 A2 slug format", "4 A4 slug duplicate"}},
			{"new product lacks fields", "slug;name\nnieuw;Nieuw\n", []string{"2   required", "2   required", "2   required"}},
			{"bad values", "slug;status;audiences;uplUri;version\npaspoort;KLAAR;IEDEREEN;http://x/y;drie\n",
				[]string{"2 B2 status invalid", "2 C2 audiences invalid", "2 D2 uplUri unknown", "2 E2 version format"}},
			{"only NOT_APPLICABLE left", "slug;balie;balie reason;website;website reason\npaspoort;NOT_APPLICABLE;Niet hier;NOT_APPLICABLE;Niet daar\n",
				[]string{"2   no_channel"}},
			{"saved as Windows-1252", "slug;name\npaspoort;Caf\xe9\n", []string{"2 B2 name encoding"}},
			{"a broken quote", "slug;name\npaspoort;\"Paspoort\n", []string{"2   format"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := events(t, c)
				res := run(t, c, []byte(tc.sheet), false)
				if got := problems(res); !slices.Equal(got, tc.want) {
					t.Errorf("problems %v, want %v\n%+v", got, tc.want, res.Problems)
				}
				if tc.want == nil {
					if !res.Applied || res.Cells != 2 {
						t.Errorf("not applied: %+v", res)
					}
					return
				}
				if res.Applied || events(t, c) != before {
					t.Errorf("a sheet with problems changed the catalogue: %+v", res)
				}
			})
		}
	})
}
