package signin

import (
	"os"
	"strings"
	"testing"
)

// TestEveryMessageIsDocumented holds docs/signin.md's troubleshooting table
// to the sign-in's problems: every code an editor can be shown has its row.
func TestEveryMessageIsDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/signin.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for code, p := range problemTemplates {
		if !strings.Contains(doc, "| `"+code+"` |") {
			t.Errorf("docs/signin.md has no troubleshooting row for %q (%s)", code, p.Message)
		}
	}
}

// TestProblemsAreComplete checks every problem has a title, a status and a
// message, and that the operator's problems are not logged as someone's
// failed sign-in.
func TestProblemsAreComplete(t *testing.T) {
	for code, p := range problemTemplates {
		if p.title == "" || p.status == 0 || p.Message == "" {
			t.Errorf("%s: %+v", code, p)
		}
	}
	for _, code := range []string{"instelling", "klok", "provider-onbereikbaar", "provider-traag", "provider-storing", "afgebroken"} {
		if problemTemplates[code].kind == refused {
			t.Errorf("%s is logged as a failed sign-in", code)
		}
	}
}
