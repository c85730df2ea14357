package upl

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse: the list comes from outside. Whatever the file, Parse either
// refuses it with its problems or gives one entry per URI, each with a URI
// and a name.
func FuzzParse(f *testing.F) {
	head := "UniformeProductnaam,URI,Rijk,Provincie,Waterschap,Gemeente,Burger,Bedrijf,Dienstenwet,SDG,Autonomie,Medebewind,Aanvraag,Subsidie,Melding,Verplichting,DigiDMacht,Grondslag,Grondslaglabel,Grondslaglink\n"
	for _, s := range []string{
		head + "paspoort,http://x/P,X,,,X,X,,,D1,,X,X,,,,,http://wet/a,Wet a,https://w/a\n",
		head + "a,http://x/a,,,,X,,,,,,,,,,,,,,\na,http://x/a,,,,X,,,,,,,,,,,,http://wet/b,,\n",
		"\uFEFF" + strings.ReplaceAll(head, ",", ";") + "a;http://x/a;;;;X;;;;;;;;;;;;;;\n",
		head + "\"a,http://x/a\n", "", "UniformeProductnaam\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		entries, err := Parse(strings.NewReader(s))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Errorf("Parse(%q): %v is not a list of problems", s, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, e := range entries {
			if e.URI == "" || e.Name == "" || seen[e.URI] {
				t.Errorf("Parse(%q) gave %+v", s, e)
			}
			seen[e.URI] = true
		}
	})
}
