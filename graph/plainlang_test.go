package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/plainlang"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

type plainResult struct {
	B1      bool
	Reasons []string
	Words   int
	Jargon  []struct{ Term, Alternative string }
}

// TestPlainLanguageThroughTheAPI: the check of a text as typed, of a
// product's summary and of an answer, and the bound on the text's length.
func TestPlainLanguageThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.DepartmentA1)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Product.UpdateOneID(p.ID).SetSummary("Indien u een paspoort wenst, dient de aanvraag te worden ingediend.").Exec(ctx)
		})
		r := graph.NewResolver(db, "testgemeente")
		anon := context.Background()
		const fields = `b1 reasons words jargon { term alternative }`

		var q struct{ PlainLanguage plainResult }
		if errs := runAs(t, anon, r, `query($t: String!) { plainLanguage(text: $t) { `+fields+` } }`,
			map[string]any{"t": "Wij sturen u binnen een week een brief."}, &q); len(errs) > 0 {
			t.Fatal(errs)
		}
		if !q.PlainLanguage.B1 || q.PlainLanguage.Words != 8 || len(q.PlainLanguage.Reasons) == 0 {
			t.Errorf("a plain sentence: %+v", q.PlainLanguage)
		}

		var prod struct {
			Product struct{ PlainLanguage plainResult }
		}
		if errs := runAs(t, anon, r, `{ product(slug: "paspoort") { plainLanguage { `+fields+` } } }`, nil, &prod); len(errs) > 0 {
			t.Fatal(errs)
		}
		pl := prod.Product.PlainLanguage
		if pl.B1 || len(pl.Jargon) == 0 || pl.Jargon[0].Term != "Indien" || pl.Jargon[0].Alternative != "als" ||
			!strings.Contains(strings.Join(pl.Reasons, " "), `"als" in plaats van "Indien"`) {
			t.Errorf("an officialese summary: %+v", pl)
		}

		editor := auth.NewContext(context.Background(), &auth.Viewer{Name: "editor-a", Role: auth.Editor,
			OrganizationID: &k.ClusterA.ID, Scope: []int{k.ClusterA.ID, k.DepartmentA1.ID}})
		var made struct {
			CreateAnswer struct{ PlainLanguage plainResult }
		}
		if errs := runAs(t, editor, r, `mutation { createAnswer(input: {owner: "afdeling-a1", products: ["paspoort"],
			question: "Wat kost een paspoort?", text: "Een paspoort kost € 84,70. U betaalt aan de balie."}) { plainLanguage { `+fields+` } } }`, nil, &made); len(errs) > 0 {
			t.Fatal(errs)
		}
		if !made.CreateAnswer.PlainLanguage.B1 || made.CreateAnswer.PlainLanguage.Words != 9 {
			t.Errorf("an answer's check: %+v", made.CreateAnswer.PlainLanguage)
		}

		errs := runAs(t, anon, r, `query($t: String!) { plainLanguage(text: $t) { b1 } }`,
			map[string]any{"t": strings.Repeat("a", plainlang.MaxText+1)}, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != graph.CodeBadUserInput || errs[0].Extensions["field"] != "text" ||
			!strings.Contains(errs[0].Message, "5000") {
			t.Errorf("a text that is too long: %+v", errs)
		}
	})
}
