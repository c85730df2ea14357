package upl_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/securityevent"
	"github.com/gemeente-rotterdam/catalogus/ent/uplentry"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/internal/upl"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const header = "UniformeProductnaam,URI,Rijk,Provincie,Waterschap,Gemeente,Burger,Bedrijf,Dienstenwet,SDG,Autonomie,Medebewind,Aanvraag,Subsidie,Melding,Verplichting,DigiDMacht,Grondslag,Grondslaglabel,Grondslaglink\n"

const t = "http://standaarden.overheid.nl/owms/terms/"

// list2023 has paspoort twice (two legal bases), a municipal name nobody
// covers (aanleunwoning), a national one (vliegtuig) and the placeholder.
var list2023 = "\uFEFF" + header +
	"UPL-naam nog niet beschikbaar," + t + "UPL-naam_nog_niet_beschikbaar,X,X,X,X,,,,,,,,,,,,,,\n" +
	"paspoort," + t + "Paspoort,X,,,X,X,,,D1,,X,X,,,,,http://wet/a,Paspoortwet art 1,https://wetten/a\n" +
	"paspoort," + t + "Paspoort,X,,,X,X,,,D1,,X,X,,,,,http://wet/b,Paspoortwet art 2,https://wetten/b\n" +
	"aanleunwoning," + t + "aanleunwoning,,,,X,X,,,,,,,,,,,,,\n" +
	"parkeervergunning," + t + "Parkeervergunning,,,,X,X,X,,,X,,X,,,,X,,,\n" +
	"zelfgebouwd vliegtuig," + t + "vliegtuig,X,,,,X,,,,,,,,X,,,,,\n"

func ctx() context.Context { return auth.System(context.Background(), "upl") }

func TestImportAndReport(tt *testing.T) {
	storetest.Each(tt, func(tt *testing.T, db *store.DB) {
		c := db.Client
		k := fixture.New(tt, c)
		res, err := upl.Import(ctx(), c, strings.NewReader(list2023))
		if err != nil {
			tt.Fatal(err)
		}
		if want := (upl.Result{Names: 5, Added: 5}); res != want {
			tt.Errorf("first import: %+v, want %+v", res, want)
		}
		pas, err := c.UPLEntry.Query().Where(uplentry.URI(t + "Paspoort")).Only(ctx())
		if err != nil {
			tt.Fatal(err)
		}
		if !pas.National || !pas.Municipal || !pas.Residents || pas.Businesses || !pas.CoGovernance || !pas.Request || pas.SdgCode != "D1" || !pas.InList ||
			!slices.Equal(pas.LegalBases, []catalog.LegalBasis{{URI: "http://wet/a", Label: "Paspoortwet art 1", Link: "https://wetten/a"}, {URI: "http://wet/b", Label: "Paspoortwet art 2", Link: "https://wetten/b"}}) {
			tt.Errorf("paspoort: %+v", pas)
		}
		// Products: one linked to paspoort, one to parkeervergunning, one
		// without a name, one linked to the placeholder.
		fixture.Tx(tt, c, func(ctx context.Context, tx *ent.Client) error {
			for slug, uri := range map[string]string{"paspoort-aanvragen": "Paspoort", "parkeren": "Parkeervergunning", "eigen-product": "",
				"nog-zonder-naam": "UPL-naam_nog_niet_beschikbaar"} {
				q := fixture.ProductCreate(tx, slug, k.DepartmentA1)
				if uri != "" {
					e := tx.UPLEntry.Query().Where(uplentry.URI(t + uri)).OnlyX(ctx)
					q.SetUplEntry(e)
				}
				if err := q.Exec(ctx); err != nil {
					return err
				}
			}
			return nil
		})
		// The same list again changes nothing.
		if res, err := upl.Import(ctx(), c, strings.NewReader(list2023)); err != nil || res != (upl.Result{Names: 5, Unchanged: 5}) {
			tt.Errorf("the same list again: %+v, %v", res, err)
		}
		// A later list: parkeervergunning left, aanleunwoning serves businesses too, a new name came.
		list2024 := strings.NewReplacer(
			"parkeervergunning,"+t+"Parkeervergunning,,,,X,X,X,,,X,,X,,,,X,,,\n", "",
			"aanleunwoning,"+t+"aanleunwoning,,,,X,X,,", "aanleunwoning,"+t+"aanleunwoning,,,,X,X,X,",
		).Replace(list2023) + "afvalpas," + t + "Afvalpas,,,,X,X,,,,X,,X,,,,,,,\n"
		res, err = upl.Import(ctx(), c, strings.NewReader(list2024))
		if want := (upl.Result{Names: 5, Added: 1, Updated: 1, Unchanged: 3, Withdrawn: 1}); err != nil || res != want {
			tt.Errorf("the later list: %+v, %v; want %+v", res, err, want)
		}
		left := c.UPLEntry.Query().Where(uplentry.URI(t + "Parkeervergunning")).OnlyX(ctx())
		if left.InList {
			tt.Error("parkeervergunning left the list but is not marked")
		}
		rep, err := upl.BuildReport(ctx(), c, "")
		if err != nil {
			tt.Fatal(err)
		}
		slugs := func(ps []upl.Product) (out []string) {
			for _, p := range ps {
				out = append(out, p.Slug)
			}
			return out
		}
		var uncovered []string
		for _, e := range rep.Uncovered {
			uncovered = append(uncovered, e.Name)
		}
		if rep.Linked != 1 || !slices.Equal(slugs(rep.Unlinked), []string{"eigen-product", "nog-zonder-naam"}) || !slices.Equal(slugs(rep.Withdrawn), []string{"parkeren"}) ||
			!slices.Equal(uncovered, []string{"aanleunwoning", "afvalpas"}) {
			tt.Errorf("report: linked %d, unlinked %v, withdrawn %v, uncovered %v", rep.Linked, slugs(rep.Unlinked), slugs(rep.Withdrawn), uncovered)
		}
		var out strings.Builder
		if err := rep.Write(&out); err != nil || !strings.Contains(out.String(), "To review: linked to a name that left the list (1)\n  parkeren") ||
			!strings.Contains(out.String(), `Without a UPL name, so published as "UPL-naam nog niet beschikbaar" (2)`) {
			tt.Errorf("written report:\n%s", out.String())
		}
		// The list coming back restores the name.
		if res, err := upl.Import(ctx(), c, strings.NewReader(list2023)); err != nil || res.Returned != 1 || res.Withdrawn != 1 {
			tt.Errorf("the old list again: %+v, %v", res, err)
		}
		n, err := c.SecurityEvent.Query().Where(securityevent.KindEQ(securityevent.KindADMIN_ACTION), securityevent.ActorEQ("system:upl")).Count(ctx())
		if err != nil || n != 4 {
			tt.Errorf("%d imports in the security log, want 4 (%v)", n, err)
		}
	})
}

