package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// hiddenWorld is newEditWorld with what the policies hide from anonymous
// callers: an inactive channel ("app", not launched yet) whose cell of
// paspoort holds instructions, and a retired product beside the draft.
type hiddenWorld struct {
	*editWorld
	app     *ent.Channel
	retired *ent.Product
}

// secret is the inactive channel's text an attacker tries to read.
const secret = "Open de geheime app en tik op Start"

func newHiddenWorld(t *testing.T, db *store.DB) *hiddenWorld {
	t.Helper()
	w := &hiddenWorld{editWorld: newEditWorld(t, db)}
	fixture.Tx(t, db.Client, func(ctx context.Context, c *ent.Client) error {
		var err error
		if w.app, err = c.Channel.Create().SetCode("app").SetName("Geheime app").SetNameEn("Secret app").
			SetDigital(true).SetSortOrder(7).SetActive(false).Save(ctx); err != nil {
			return err
		}
		a, err := c.Availability.Create().SetProductID(w.pA.ID).SetChannelID(w.app.ID).SetStatus(availability.StatusPLANNED).
			SetPlannedDate(catalog.DateOf(time.Now()).AddDate(0, 1, 0)).SetInstructions(secret).Save(ctx)
		if err != nil {
			return err
		}
		// Opened: a channel opening in the product's channel shift.
		if err := c.Availability.UpdateOne(a).SetStatus(availability.StatusAVAILABLE).SetURL("https://app.example.org/paspoort").Exec(ctx); err != nil {
			return err
		}
		w.retired, err = fixture.ProductCreate(c, "oud-product", w.k.ClusterA).SetStatus(product.StatusRETIRED).Save(ctx)
		return err
	})
	return w
}

