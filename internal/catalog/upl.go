package catalog

// LegalBasis is a law or article a product on the national UPL list rests
// on (Grondslag): its identifier, its name and a link to the text on
// wetten.overheid.nl.
type LegalBasis struct {
	URI   string `json:"uri"`
	Label string `json:"label,omitempty"`
	Link  string `json:"link,omitempty"`
}
