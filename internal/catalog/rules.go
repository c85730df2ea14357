package catalog

import (
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

var slugRE = regexp.MustCompile(SlugPattern)

// CheckSlug checks a product slug.
func CheckSlug(slug string) error {
	switch {
	case slug == "":
		return fieldErr("product", "slug", "required", "the slug is required: the product's name in web addresses, e.g. paspoort-aanvragen")
	case len(slug) > 100:
		return fieldErr("product", "slug", "too_long", "the slug is %d characters long; at most 100 are allowed", len(slug))
	case !slugRE.MatchString(slug):
		return fieldErr("product", "slug", "format", "the slug %q may only hold lower-case letters a–z, digits and single hyphens between words, e.g. paspoort-aanvragen", clip(slug))
	}
	return nil
}

// Keyword limits: residents' words for a product, not a text.
const (
	MaxKeywords      = 50
	MaxKeywordLength = 80
)

// CheckKeywords checks a product's keywords.
func CheckKeywords(kw []string) error {
	if len(kw) > MaxKeywords {
		return fieldErr("product", "keywords", "too_many", "a product may have at most %d keywords; this one has %d", MaxKeywords, len(kw))
	}
	for _, k := range kw {
		if utf8.RuneCountInString(k) > MaxKeywordLength {
			return fieldErr("product", "keywords", "too_long", "the keyword %q is longer than %d characters; keywords are words or short phrases", clip(k), MaxKeywordLength)
		}
	}
	return nil
}

// Product is what the rules check of a product: its values after the write.
type Product struct {
	Slug, Name, Theme string
	Audiences         []Audience
}

// Check applies the product rules and returns the first problem found.
func (p Product) Check() error {
	if err := CheckSlug(p.Slug); err != nil {
		return err
	}
	if strings.TrimSpace(p.Name) == "" {
		return fieldErr("product", "name", "required", "the name is required: the public title, e.g. Paspoort aanvragen")
	}
	if utf8.RuneCountInString(p.Name) > 200 {
		return fieldErr("product", "name", "too_long", "the name may be at most 200 characters long")
	}
	if strings.TrimSpace(p.Theme) == "" {
		return fieldErr("product", "theme", "required", "the theme is required, e.g. Parkeren or Afval")
	}
	if len(p.Audiences) == 0 {
		return fieldErr("product", "audiences", "required", "say who the product is for: RESIDENT, BUSINESS and/or ORGANIZATION")
	}
	seen := map[Audience]bool{}
	for _, a := range p.Audiences {
		if !a.Valid() {
			return fieldErr("product", "audiences", "invalid", "%q is not an audience; use RESIDENT, BUSINESS or ORGANIZATION", clip(string(a)))
		}
		if seen[a] {
			return fieldErr("product", "audiences", "duplicate", "%s is listed twice", a)
		}
		seen[a] = true
	}
	return nil
}

// Availability is what the rules check of one product × channel cell: its
// values after the write.
type Availability struct {
	Status         string // AVAILABLE, PARTIAL, PLANNED, UNAVAILABLE, NOT_APPLICABLE
	PlannedDate    *time.Time
	AvailableSince *time.Time
	Reason         string
	URL            string
	Phone          string
	ProcessingTime string
	CostCurrency   string
	Languages      []string
}

// Check applies the availability rules and returns the first problem found.
func (a Availability) Check() error {
	switch a.Status {
	case "PLANNED":
		if a.PlannedDate == nil {
			return fieldErr("availability", "plannedDate", "required", "a PLANNED channel needs a planned date: when will the product be available here?")
		}
	case "UNAVAILABLE", "NOT_APPLICABLE":
		if strings.TrimSpace(a.Reason) == "" {
			return fieldErr("availability", "reason", "required", "a channel that is %s needs a public reason: say why, and what residents can do instead", a.Status)
		}
	}
	for _, d := range []struct {
		field string
		t     *time.Time
	}{{"plannedDate", a.PlannedDate}, {"availableSince", a.AvailableSince}} {
		if d.t != nil && !IsDate(*d.t) {
			return fieldErr("availability", d.field, "format", "%s must be a calendar date without a time of day", d.field)
		}
	}
	if a.URL != "" {
		if err := CheckURL(a.URL); err != nil {
			return fieldErr("availability", "url", "format", "%s", err.Error())
		}
	}
	if a.Phone != "" && !IsDutchPhone(a.Phone) {
		return fieldErr("availability", "phone", "format", "%q is not a Dutch phone number; write e.g. 14010, 010 267 1625 or +31 10 267 1625", clip(a.Phone))
	}
	if a.ProcessingTime != "" {
		if _, err := ParseDuration(a.ProcessingTime); err != nil {
			return fieldErr("availability", "processingTime", "format", "%s", err.Error())
		}
	}
	if a.CostCurrency != "" && !currencyRE.MatchString(a.CostCurrency) {
		return fieldErr("availability", "costCurrency", "format", "%q is not a currency code; use three capital letters, e.g. EUR", clip(a.CostCurrency))
	}
	for _, l := range a.Languages {
		if !languageRE.MatchString(l) {
			return fieldErr("availability", "languages", "format", "%q is not a language code; use two lower-case letters (ISO 639-1), e.g. nl, en, tr", clip(l))
		}
	}
	return nil
}

var (
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	languageRE = regexp.MustCompile(`^[a-z]{2}$`)
)

// CheckURL accepts absolute http and https addresses with a host.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fieldErr("availability", "url", "format", "%q is not a web address; write it in full, starting with https://", clip(s))
	}
	return nil
}

var phoneDigits = regexp.MustCompile(`^\+?[0-9]+$`)

// IsDutchPhone accepts the ways Dutch public-sector numbers are written:
// 14 plus the area code without its 0 (14010), ten-digit numbers starting
// with 0 (010 267 1625), +31 with nine digits, and 0800/0900 service numbers.
// Spaces, hyphens, dots and brackets between digits are allowed.
func IsDutchPhone(s string) bool {
	d := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')':
			return -1
		}
		return r
	}, s)
	if !phoneDigits.MatchString(d) {
		return false
	}
	switch {
	case strings.HasPrefix(d, "+31"):
		return len(d) == 12 && d[3] != '0'
	case strings.HasPrefix(d, "0031"):
		return len(d) == 13 && d[4] != '0'
	case strings.HasPrefix(d, "0800"), strings.HasPrefix(d, "0900"), strings.HasPrefix(d, "0909"), strings.HasPrefix(d, "0906"):
		return len(d) >= 8 && len(d) <= 11
	case strings.HasPrefix(d, "14"):
		return len(d) >= 5 && len(d) <= 6
	case strings.HasPrefix(d, "0"):
		return len(d) == 10
	}
	return false
}

// clip shortens a value quoted back in an error message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	r := []rune(s)
	return string(r[:57]) + "…"
}
