package schemaorg_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/publishtest"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/schemaorg"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// vocabulary is the part of schema.org in testdata/vocabulary.txt.
type vocabulary struct {
	parents map[string][]string
	domains map[string][]string
}

func readVocabulary(t *testing.T) vocabulary {
	t.Helper()
	f, err := os.Open("testdata/vocabulary.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v := vocabulary{parents: map[string][]string{}, domains: map[string][]string{}}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		switch {
		case fields[0] == "type" && len(fields) >= 2:
			v.parents[fields[1]] = fields[2:]
		case fields[0] == "property" && len(fields) >= 3:
			v.domains[fields[1]] = fields[2:]
		default:
			t.Fatalf("vocabulary.txt line %d: %q is neither `type NAME PARENT…` nor `property NAME DOMAIN…`", n, sc.Text())
		}
	}
	return v
}

// is reports whether typ is want or one of its subtypes.
func (v vocabulary) is(typ, want string) bool {
	if typ == want {
		return true
	}
	return slices.ContainsFunc(v.parents[typ], func(p string) bool { return v.is(p, want) })
}

// check walks a JSON-LD node and returns every type or property that is not
// in the vocabulary or is used outside its domain.
func (v vocabulary) check(path string, node map[string]any) []string {
	var bad []string
	typ, _ := node["@type"].(string)
	if _, ok := v.parents[typ]; !ok {
		return append(bad, fmt.Sprintf("%s: type %q is not in the vocabulary", path, typ))
	}
	for key, val := range node {
		if strings.HasPrefix(key, "@") {
			continue
		}
		domains, ok := v.domains[key]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("%s.%s: property %q is not in the vocabulary", path, key, key))
		case !slices.ContainsFunc(domains, func(d string) bool { return v.is(typ, d) }):
			bad = append(bad, fmt.Sprintf("%s.%s: %s is not in the domain of %s (%s)", path, key, typ, key, strings.Join(domains, ", ")))
		}
		items, isList := val.([]any)
		if !isList {
			items = []any{val}
		}
		for i, item := range items {
			if child, ok := item.(map[string]any); ok {
				bad = append(bad, v.check(fmt.Sprintf("%s.%s[%d]", path, key, i), child)...)
			}
		}
	}
	return bad
}

func TestDocumentsUseSchemaOrgOnly(t *testing.T) {
	v := readVocabulary(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := publishtest.New(t, db.Client)
		src := publish.Source{Client: db.Client}
		cat, err := src.Catalogue(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(cat.Products) != 3 {
			t.Fatalf("the catalogue publishes %d products, want the 3 published ones", len(cat.Products))
		}
		seen := map[string]bool{}
		for _, p := range cat.Products {
			doc := document(t, cat, p)
			for _, problem := range v.check(p.Slug, doc) {
				t.Error(problem)
			}
			collect(doc, seen)
		}
		// The fixture must exercise every part of the document, or the
		// check above proves little.
		for _, want := range []string{"GovernmentService", "ServiceChannel", "ContactPoint", "Place", "PostalAddress",
			"GovernmentOrganization", "City", "BusinessAudience", "serviceUrl", "servicePhone", "serviceLocation",
			"availableLanguage", "processingTime", "identifier", "sameAs", "serviceOperator"} {
			if !seen[want] {
				t.Errorf("no document uses %s", want)
			}
		}

		pas, err := src.Product(context.Background(), "", "paspoort")
		if err != nil {
			t.Fatal(err)
		}
		doc := document(t, pas, pas.Products[0])
		if doc["identifier"] != publishtest.UPLURI || doc["sameAs"] != publishtest.UPLURI {
			t.Errorf("identifier %v, sameAs %v; want the UPL URI", doc["identifier"], doc["sameAs"])
		}
		if got := channelNames(doc); !slices.Equal(got, []string{k.Balie.Name, k.Website.Name}) {
			t.Errorf("channels %v: want the two active AVAILABLE ones, balie and website", got)
		}
		if p := doc["provider"].(map[string]any); p["name"] != k.Municipality.Name {
			t.Errorf("provider %v, want %s", p, k.Municipality.Name)
		}
		afval, err := src.Product(context.Background(), "", "afvalpas")
		if err != nil {
			t.Fatal(err)
		}
		if got := channelNames(document(t, afval, afval.Products[0])); !slices.Equal(got, []string{k.Balie.Name}) {
			t.Errorf("afvalpas channels %v: a PLANNED website must not appear", got)
		}
		if _, err := src.Product(context.Background(), "", "concept"); !errors.Is(err, publish.ErrNotPublished) {
			t.Errorf("a draft: %v, want ErrNotPublished", err)
		}
	})
}

// TestCheckCatchesMistakes makes sure the vocabulary check fails where it
// should: an unknown type, an unknown property, a property off its domain.
func TestCheckCatchesMistakes(t *testing.T) {
	v := readVocabulary(t)
	for name, doc := range map[string]string{
		"unknown type":     `{"@type": "GovernmentServise", "name": "x"}`,
		"unknown property": `{"@type": "GovernmentService", "serviceUrl2": "x"}`,
		"outside domain":   `{"@type": "GovernmentService", "servicePhone": {"@type": "ContactPoint", "telephone": "14010"}}`,
		"nested":           `{"@type": "GovernmentService", "availableChannel": [{"@type": "ServiceChannel", "audienceType": "x"}]}`,
	} {
		var node map[string]any
		if err := json.Unmarshal([]byte(doc), &node); err != nil {
			t.Fatal(err)
		}
		if len(v.check("doc", node)) == 0 {
			t.Errorf("%s: the check passed %s", name, doc)
		}
	}
}

func document(t *testing.T, k *publish.Catalogue, p *ent.Product) map[string]any {
	t.Helper()
	b, err := schemaorg.Document(k, p)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("the document is not JSON: %v\n%s", err, b)
	}
	ctx, _ := doc["@context"].(map[string]any)
	if ctx["@vocab"] != "https://schema.org/" {
		t.Errorf("@context %v: want schema.org's vocabulary, inline", doc["@context"])
	}
	return doc
}

// collect notes every type and property a node uses.
func collect(node map[string]any, seen map[string]bool) {
	for key, val := range node {
		if key == "@type" {
			seen[val.(string)] = true
		} else if !strings.HasPrefix(key, "@") {
			seen[key] = true
		}
		items, isList := val.([]any)
		if !isList {
			items = []any{val}
		}
		for _, item := range items {
			if child, ok := item.(map[string]any); ok {
				collect(child, seen)
			}
		}
	}
}

func channelNames(doc map[string]any) []string {
	var names []string
	list, _ := doc["availableChannel"].([]any)
	for _, c := range list {
		names = append(names, c.(map[string]any)["name"].(string))
	}
	return names
}
