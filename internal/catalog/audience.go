// Package catalog holds the catalogue's value types and domain rules that do
// not depend on storage: audiences, field errors, and the checks a product or
// a channel availability must pass before it is written. Ent hooks, the API
// and the importers all call these rules, so every write path agrees.
package catalog

import (
	"fmt"
	"io"
	"strconv"
)

// Audience is who a product is for. A product can serve several audiences.
type Audience string

// The audiences of the national product list (UPL): residents (particulieren),
// businesses (ondernemers) and organizations (instellingen, verenigingen).
const (
	AudienceResident     Audience = "RESIDENT"
	AudienceBusiness     Audience = "BUSINESS"
	AudienceOrganization Audience = "ORGANIZATION"
)

// Audiences lists every audience in display order.
var Audiences = []Audience{AudienceResident, AudienceBusiness, AudienceOrganization}

// Valid reports whether a is one of the known audiences.
func (a Audience) Valid() bool {
	for _, v := range Audiences {
		if a == v {
			return true
		}
	}
	return false
}

// MarshalGQL writes the audience as a GraphQL enum value.
func (a Audience) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(a)))
}

// UnmarshalGQL reads a GraphQL enum value.
func (a *Audience) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("audience must be a string, got %T", v)
	}
	if !Audience(s).Valid() {
		return fmt.Errorf("%q is not a valid audience (RESIDENT, BUSINESS or ORGANIZATION)", s)
	}
	*a = Audience(s)
	return nil
}

// OffersOtherLanguage reports whether a channel's languages include one other
// than Dutch: what residents who have difficulty with Dutch look for.
func OffersOtherLanguage(languages []string) bool {
	for _, l := range languages {
		if l != "nl" {
			return true
		}
	}
	return false
}
