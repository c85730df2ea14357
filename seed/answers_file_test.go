package seed

import (
	"strings"
	"testing"
)

// TestAnswersFile: the seed's answer file parses, covers at least 60
// products, and a broken file is refused with its line named.
func TestAnswersFile(t *testing.T) {
	ps, err := products()
	if err != nil {
		t.Fatal(err)
	}
	as, err := readAnswers(ps)
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, a := range as {
		covered[a.products[0]] = true
	}
	if len(covered) < 60 {
		t.Errorf("the seed's answers cover %d products, want at least 60", len(covered))
	}
	saved := answersFile
	defer func() { answersFile = saved }()
	for text, want := range map[string]string{
		"== bestaat-niet\nV: x\nA: y":                          "line 1: no product",
		"== paspoort-aanvragen\nV: x\nA: y\nfax: z":            "line 4:",
		"== paspoort-aanvragen\nA: y\n== id-kaart-aanvragen":   "line 3: the answer before",
		"== paspoort-aanvragen\nV: x\nA: y\nherzien: gisteren": "line 4: herzien",
	} {
		answersFile = text
		if _, err := readAnswers(ps); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one with %q", text, err, want)
		}
	}
}
