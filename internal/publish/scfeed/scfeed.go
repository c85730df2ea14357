// Package scfeed writes the published catalogue as a Samenwerkende Catalogi
// 4.0 feed: the XML that the national index of government products (run by
// Logius) harvests from every municipality, so that overheid.nl and other
// portals find the municipality's products. One scproduct per published
// product, with the OWMS metadata (identifier, title, authority, audience),
// its UPL name, and whether it can be requested online — read from the
// website channel.
package scfeed

import (
	"encoding/xml"
	"io"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
)

// ContentType is the media type of the feed.
const ContentType = "application/xml; charset=utf-8"

// The feed's namespaces and schema.
const (
	NSProduct      = "http://standaarden.overheid.nl/product/terms/"
	NSOverheid     = "http://standaarden.overheid.nl/owms/terms/"
	NSDCTerms      = "http://purl.org/dc/terms/"
	NSXSI          = "http://www.w3.org/2001/XMLSchema-instance"
	SchemaLocation = "http://standaarden.overheid.nl/sc/4.0/xsd/sc.xsd"
)

// WebsiteChannel is the code of the channel whose availability says whether
// a product can be requested online.
const WebsiteChannel = "website"

// The values of onlineAanvragen.
const (
	OnlineYes   = "ja"
	OnlineNo    = "nee"
	OnlineDigiD = "digid"
)

// encoding/xml writes namespace prefixes only when they are part of the
// element's name, so the names carry them and the root declares them.
type feed struct {
	XMLName           xml.Name  `xml:"overheidproduct:scproducten"`
	XmlnsProduct      string    `xml:"xmlns:overheidproduct,attr"`
	XmlnsOverheid     string    `xml:"xmlns:overheid,attr"`
	XmlnsDCTerms      string    `xml:"xmlns:dcterms,attr"`
	XmlnsXSI          string    `xml:"xmlns:xsi,attr"`
	XSISchemaLocation string    `xml:"xsi:schemaLocation,attr"`
	Products          []product `xml:"overheidproduct:scproduct"`
}

type product struct {
	OWMSVersion string `xml:"owms-version,attr"`
	Meta        meta   `xml:"overheidproduct:meta"`
	Body        string `xml:"overheidproduct:body"`
}

type meta struct {
	Kern   kern   `xml:"overheidproduct:owmskern"`
	Mantel mantel `xml:"overheidproduct:owmsmantel"`
	SC     scmeta `xml:"overheidproduct:scmeta"`
}

type kern struct {
	Identifier string   `xml:"dcterms:identifier"`
	Title      string   `xml:"dcterms:title"`
	Language   string   `xml:"dcterms:language"`
	Type       valued   `xml:"dcterms:type"`
	Modified   string   `xml:"dcterms:modified"`
	Spatial    resource `xml:"dcterms:spatial"`
	Authority  resource `xml:"overheid:authority"`
}

type mantel struct {
	Audience []valued `xml:"dcterms:audience"`
	Abstract string   `xml:"dcterms:abstract"`
}

type scmeta struct {
	ProductID       string    `xml:"overheidproduct:productID"`
	OnlineAanvragen string    `xml:"overheidproduct:onlineAanvragen"`
	AanvraagURL     *resource `xml:"overheidproduct:aanvraagURL"`
	UPL             *resource `xml:"overheidproduct:uniformeProductnaam"`
}

// valued is a value from an OWMS list: the list in scheme, the value as text.
type valued struct {
	Scheme string `xml:"scheme,attr"`
	Value  string `xml:",chardata"`
}

// resource is a value with its identifier.
type resource struct {
	Scheme             string `xml:"scheme,attr,omitempty"`
	ResourceIdentifier string `xml:"resourceIdentifier,attr"`
	Value              string `xml:",chardata"`
}

// Write writes the catalogue as a feed.
func Write(w io.Writer, k *publish.Catalogue) error {
	f := feed{
		XmlnsProduct:      NSProduct,
		XmlnsOverheid:     NSOverheid,
		XmlnsDCTerms:      NSDCTerms,
		XmlnsXSI:          NSXSI,
		XSISchemaLocation: NSProduct + " " + SchemaLocation,
	}
	for _, p := range k.Products {
		f.Products = append(f.Products, record(k, p))
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func record(k *publish.Catalogue, p *ent.Product) product {
	place := resource{Scheme: "overheid:Gemeente", ResourceIdentifier: k.OWMSURI(), Value: k.PlaceName()}
	r := product{
		OWMSVersion: "4.0",
		Meta: meta{
			Kern: kern{
				Identifier: k.PageURL(p),
				Title:      p.Name,
				Language:   "nl",
				Type:       valued{Scheme: "overheid:Informatietype", Value: "productbeschrijving"},
				Modified:   publish.Modified(p).Format("2006-01-02"),
				Spatial:    place,
				Authority:  place,
			},
			Mantel: mantel{Abstract: publish.Summary(p)},
			SC:     scmeta{ProductID: p.Slug},
		},
	}
	for _, v := range publish.Doelgroepen(p) {
		r.Meta.Mantel.Audience = append(r.Meta.Mantel.Audience, valued{Scheme: "overheid:Doelgroep", Value: v})
	}
	online, url := Online(p)
	r.Meta.SC.OnlineAanvragen = online
	if online != OnlineNo {
		if url == "" {
			url = k.PageURL(p)
		}
		r.Meta.SC.AanvraagURL = &resource{ResourceIdentifier: url}
	}
	// Every record names a UPL name: the index groups products by it. Where
	// the product has none, the list's placeholder says so.
	r.Meta.SC.UPL = &resource{Scheme: "overheid:UniformeProductnaam", ResourceIdentifier: publish.UPLPlaceholderURI, Value: publish.UPLPlaceholderName}
	if u := p.Edges.UplEntry; u != nil {
		r.Meta.SC.UPL.ResourceIdentifier, r.Meta.SC.UPL.Value = u.URI, u.Name
	}
	return r
}

// Online says whether the product can be requested online, from its website
// channel: AVAILABLE with DigiD is "digid", AVAILABLE otherwise "ja",
// anything else (or no website availability the public can see) "nee". The
// URL is the website availability's, where it has one.
func Online(p *ent.Product) (value, url string) {
	for _, a := range p.Edges.Availabilities {
		if a.Edges.Channel == nil || a.Edges.Channel.Code != WebsiteChannel {
			continue
		}
		if a.Status != availability.StatusAVAILABLE {
			return OnlineNo, ""
		}
		if a.URL != nil {
			url = *a.URL
		}
		if a.Identification == availability.IdentificationDIGID {
			return OnlineDigiD, url
		}
		return OnlineYes, url
	}
	return OnlineNo, ""
}