func TestParseRefusesBadFiles(tt *testing.T) {
	storetest.Each(tt, func(tt *testing.T, db *store.DB) {
		c := db.Client
		for name, tc := range map[string]struct {
			file string
			want []string
		}{
			"missing columns": {"UniformeProductnaam,URI,Gemeente\nx," + t + "x,X\n", []string{"line 1: the columns Rijk, Provincie, Waterschap, Burger"}},
			"bad rows": {header + "," + t + "a,,,,X,,,,,,,,,,,,,,\nb,geen-uri,,,,X,,,,,,,,,,,,,,\nc," + t + "c,,,,ja,,,,,,,,,,,,,,\n" +
				"d," + t + "d,,,,X,,,,,,,,,,,,,,\nd2," + t + "d,,,,X,,,,,,,,,,,,,,\n",
				[]string{"line 2: the name", "line 3: the URI \"geen-uri\"", "line 4, column Gemeente: \"ja\" is not a flag", "line 6: " + t + "d appears before"}},
			"empty": {header, []string{"the file holds no names"}},
		} {
			tt.Run(name, func(tt *testing.T) {
				_, err := upl.Import(ctx(), c, strings.NewReader(tc.file))
				var pe *upl.ParseError
				if !errors.As(err, &pe) || len(pe.Problems) != len(tc.want) {
					tt.Fatalf("got %v, want %d problems", err, len(tc.want))
				}
				for i, w := range tc.want {
					if !strings.HasPrefix(pe.Problems[i], w) {
						tt.Errorf("problem %d: %q, want it to start with %q", i, pe.Problems[i], w)
					}
				}
				if n := c.UPLEntry.Query().CountX(ctx()); n != 0 {
					tt.Errorf("a refused file wrote %d names", n)
				}
			})
		}
	})
}
