package catalog

// OWMSTerms is the namespace of the OWMS value lists (municipalities, UPL
// names, audiences) that Dutch government metadata refers to.
const OWMSTerms = "http://standaarden.overheid.nl/owms/terms/"

// The UPL list's own entry for a product that has no uniform name yet
// ("UPL-naam nog niet beschikbaar"): what a feed names where a product is
// linked to no UPL name, and what the UPL report and the editor point out.
const (
	UPLPlaceholderURI  = OWMSTerms + "UPL-naam_nog_niet_beschikbaar"
	UPLPlaceholderName = "UPL-naam nog niet beschikbaar"
)

// LegalBasis is a law or article a product on the national UPL list rests
// on (Grondslag): its identifier, its name and a link to the text on
// wetten.overheid.nl.
type LegalBasis struct {
	URI   string `json:"uri"`
	Label string `json:"label,omitempty"`
	Link  string `json:"link,omitempty"`
}
