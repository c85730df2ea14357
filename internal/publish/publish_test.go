package publish_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/publishtest"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestReadsAsThePublic: whoever asks — the public, an editor who may see the
// draft, the command line that may see everything — the published catalogue
// is the same: published products, active channels.
func TestReadsAsThePublic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := publishtest.New(t, db.Client)
		editor := auth.NewContext(context.Background(), &auth.Viewer{Name: "editor-b", Role: auth.Editor,
			OrganizationID: &k.ClusterB.ID, Scope: []int{k.ClusterB.ID}})
		for name, ctx := range map[string]context.Context{
			"public":       context.Background(),
			"editor":       editor,
			"command line": auth.System(context.Background(), "test"),
			"fixture":      fixture.Ctx(),
		} {
			cat, err := publish.Source{Client: db.Client}.Catalogue(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			var slugs, channels []string
			for _, p := range cat.Products {
				slugs = append(slugs, p.Slug)
				for _, a := range p.Edges.Availabilities {
					if !slices.Contains(channels, a.Edges.Channel.Code) {
						channels = append(channels, a.Edges.Channel.Code)
					}
				}
			}
			slices.Sort(channels)
			if !slices.Equal(slugs, []string{"afvalpas", "parkeervergunning", "paspoort"}) || !slices.Equal(channels, []string{"balie", "website"}) {
				t.Errorf("%s: products %v, channels %v; want the published products on the active channels", name, slugs, channels)
			}
			if _, err := (publish.Source{Client: db.Client}).ProductByID(ctx, k.Concept.ID); err != publish.ErrNotPublished {
				t.Errorf("%s: the draft by id: %v, want ErrNotPublished", name, err)
			}
		}
	})
}
