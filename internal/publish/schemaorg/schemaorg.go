// Package schemaorg writes a product as a schema.org GovernmentService in
// JSON-LD, the form search engines and portals read from a product page: what
// the service is, who provides it, where it applies, and per channel through
// which it can be requested today how to do so (a ServiceChannel with its web
// address, phone number, locations, languages and processing time).
package schemaorg

import (
	"encoding/json"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
)

// ContentType is the media type of the documents.
const ContentType = "application/ld+json"

// context is written inline: a reader needs no network to expand the
// document, and every term is schema.org's.
var context = map[string]string{"@vocab": "https://schema.org/"}

type service struct {
	Context          map[string]string `json:"@context,omitempty"`
	Type             string            `json:"@type"`
	ID               string            `json:"@id"`
	Name             string            `json:"name"`
	AlternateName    string            `json:"alternateName,omitempty"`
	Description      string            `json:"description,omitempty"`
	Disambiguating   string            `json:"disambiguatingDescription,omitempty"`
	URL              string            `json:"url"`
	Identifier       string            `json:"identifier,omitempty"`
	SameAs           string            `json:"sameAs,omitempty"`
	ServiceType      string            `json:"serviceType,omitempty"`
	Category         string            `json:"category,omitempty"`
	Audience         []audience        `json:"audience,omitempty"`
	Provider         *organization     `json:"provider"`
	ServiceOperator  *organization     `json:"serviceOperator,omitempty"`
	AreaServed       *area             `json:"areaServed"`
	AvailableChannel []serviceChannel  `json:"availableChannel,omitempty"`
}

type audience struct {
	Type         string `json:"@type"`
	AudienceType string `json:"audienceType"`
}

type organization struct {
	Type string `json:"@type"`
	ID   string `json:"@id,omitempty"`
	Name string `json:"name"`
}

type area struct {
	Type   string `json:"@type"`
	Name   string `json:"name"`
	SameAs string `json:"sameAs,omitempty"`
}

type serviceChannel struct {
	Type              string        `json:"@type"`
	Name              string        `json:"name"`
	Description       string        `json:"description,omitempty"`
	ServiceURL        string        `json:"serviceUrl,omitempty"`
	ServicePhone      *contactPoint `json:"servicePhone,omitempty"`
	ServiceLocation   []place       `json:"serviceLocation,omitempty"`
	AvailableLanguage []string      `json:"availableLanguage,omitempty"`
	ProcessingTime    string        `json:"processingTime,omitempty"`
}

type contactPoint struct {
	Type      string `json:"@type"`
	Telephone string `json:"telephone"`
}

type place struct {
	Type    string        `json:"@type"`
	Name    string        `json:"name"`
	Address postalAddress `json:"address"`
}

type postalAddress struct {
	Type            string `json:"@type"`
	StreetAddress   string `json:"streetAddress"`
	PostalCode      string `json:"postalCode"`
	AddressLocality string `json:"addressLocality"`
	AddressCountry  string `json:"addressCountry"`
}

// audienceTypes names the audiences as the national portals do
// (particulier, ondernemer); organizations get their own word.
var audienceTypes = map[catalog.Audience]audience{
	catalog.AudienceResident:     {Type: "Audience", AudienceType: "particulier"},
	catalog.AudienceBusiness:     {Type: "BusinessAudience", AudienceType: "ondernemer"},
	catalog.AudienceOrganization: {Type: "Audience", AudienceType: "organisatie"},
}

// Document returns the product, which must be one of k's, as a JSON-LD
// document. It is compact JSON with <, > and & escaped, so that a web page
// can embed it in a script element as it is.
func Document(k *publish.Catalogue, p *ent.Product) ([]byte, error) {
	s := build(k, p)
	s.Context = context
	return json.Marshal(s)
}

func build(k *publish.Catalogue, p *ent.Product) service {
	s := service{
		Type:        "GovernmentService",
		ID:          k.PageURL(p),
		Name:        p.Name,
		Description: publish.Description(p),
		URL:         k.PageURL(p),
		Category:    p.Theme,
		Provider:    &organization{Type: "GovernmentOrganization", ID: k.OWMSURI(), Name: k.Municipality.Name},
		AreaServed:  &area{Type: "City", Name: k.PlaceName(), SameAs: k.OWMSURI()},
	}
	if p.NameEn != nil {
		s.AlternateName = *p.NameEn
	}
	if p.Summary != "" && p.Summary != s.Description {
		s.Disambiguating = p.Summary
	}
	if u := p.Edges.UplEntry; u != nil {
		s.Identifier, s.SameAs, s.ServiceType = u.URI, u.URI, u.Name
	}
	for _, a := range catalog.Audiences {
		for _, have := range p.Audiences {
			if have == a {
				s.Audience = append(s.Audience, audienceTypes[a])
			}
		}
	}
	if o := p.Edges.Owner; o != nil && o.ID != k.Municipality.ID {
		s.ServiceOperator = &organization{Type: "GovernmentOrganization", Name: o.Name}
	}
	for _, a := range publish.Available(p) {
		s.AvailableChannel = append(s.AvailableChannel, channel(a))
	}
	return s
}

func channel(a *ent.Availability) serviceChannel {
	c := serviceChannel{Type: "ServiceChannel", Name: a.Edges.Channel.Name, AvailableLanguage: a.Languages}
	if a.Instructions != nil {
		c.Description = *a.Instructions
	}
	if a.URL != nil {
		c.ServiceURL = *a.URL
	}
	if a.Phone != nil {
		c.ServicePhone = &contactPoint{Type: "ContactPoint", Telephone: *a.Phone}
	}
	if a.ProcessingTime != nil {
		c.ProcessingTime = catalog.InDays(*a.ProcessingTime)
	}
	for _, l := range a.Edges.Locations {
		c.ServiceLocation = append(c.ServiceLocation, place{
			Type: "Place",
			Name: l.Name,
			Address: postalAddress{
				Type:            "PostalAddress",
				StreetAddress:   l.Street,
				PostalCode:      l.PostalCode,
				AddressLocality: l.City,
				AddressCountry:  "NL",
			},
		})
	}
	return c
}
