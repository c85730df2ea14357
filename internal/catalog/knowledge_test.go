package catalog

import (
	"testing"
)

func TestCheckVariant(t *testing.T) {
	main := "Meld het verlies bij de gemeente. Een nieuw paspoort kost € 84,70 en is na 5 werkdagen klaar. " +
		"Maak een afspraak op www.rotterdam.nl/paspoort of bel 14 010."
	for _, tc := range []struct {
		name, variant string
		bad           string // the fact that must be named; empty: allowed
	}{
		{"fewer facts", "Maak een afspraak via 14010.", ""},
		{"same facts, other words", "Het kost 84,70 euro; na vijf... nee, na 5 werkdagen ligt het klaar. Zie https://rotterdam.nl/paspoort/", ""},
		{"no facts", "Wat vervelend! Meld het verlies bij de stadswinkel.", ""},
		{"other amount", "Een nieuw paspoort kost €80.", "€80"},
		{"other duration", "Het is na 3 werkdagen klaar.", "3 werkdagen"},
		{"other unit", "Het is na 5 dagen klaar.", "5 dagen"},
		{"other url", "Kijk op rotterdam.nl/id-kaart.", "rotterdam.nl/id-kaart"},
		{"other phone", "Bel 010 4171234.", "010 4171234"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckVariant("variants[0].text", main, tc.variant)
			if tc.bad == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			fe, ok := AsFieldError(err)
			if !ok {
				t.Fatalf("want a field error naming %q, got %v", tc.bad, err)
			}
			if fe.Field != "variants[0].text" || fe.Code != "contradicts" {
				t.Errorf("field %q code %q", fe.Field, fe.Code)
			}
			if want := `"` + tc.bad + `"`; !contains(fe.Message, want) {
				t.Errorf("message %q does not name %s", fe.Message, want)
			}
		})
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