// total runs a products query and returns its totalCount.
func total(t *testing.T, url, token, where string) int {
	t.Helper()
	r := call(t, url, token, `{ products(where: `+where+`) { totalCount } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("products(where: %s): %+v", where, r.Errors)
	}
	var p struct{ TotalCount int }
	if err := json.Unmarshal(r.Data["products"], &p); err != nil {
		t.Fatal(err)
	}
	return p.TotalCount
}

// TestHiddenRecordsCannotBeFoundByFiltering is finding 5 of the attack
// (issue 17): what anonymous callers cannot see, they cannot filter by
// either. On the main branch of 3 December 2026 an inactive channel was found
// through hasAvailabilitiesWith/hasChannelWith and its instructions read
// letter by letter with instructionsHasPrefix, and hasAvailabilities counted
// its cells. Every filter an attacker tries finds as many products as if
// the hidden records were not there; an admin of everything, who may see
// them, still finds them (so the world really holds them).
func TestHiddenRecordsCannotBeFoundByFiltering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newHiddenWorld(t, db)
		published := total(t, w.url, "", "{}")
		if published != 2 {
			t.Fatalf("the public sees %d products, want paspoort and grofvuil", published)
		}
		for _, tc := range []struct {
			where string
			// want is what an anonymous caller finds; root what the admin
			// of everything finds.
			want, root int
		}{
			{`{hasAvailabilitiesWith: {hasChannelWith: {active: false}}}`, 0, 1},
			{`{hasAvailabilitiesWith: {hasChannelWith: {code: "app"}}}`, 0, 1},
			{`{hasAvailabilitiesWith: {hasChannelWith: {nameHasPrefix: "Geheim"}}}`, 0, 1},
			{`{hasAvailabilitiesWith: {instructionsHasPrefix: "` + secret[:9] + `"}}`, 0, 1},
			{`{hasAvailabilitiesWith: {instructionsContainsFold: "GEHEIME"}}`, 0, 1},
			{`{hasAvailabilitiesWith: {urlHasPrefix: "https://app."}}`, 0, 1},
			{`{hasAvailabilitiesWith: {or: [{status: AVAILABLE}, {status: PLANNED}]}}`, 0, 1},
			{`{hasAvailabilities: true}`, 0, 1},
			{`{hasAvailabilities: false}`, 2, 3},
			{`{not: {hasAvailabilities: true}}`, 2, 3},
			{`{not: {hasAvailabilitiesWith: {hasChannelWith: {active: false}}}}`, 2, 3},
			{`{or: [{hasAvailabilitiesWith: {hasChannel: true}}, {slug: "nergens"}]}`, 0, 1},
			{`{and: [{hasAvailabilitiesWith: {hasChannelWith: {not: {active: true}}}}]}`, 0, 1},
			// Drafts and retired products, through every path to them.
			{`{status: DRAFT}`, 0, 1},
			{`{statusIn: [DRAFT, RETIRED]}`, 0, 2},
			{`{or: [{slugHasPrefix: "geheim"}, {slugHasPrefix: "oud"}]}`, 0, 2},
			{`{hasAvailabilitiesWith: {hasProductWith: {status: DRAFT}}}`, 0, 0},
			{`{hasOwnerWith: {code: "cluster-b"}}`, 1, 2},
		} {
			if got := total(t, w.url, "", tc.where); got != tc.want {
				t.Errorf("anonymous products(where: %s) found %d, want %d", tc.where, got, tc.want)
			}
			if got := total(t, w.url, w.root, tc.where); got != tc.root {
				t.Errorf("the admin of everything: products(where: %s) found %d, want %d", tc.where, got, tc.root)
			}
		}
		// An editor sees its own drafts, never another organization's.
		if got := total(t, w.url, w.editorA, `{or: [{status: DRAFT}, {slug: "geheim-concept"}]}`); got != 0 {
			t.Errorf("an editor of cluster A finds %d drafts of cluster B", got)
		}
		if got := total(t, w.url, w.editorB, `{status: DRAFT}`); got != 1 {
			t.Errorf("the editor of cluster B finds %d of its drafts, want 1", got)
		}
		// An editor is not an admin: inactive channels stay hidden from it too.
		if got := total(t, w.url, w.editorA, `{hasAvailabilitiesWith: {hasChannelWith: {active: false}}}`); got != 0 {
			t.Errorf("an editor finds %d products by an inactive channel", got)
		}
	})
}

// TestHiddenChannelsStayOutOfHistories: the change log is read past the
// policies, so a product's history and its channel shift keep to the
// channels the caller may see. On main, changes(product:) showed the inactive
// channel's code, name and instructions, and channelShift its opening.
func TestHiddenChannelsStayOutOfHistories(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newHiddenWorld(t, db)
		from := catalog.DateOf(time.Now()).AddDate(0, -1, 0).Format(time.DateOnly)
		queries := []string{
			`{ changes(product: "paspoort") { totalCount edges { node { entity channel { code name } fields { field old new } } } } }`,
			fmt.Sprintf(`{ channelShift(from: "%s", product: "paspoort") { openings { channel { code name } date } } }`, from),
		}
		for _, q := range queries {
			for who, token := range map[string]string{"anonymous": "", "an editor": w.editorA} {
				r := call(t, w.url, token, q, nil)
				raw, _ := json.Marshal(r.Data)
				if len(r.Errors) > 0 || strings.Contains(string(raw), `"app"`) || strings.Contains(string(raw), "Geheime") ||
					strings.Contains(string(raw), "geheime") || strings.Contains(string(raw), "app.example.org") {
					t.Errorf("%s reads the inactive channel through %s: %s %+v", who, q, raw, r.Errors)
				}
			}
			// The admin of everything sees it: the world holds it.
			r := call(t, w.url, w.root, q, nil)
			if raw, _ := json.Marshal(r.Data); !strings.Contains(string(raw), `"app"`) {
				t.Errorf("the admin of everything does not see the inactive channel through %s: %s %+v", q, raw, r.Errors)
			}
		}
		// The count leaves the hidden events out as well.
		var anon, root struct{ Changes struct{ TotalCount int } }
		q := `{ changes(product: "paspoort") { totalCount } }`
		json.Unmarshal(mustData(t, call(t, w.url, "", q, nil)), &anon)
		json.Unmarshal(mustData(t, call(t, w.url, w.root, q, nil)), &root)
		if anon.Changes.TotalCount != root.Changes.TotalCount-2 {
			t.Errorf("the public counts %d changes, the admin %d; want the 2 of the inactive channel left out", anon.Changes.TotalCount, root.Changes.TotalCount)
		}
	})
}

func mustData(t *testing.T, r reply) []byte {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	b, _ := json.Marshal(r.Data)
	return b
}
