package scfeed_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"maps"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/publishtest"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/scfeed"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// The feed as a harvester reads it: names are matched by namespace URI, not
// by prefix, so a wrong or undeclared namespace leaves fields empty.
type parsed struct {
	XMLName        xml.Name `xml:"http://standaarden.overheid.nl/product/terms/ scproducten"`
	SchemaLocation string   `xml:"http://www.w3.org/2001/XMLSchema-instance schemaLocation,attr"`
	Products       []struct {
		OWMSVersion string `xml:"owms-version,attr"`
		Meta        struct {
			Kern struct {
				Identifier string `xml:"http://purl.org/dc/terms/ identifier"`
				Title      string `xml:"http://purl.org/dc/terms/ title"`
				Language   string `xml:"http://purl.org/dc/terms/ language"`
				Type       scheme `xml:"http://purl.org/dc/terms/ type"`
				Modified   string `xml:"http://purl.org/dc/terms/ modified"`
				Spatial    scheme `xml:"http://purl.org/dc/terms/ spatial"`
				Authority  scheme `xml:"http://standaarden.overheid.nl/owms/terms/ authority"`
			} `xml:"http://standaarden.overheid.nl/product/terms/ owmskern"`
			Mantel struct {
				Audience []scheme `xml:"http://purl.org/dc/terms/ audience"`
				Abstract string   `xml:"http://purl.org/dc/terms/ abstract"`
			} `xml:"http://standaarden.overheid.nl/product/terms/ owmsmantel"`
			SC struct {
				ProductID       string  `xml:"http://standaarden.overheid.nl/product/terms/ productID"`
				OnlineAanvragen string  `xml:"http://standaarden.overheid.nl/product/terms/ onlineAanvragen"`
				AanvraagURL     *scheme `xml:"http://standaarden.overheid.nl/product/terms/ aanvraagURL"`
				UPL             *scheme `xml:"http://standaarden.overheid.nl/product/terms/ uniformeProductnaam"`
			} `xml:"http://standaarden.overheid.nl/product/terms/ scmeta"`
		} `xml:"http://standaarden.overheid.nl/product/terms/ meta"`
	} `xml:"http://standaarden.overheid.nl/product/terms/ scproduct"`
}

type scheme struct {
	Scheme   string `xml:"scheme,attr"`
	Resource string `xml:"resourceIdentifier,attr"`
	Value    string `xml:",chardata"`
}

// feed writes the published catalogue and parses it back.
func feed(t *testing.T, c *ent.Client) (parsed, string) {
	t.Helper()
	k, err := publish.Source{Client: c, SiteURL: "https://example.org/producten"}.Catalogue(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := scfeed.Write(&buf, k); err != nil {
		t.Fatal(err)
	}
	var f parsed
	if err := xml.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, buf.String())
	}
	return f, buf.String()
}

// online returns onlineAanvragen per productID.
func online(f parsed) map[string]string {
	out := map[string]string{}
	for _, p := range f.Products {
		out[p.Meta.SC.ProductID] = p.Meta.SC.OnlineAanvragen
	}
	return out
}

func TestFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := publishtest.New(t, db.Client)
		f, text := feed(t, db.Client)
		if f.SchemaLocation != scfeed.NSProduct+" "+scfeed.SchemaLocation {
			t.Errorf("schemaLocation %q", f.SchemaLocation)
		}
		want := map[string]struct {
			online, url, upl string
			audiences        []string
		}{
			"afvalpas":          {online: "nee", audiences: []string{"particulier"}},
			"parkeervergunning": {online: "ja", url: "https://www.rotterdam.nl/parkeren/aanvragen", audiences: []string{"particulier", "ondernemer"}},
			"paspoort":          {online: "digid", url: "https://www.rotterdam.nl/paspoort/aanvragen", upl: publishtest.UPLURI, audiences: []string{"particulier"}},
		}
		if len(f.Products) != len(want) {
			t.Fatalf("%d products in the feed, want the %d published ones:\n%s", len(f.Products), len(want), text)
		}
		for _, p := range f.Products {
			m, kern, sc := p.Meta, p.Meta.Kern, p.Meta.SC
			w, ok := want[sc.ProductID]
			if !ok {
				t.Errorf("unexpected product %q in the feed", sc.ProductID)
				continue
			}
			if p.OWMSVersion != "4.0" {
				t.Errorf("%s: owms-version %q", sc.ProductID, p.OWMSVersion)
			}
			if kern.Identifier != "https://example.org/producten/"+sc.ProductID {
				t.Errorf("%s: identifier %q, want the product page", sc.ProductID, kern.Identifier)
			}
			if kern.Title == "" || kern.Language != "nl" || m.Mantel.Abstract == "" || len(kern.Modified) != len("2006-01-02") {
				t.Errorf("%s: title %q, language %q, abstract %q, modified %q: all required", sc.ProductID, kern.Title, kern.Language, m.Mantel.Abstract, kern.Modified)
			}
			if kern.Type != (scheme{Scheme: "overheid:Informatietype", Value: "productbeschrijving"}) {
				t.Errorf("%s: type %+v", sc.ProductID, kern.Type)
			}
			wantPlace := scheme{Scheme: "overheid:Gemeente", Resource: "http://standaarden.overheid.nl/owms/terms/Test", Value: "Test"}
			if kern.Authority != wantPlace || kern.Spatial != wantPlace {
				t.Errorf("%s: authority %+v, spatial %+v; want %+v", sc.ProductID, kern.Authority, kern.Spatial, wantPlace)
			}
			var auds []string
			for _, a := range m.Mantel.Audience {
				if a.Scheme != "overheid:Doelgroep" {
					t.Errorf("%s: audience scheme %q", sc.ProductID, a.Scheme)
				}
				auds = append(auds, a.Value)
			}
			if !equal(auds, w.audiences) {
				t.Errorf("%s: audiences %v, want %v", sc.ProductID, auds, w.audiences)
			}
			if sc.OnlineAanvragen != w.online {
				t.Errorf("%s: onlineAanvragen %q, want %q (from the website channel)", sc.ProductID, sc.OnlineAanvragen, w.online)
			}
			switch {
			case w.url == "" && sc.AanvraagURL != nil:
				t.Errorf("%s: aanvraagURL %+v for a product that cannot be requested online", sc.ProductID, sc.AanvraagURL)
			case w.url != "" && (sc.AanvraagURL == nil || sc.AanvraagURL.Resource != w.url):
				t.Errorf("%s: aanvraagURL %+v, want %s", sc.ProductID, sc.AanvraagURL, w.url)
			}
			switch {
			case w.upl == "" && (sc.UPL == nil || *sc.UPL != scheme{Scheme: "overheid:UniformeProductnaam", Resource: publish.UPLPlaceholderURI, Value: "UPL-naam nog niet beschikbaar"}):
				t.Errorf("%s: UPL %+v, want the list's placeholder", sc.ProductID, sc.UPL)
			case w.upl != "" && (sc.UPL == nil || sc.UPL.Resource != w.upl || sc.UPL.Scheme != "overheid:UniformeProductnaam" || sc.UPL.Value != "paspoort"):
				t.Errorf("%s: UPL %+v, want paspoort <%s>", sc.ProductID, sc.UPL, w.upl)
			}
		}

		// onlineAanvragen follows the website channel as it changes: DigiD
		// added, the website withdrawn, the planned website opened.
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			website := func(p *ent.Product) (*ent.AvailabilityUpdateOne, error) {
				a, err := tx.Availability.Query().Where(availability.ProductID(p.ID), availability.ChannelID(k.Website.ID)).Only(ctx)
				if err != nil {
					return nil, err
				}
				return a.Update(), nil
			}
			for _, change := range []struct {
				p   *ent.Product
				set func(*ent.AvailabilityUpdateOne) *ent.AvailabilityUpdateOne
			}{
				{k.Parkeervergunning, func(u *ent.AvailabilityUpdateOne) *ent.AvailabilityUpdateOne {
					return u.SetIdentification(availability.IdentificationDIGID)
				}},
				{k.Paspoort, func(u *ent.AvailabilityUpdateOne) *ent.AvailabilityUpdateOne {
					return u.SetStatus(availability.StatusUNAVAILABLE).SetReason("Tijdelijk niet online.")
				}},
				{k.Afvalpas, func(u *ent.AvailabilityUpdateOne) *ent.AvailabilityUpdateOne {
					return u.SetStatus(availability.StatusAVAILABLE)
				}},
			} {
				u, err := website(change.p)
				if err != nil {
					return err
				}
				if err := change.set(u).Exec(ctx); err != nil {
					return err
				}
			}
			return nil
		})
		after, _ := feed(t, db.Client)
		if got, want := online(after), map[string]string{"parkeervergunning": "digid", "paspoort": "nee", "afvalpas": "ja"}; !maps.Equal(got, want) {
			t.Errorf("after the website changed: onlineAanvragen %v, want %v", got, want)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
