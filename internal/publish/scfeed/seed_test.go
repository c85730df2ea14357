package scfeed_test

import (
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestSeedFeed writes the seed's feed and checks that every record has what
// the national index requires.
func TestSeedFeed(t *testing.T) {
	f, _ := feed(t, storetest.Seeded(t, "sqlite", fixture.Seed).Client)
	if len(f.Products) < 400 {
		t.Fatalf("the feed holds %d products", len(f.Products))
	}
	answers := map[string]int{}
	placeholders := 0
	for _, p := range f.Products {
		switch u := p.Meta.SC.UPL; {
		case u == nil || u.Resource == "" || u.Value == "" || u.Scheme != "overheid:UniformeProductnaam":
			t.Errorf("%s: uniformeProductnaam %+v", p.Meta.SC.ProductID, u)
		case u.Resource == publish.UPLPlaceholderURI:
			placeholders++
		}
		k, m := p.Meta.Kern, p.Meta
		if p.OWMSVersion != "4.0" || k.Identifier == "" || k.Title == "" || k.Language != "nl" || k.Type.Value != "productbeschrijving" ||
			k.Modified == "" || k.Authority.Resource == "" || k.Spatial.Value == "" || len(m.Mantel.Audience) == 0 ||
			m.SC.ProductID == "" {
			t.Errorf("record %q lacks a required element: %+v", m.SC.ProductID, p)
		}
		answers[m.SC.OnlineAanvragen]++
		if m.SC.OnlineAanvragen == "nee" && m.SC.AanvraagURL != nil {
			t.Errorf("%s: not online, yet an aanvraagURL", m.SC.ProductID)
		}
	}
	// The seed's ten products of the city's own have no UPL name.
	if placeholders != 10 {
		t.Errorf("%d products on the UPL placeholder, want the seed's 10", placeholders)
	}
	for answer := range answers {
		if answer != "ja" && answer != "nee" && answer != "digid" {
			t.Errorf("onlineAanvragen %q", answer)
		}
	}
	if answers["ja"]+answers["digid"] == 0 || answers["nee"] == 0 {
		t.Errorf("onlineAanvragen over the seed: %v; expected both online and offline products", answers)
	}
}
