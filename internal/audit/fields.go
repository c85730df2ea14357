package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

// ValueType says how to read a changed field's values (Field.Old, Field.New
// as decoded JSON).
type ValueType string

// The value types of the history.
const (
	// Text is a string.
	Text ValueType = "TEXT"
	// Date is a calendar date, "2026-12-31".
	Date ValueType = "DATE"
	// Number is a whole number.
	Number ValueType = "NUMBER"
	// Money is an amount in cents (the currency is a field of its own).
	Money ValueType = "MONEY"
	// Duration is an ISO 8601 duration in days or time, "P14D".
	Duration ValueType = "DURATION"
	// List is a list of strings (codes).
	List ValueType = "LIST"
	// Enum is a code from a fixed list, such as a status.
	Enum ValueType = "ENUM"
	// Reference names another record by its code, slug or URI.
	Reference ValueType = "REFERENCE"
)

// words are a text in Dutch and English.
type words struct{ nl, en string }

func (w words) in(language string) string {
	if language == "en" {
		return w.en
	}
	return w.nl
}

// fieldInfo describes a field of a product or availability as the history
// shows it: its label and how its values read.
type fieldInfo struct {
	label words
	typ   ValueType
	// values names the codes of an Enum or List field.
	values map[string]words
}

var availabilityStatuses = map[string]words{
	"AVAILABLE": {"beschikbaar", "available"}, "PARTIAL": {"deels", "partial"}, "PLANNED": {"gepland", "planned"},
	"UNAVAILABLE": {"niet beschikbaar", "unavailable"}, "NOT_APPLICABLE": {"niet van toepassing", "not applicable"},
}

var productStatuses = map[string]words{
	"DRAFT": {"concept", "draft"}, "PUBLISHED": {"gepubliceerd", "published"}, "RETIRED": {"ingetrokken", "retired"},
}

var languages = map[string]words{
	"nl": {"Nederlands", "Dutch"}, "en": {"Engels", "English"}, "tr": {"Turks", "Turkish"}, "ar": {"Arabisch", "Arabic"},
	"pl": {"Pools", "Polish"}, "de": {"Duits", "German"}, "fr": {"Frans", "French"}, "es": {"Spaans", "Spanish"},
	"pap": {"Papiaments", "Papiamento"}, "bg": {"Bulgaars", "Bulgarian"}, "ro": {"Roemeens", "Romanian"}, "uk": {"Oekraïens", "Ukrainian"},
}

// fields are the fields of products (PRODUCT) and availabilities
// (AVAILABILITY) under their API names.
var fields = map[string]map[string]fieldInfo{
	"PRODUCT": {
		"slug":           {label: words{"Adres van de productpagina", "Page address"}, typ: Text},
		"name":           {label: words{"Naam", "Name"}, typ: Text},
		"nameEn":         {label: words{"Naam in het Engels", "English name"}, typ: Text},
		"summary":        {label: words{"Samenvatting", "Summary"}, typ: Text},
		"description":    {label: words{"Beschrijving", "Description"}, typ: Text},
		"theme":          {label: words{"Thema", "Theme"}, typ: Text},
		"audiences":      {label: words{"Doelgroepen", "Audiences"}, typ: List, values: map[string]words{"RESIDENT": {"inwoners", "residents"}, "BUSINESS": {"ondernemers", "businesses"}, "ORGANIZATION": {"organisaties", "organizations"}}},
		"status":         {label: words{"Status", "Status"}, typ: Enum, values: productStatuses},
		"ownerId":        {label: words{"Eigenaar", "Owner"}, typ: Reference},
		"municipalityId": {label: words{"Gemeente", "Municipality"}, typ: Reference},
		"uplEntryId":     {label: words{"UPL-naam", "UPL name"}, typ: Reference},
	},
	"AVAILABILITY": {
		"productId":      {label: words{"Product", "Product"}, typ: Reference},
		"channelId":      {label: words{"Kanaal", "Channel"}, typ: Reference},
		"status":         {label: words{"Status", "Status"}, typ: Enum, values: availabilityStatuses},
		"availableSince": {label: words{"Beschikbaar sinds", "Available since"}, typ: Date},
		"plannedDate":    {label: words{"Gepland op", "Planned for"}, typ: Date},
		"reason":         {label: words{"Reden", "Reason"}, typ: Text},
		"url":            {label: words{"Webadres", "Web address"}, typ: Text},
		"phone":          {label: words{"Telefoonnummer", "Phone number"}, typ: Text},
		"locations":      {label: words{"Locaties", "Locations"}, typ: List},
		"instructions":   {label: words{"Zo werkt het", "How to use it"}, typ: Text},
		"processingTime": {label: words{"Doorlooptijd", "Processing time"}, typ: Duration},
		"costCents":      {label: words{"Kosten", "Cost"}, typ: Money},
		"costCurrency":   {label: words{"Munteenheid", "Currency"}, typ: Enum, values: map[string]words{"EUR": {"euro", "euro"}}},
		"identification": {label: words{"Identificatie", "Identification"}, typ: Enum, values: map[string]words{
			"NONE": {"geen", "none"}, "DIGID": {"DigiD", "DigiD"}, "EHERKENNING": {"eHerkenning", "eHerkenning"},
			"EIDAS": {"eIDAS", "eIDAS"}, "ID_DOCUMENT": {"identiteitsbewijs", "identity document"}}},
		"languages":    {label: words{"Talen", "Languages"}, typ: List, values: languages},
		"lastReviewed": {label: words{"Laatst bekeken", "Last reviewed"}, typ: Date},
	},
}

