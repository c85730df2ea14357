// Package cpsvap writes the published catalogue in CPSV-AP 3.x (the EU Core
// Public Service Vocabulary Application Profile) as JSON-LD: one
// cpsv:PublicService per published product, with its channels (cv:Channel:
// type, instructions, opening hours of its locations, processing time), its
// costs, the municipality as competent authority (cv:PublicOrganisation),
// its audiences and UPL name as concepts, and names and descriptions with
// language tags. The @context is inline, so no reader fetches anything to
// understand the file.
package cpsvap

import (
	"encoding/json"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
)

// Format is the name of the export format (catalogus export --format).
const Format = "cpsv-ap"

// Context is the document's inline JSON-LD context: prefixes, the classes,
// and one term per property. Terms with "@type": "@id" take IRIs as plain
// strings; "@container": "@language" takes a map from language to text.
var Context = map[string]any{
	"cpsv": "http://purl.org/vocab/cpsv#",
	"cv":   "http://data.europa.eu/m8g/",
	"dct":  "http://purl.org/dc/terms/",
	"dcat": "http://www.w3.org/ns/dcat#",
	"foaf": "http://xmlns.com/foaf/0.1/",
	"locn": "http://www.w3.org/ns/locn#",
	"skos": "http://www.w3.org/2004/02/skos/core#",
	"time": "http://www.w3.org/2006/time#",
	"xsd":  "http://www.w3.org/2001/XMLSchema#",

	"PublicService":      "cpsv:PublicService",
	"Channel":            "cv:Channel",
	"Cost":               "cv:Cost",
	"PublicOrganisation": "cv:PublicOrganisation",
	"Concept":            "skos:Concept",
	"Location":           "dct:Location",
	"TemporalEntity":     "time:TemporalEntity",

	"identifier":            "dct:identifier",
	"name":                  map[string]any{"@id": "dct:title", "@container": "@language"},
	"description":           map[string]any{"@id": "dct:description", "@container": "@language"},
	"keyword":               map[string]any{"@id": "dcat:keyword", "@container": "@language"},
	"prefLabel":             map[string]any{"@id": "skos:prefLabel", "@container": "@language"},
	"geographicName":        map[string]any{"@id": "locn:geographicName", "@container": "@language"},
	"audience":              map[string]any{"@id": "dct:audience", "@type": "@id"},
	"isClassifiedBy":        map[string]any{"@id": "cv:isClassifiedBy", "@type": "@id"},
	"spatial":               map[string]any{"@id": "dct:spatial", "@type": "@id"},
	"hasCompetentAuthority": map[string]any{"@id": "cv:hasCompetentAuthority", "@type": "@id"},
	"hasChannel":            map[string]any{"@id": "cv:hasChannel", "@type": "@id"},
	"hasCost":               map[string]any{"@id": "cv:hasCost", "@type": "@id"},
	"channelType":           map[string]any{"@id": "dct:type", "@type": "@id"},
	"page":                  map[string]any{"@id": "foaf:page", "@type": "@id"},
	"openingHours":          map[string]any{"@id": "cv:openingHours"},
	"processingTime":        map[string]any{"@id": "cv:processingTime", "@type": "xsd:duration"},
	"hasValue":              map[string]any{"@id": "cv:hasValue", "@type": "xsd:double"},
	"currency":              map[string]any{"@id": "cv:currency", "@type": "@id"},
	"ifAccessedThrough":     map[string]any{"@id": "cv:ifAccessedThrough", "@type": "@id"},
}

// Where the concepts come from. Audiences and the municipality use the OWMS
// lists Dutch portals know; currencies the EU's authority table; channel
// types and organizations have no public list, so they get names under the
// catalogue's own URN.
const (
	currencies = "http://publications.europa.eu/resource/authority/currency/"
	urn        = "urn:catalogus:"
)

type lang map[string]string

type document struct {
	Context map[string]any `json:"@context"`
	Graph   []any          `json:"@graph"`
}

type service struct {
	ID                    string    `json:"@id"`
	Type                  string    `json:"@type"`
	Identifier            string    `json:"identifier"`
	Name                  lang      `json:"name"`
	Description           lang      `json:"description"`
	Keyword               lang      `json:"keyword,omitempty"`
	Audience              []string  `json:"audience,omitempty"`
	IsClassifiedBy        []string  `json:"isClassifiedBy,omitempty"`
	Spatial               string    `json:"spatial"`
	HasCompetentAuthority string    `json:"hasCompetentAuthority"`
	HasChannel            []channel `json:"hasChannel,omitempty"`
	HasCost               []cost    `json:"hasCost,omitempty"`
}

type channel struct {
	ID             string     `json:"@id"`
	Type           string     `json:"@type"`
	Identifier     string     `json:"identifier"`
	ChannelType    string     `json:"channelType"`
	Description    lang       `json:"description,omitempty"`
	Page           string     `json:"page,omitempty"`
	OpeningHours   []temporal `json:"openingHours,omitempty"`
	ProcessingTime string     `json:"processingTime,omitempty"`
}

type temporal struct {
	Type        string `json:"@type"`
	Description lang   `json:"description"`
}

type cost struct {
	ID                string  `json:"@id"`
	Type              string  `json:"@type"`
	Identifier        string  `json:"identifier"`
	HasValue          float64 `json:"hasValue"`
	Currency          string  `json:"currency"`
	Description       lang    `json:"description,omitempty"`
	IfAccessedThrough string  `json:"ifAccessedThrough,omitempty"`
}