// info describes a field; one the table does not know reads as text under
// its own name.
func info(entity, field string) fieldInfo {
	if f, ok := fields[entity][field]; ok {
		return f
	}
	return fieldInfo{label: words{field, field}, typ: Text}
}

// ref is a referenced record as the history names it: by code (or slug,
// URI) and by name.
type ref struct{ code, name string }

// value turns a logged JSON value into the value the API gives: dates as
// dates, references by code. It returns nil for an absent value.
func value(raw string, f fieldInfo, refs map[int64]ref) any {
	var v any
	if raw == "" || json.Unmarshal([]byte(raw), &v) != nil || v == nil || v == "" {
		return nil
	}
	switch f.typ {
	case Date:
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return catalog.DateOf(t.Add(12 * time.Hour)).Format(time.DateOnly) // stored at midnight UTC
			}
		}
	case Number, Money:
		if n, ok := v.(float64); ok {
			return int64(n)
		}
	case Duration:
		if s, ok := v.(string); ok {
			return catalog.InDays(s)
		}
	case Reference:
		if n, ok := v.(float64); ok {
			if r, ok := refs[int64(n)]; ok {
				return r.code
			}
			return nil // a record the log outlived: its id means nothing to a reader
		}
	case List:
		if l, ok := v.([]any); ok && len(l) == 0 {
			return nil
		}
	}
	return v
}

// text writes a value (as value returns it) for people, in Dutch (nl) or
// English (en); nil when there is none.
func text(v any, f fieldInfo, refs map[int64]ref, raw, language string) *string {
	if v == nil {
		return nil
	}
	var s string
	switch f.typ {
	case Date:
		t, err := time.Parse(time.DateOnly, v.(string))
		if err != nil {
			s = fmt.Sprint(v)
			break
		}
		s = longDate(t, language)
	case Money:
		euros := strconv.FormatFloat(float64(v.(int64))/100, 'f', 2, 64)
		if language != "en" {
			euros = strings.Replace(euros, ".", ",", 1)
		}
		s = "€ " + euros
	case Duration:
		s = durationText(v.(string), language)
	case Enum:
		s = fmt.Sprint(v)
		if w, ok := f.values[s]; ok {
			s = w.in(language)
		}
	case List:
		var parts []string
		for _, x := range v.([]any) {
			p := fmt.Sprint(x)
			if w, ok := f.values[p]; ok {
				p = w.in(language)
			}
			parts = append(parts, p)
		}
		s = strings.Join(parts, ", ")
	case Reference:
		var n float64
		_ = json.Unmarshal([]byte(raw), &n)
		s = refs[int64(n)].name
	default:
		s = fmt.Sprint(v)
	}
	return &s
}

var months = [2][12]string{
	{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

func longDate(t time.Time, language string) string {
	if language == "en" {
		return fmt.Sprintf("%d %s %d", t.Day(), months[1][t.Month()-1], t.Year())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), months[0][t.Month()-1], t.Year())
}

// durationText writes a processing time in words: "14 dagen", "10 minuten".
func durationText(s, language string) string {
	d, err := catalog.ParseDuration(s)
	if err != nil {
		return s
	}
	units := []struct {
		n        int
		nl1, nlN string
		en1, enN string
	}{
		{d.Years, "jaar", "jaar", "year", "years"}, {d.Months, "maand", "maanden", "month", "months"},
		{d.Weeks*7 + d.Days, "dag", "dagen", "day", "days"}, {d.Hours, "uur", "uur", "hour", "hours"},
		{d.Minutes, "minuut", "minuten", "minute", "minutes"}, {d.Seconds, "seconde", "seconden", "second", "seconds"},
	}
	var parts []string
	for _, u := range units {
		if u.n == 0 {
			continue
		}
		unit := u.nlN
		switch {
		case language == "en" && u.n == 1:
			unit = u.en1
		case language == "en":
			unit = u.enN
		case u.n == 1:
			unit = u.nl1
		}
		parts = append(parts, strconv.Itoa(u.n)+" "+unit)
	}
	if len(parts) == 0 {
		return s
	}
	and := " en "
	if language == "en" {
		and = " and "
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + and + parts[len(parts)-1]
}

// MarshalGQL writes the type as a GraphQL enum value.
func (t ValueType) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL reads a GraphQL enum value.
func (t *ValueType) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("a change's value type must be a string, got %T", v)
	}
	switch ValueType(s) {
	case Text, Date, Number, Money, Duration, List, Enum, Reference:
		*t = ValueType(s)
		return nil
	}
	return fmt.Errorf("%q is not a change value type", s)
}