type organisation struct {
	ID         string `json:"@id"`
	Type       string `json:"@type"`
	Identifier string `json:"identifier"`
	PrefLabel  lang   `json:"prefLabel"`
	Spatial    string `json:"spatial"`
}

type concept struct {
	ID        string `json:"@id"`
	Type      string `json:"@type"`
	PrefLabel lang   `json:"prefLabel"`
}

type location struct {
	ID             string `json:"@id"`
	Type           string `json:"@type"`
	GeographicName lang   `json:"geographicName"`
}

// Write writes the catalogue as one JSON-LD document.
func Write(w io.Writer, k *publish.Catalogue) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(Build(k))
}

// Build returns the catalogue's document, ready for encoding/json.
func Build(k *publish.Catalogue) any {
	place := k.OWMSURI()
	authority := urn + "organisatie:" + k.Municipality.Code
	doc := document{Context: Context}
	concepts := map[string]concept{}
	addConcept := func(id string, label lang) string {
		concepts[id] = concept{ID: id, Type: "Concept", PrefLabel: label}
		return id
	}
	for _, p := range k.Products {
		page := k.PageURL(p)
		s := service{
			ID:                    page,
			Type:                  "PublicService",
			Identifier:            k.Municipality.Code + "/" + p.Slug,
			Name:                  texts(p.Name, p.NameEn),
			Description:           lang{"nl": publish.Description(p)},
			Spatial:               place,
			HasCompetentAuthority: authority,
		}
		if p.Theme != "" {
			s.Keyword = lang{"nl": p.Theme}
		}
		for _, d := range publish.Doelgroepen(p) {
			s.Audience = append(s.Audience, addConcept(publish.OWMSTerms+d, lang{"nl": d}))
		}
		if u := p.Edges.UplEntry; u != nil {
			s.IsClassifiedBy = append(s.IsClassifiedBy, addConcept(u.URI, lang{"nl": u.Name}))
		}
		available := publish.Available(p)
		for _, a := range available {
			ch := a.Edges.Channel
			addConcept(urn+"kanaal:"+ch.Code, texts(ch.Name, &ch.NameEn))
			s.HasChannel = append(s.HasChannel, channelOf(s, page, a))
		}
		s.HasCost = costs(s, page, available, func(code string) string {
			return addConcept(currencies+code, lang{"en": code})
		})
		doc.Graph = append(doc.Graph, s)
	}
	doc.Graph = append(doc.Graph,
		organisation{ID: authority, Type: "PublicOrganisation", Identifier: k.Municipality.Code,
			PrefLabel: lang{"nl": k.Municipality.Name}, Spatial: place},
		location{ID: place, Type: "Location", GeographicName: lang{"nl": k.PlaceName()}},
	)
	ids := make([]string, 0, len(concepts))
	for id := range concepts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		doc.Graph = append(doc.Graph, concepts[id])
	}
	return doc
}

// texts is a Dutch text with its English version where there is one.
func texts(nl string, en *string) lang {
	l := lang{"nl": nl}
	if en != nil && *en != "" {
		l["en"] = *en
	}
	return l
}

func channelOf(s service, page string, a *ent.Availability) channel {
	ch := a.Edges.Channel
	c := channel{
		ID:          page + "#kanaal-" + url.PathEscape(ch.Code),
		Type:        "Channel",
		Identifier:  s.Identifier + "/" + ch.Code,
		ChannelType: urn + "kanaal:" + ch.Code,
	}
	if a.Instructions != nil {
		c.Description = lang{"nl": *a.Instructions}
	}
	if a.URL != nil {
		c.Page = *a.URL
	}
	if a.ProcessingTime != nil {
		c.ProcessingTime = catalog.InDays(*a.ProcessingTime)
	}
	for _, l := range a.Edges.Locations {
		if strings.TrimSpace(l.OpeningHours) != "" {
			c.OpeningHours = append(c.OpeningHours, temporal{Type: "TemporalEntity",
				Description: lang{"nl": l.Name + ", " + l.Street + ": " + l.OpeningHours}})
		}
	}
	return c
}

// costs returns the service's costs: one cost when every channel that names
// a price names the same, otherwise one per channel, saying which channel it
// applies to (cv:ifAccessedThrough).
func costs(s service, page string, available []*ent.Availability, currency func(code string) string) []cost {
	var priced []*ent.Availability
	for _, a := range available {
		if a.CostCents != nil {
			priced = append(priced, a)
		}
	}
	if len(priced) == 0 {
		return nil
	}
	same := !slices.ContainsFunc(priced, func(a *ent.Availability) bool {
		return *a.CostCents != *priced[0].CostCents || a.CostCurrency != priced[0].CostCurrency
	})
	of := func(a *ent.Availability, id, identifier string) cost {
		return cost{ID: id, Type: "Cost", Identifier: identifier, HasValue: float64(*a.CostCents) / 100,
			Currency: currency(a.CostCurrency)}
	}
	if same {
		c := of(priced[0], page+"#kosten", s.Identifier+"/kosten")
		c.Description = lang{"nl": "Kosten, via elk kanaal gelijk."}
		return []cost{c}
	}
	var out []cost
	for _, a := range priced {
		code := a.Edges.Channel.Code
		c := of(a, page+"#kosten-"+url.PathEscape(code), s.Identifier+"/kosten/"+code)
		c.Description = lang{"nl": "Kosten via " + a.Edges.Channel.Name + "."}
		c.IfAccessedThrough = page + "#kanaal-" + url.PathEscape(code)
		out = append(out, c)
	}
	return out
}
