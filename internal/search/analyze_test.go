package search

import (
	"slices"
	"strings"
	"testing"
)

func TestWordsAndAnalyze(t *testing.T) {
	for text, want := range map[string]string{
		"Paspóórt aanvragen":  "paspoort aanvragen",
		"ID-kaart kwijt":      "id kaart idkaart kwijt",
		"auto's van 2e hands": "autos van 2 e hands",
		"Straße ÆØ":           "strasse aeo",
		"  ?! ":               "",
	} {
		if got := strings.Join(Words(text), " "); got != want {
			t.Errorf("Words(%q) = %q, want %q", text, got, want)
		}
	}
	var stems []string
	for _, tok := range Analyze("Ik wil graag mijn paspoorten en rijbewijzen laten verlengen") {
		stems = append(stems, tok.Stem)
	}
	if want := []string{"paspoort", "rijbewijs", Stem("laten"), "verleng"}; !slices.Equal(stems, want) {
		t.Errorf("stems %v, want %v", stems, want)
	}
	for a, b := range map[string]string{"kappen": "kap", "verhuizing": "verhuizen", "vergunning": "vergunningen"} {
		if Stem(a) != Stem(b) && !(a == "kappen" && Stem(a) == b) {
			t.Errorf("%s → %s and %s → %s: want one stem", a, Stem(a), b, Stem(b))
		}
	}
}

func TestEncodeDecode(t *testing.T) {
	d := NewDocument("Hondenbelasting", []string{"hond aanmelden"}, "Hebt u een hond?", "")
	got := Decode(d.Encode(7, KindProduct))
	if !slices.Equal(got.Fields[FieldKeywords], d.Fields[FieldKeywords]) || len(got.Fields[FieldName]) != 1 {
		t.Errorf("decoded %+v, want %+v", got, d)
	}
	if strings.ContainsAny(d.Encode(7, KindProduct), "-'.,") {
		t.Error("the encoded terms hold other characters than words, spaces and line ends")
	}
}

func TestSynonymList(t *testing.T) {
	if len(Builtin) < 50 {
		t.Fatalf("the built-in list has %d entries", len(Builtin))
	}
	for _, bad := range []string{"alleen", "a = ", "de, het -> paspoort", "paspoort -> de"} {
		if _, err := ParseSynonyms(bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
	rules := compileSynonyms([]Synonym{{Terms: []string{"bank", "bankstel"}, LeadsTo: "grofvuil"}, {Terms: []string{"id-kaart", "identiteitskaart"}}})
	if len(rules[Stem("bankstel")]) != 1 || len(rules[Stem("grofvuil")]) != 0 {
		t.Errorf("one-way rules: %+v", rules)
	}
	if len(rules["idkaart"]) != 1 || len(rules[Stem("identiteitskaart")]) != 1 {
		t.Errorf("equivalent terms lead to each other: %+v", rules)
	}
}

func TestLexicon(t *testing.T) {
	var records []indexed
	for i, name := range []string{"Parkeervergunning aanvragen", "Hondenbelasting", "Belasting betalen", "Parkeren", "Hond aanmelden", "Vergunning"} {
		records = append(records, indexed{id: i + 1, kind: KindProduct, public: true, doc: NewDocument(name, nil, "", "")})
	}
	l := buildLexicon(1, records, compileSynonyms(Builtin))
	if !slices.Contains(l.containedIn[Stem("vergunning")], Stem("parkeervergunning")) {
		t.Errorf("vergunning does not lead to parkeervergunning: %v", l.containedIn)
	}
	if parts := l.split("hondenbelasting", map[string][]string{}); !slices.Equal(parts, []string{"hond", "belasting"}) {
		t.Errorf("hondenbelasting splits into %v", parts)
	}
	if d := distance("rijbewjs", "rijbewijs", 2); d != 1 {
		t.Errorf("distance %d", d)
	}
	if d := distance("paspoort", "papsoort", 2); d != 1 {
		t.Errorf("a swap is one edit, got %d", d)
	}
	if s := l.suggestion("hnd belastng"); s != "hond belasting" {
		t.Errorf("did you mean %q", s)
	}
	ids := rank(parse("belasting hond", l), l.kinds[KindProduct], records)
	if len(ids) == 0 || ids[0] != 2 {
		t.Errorf("belasting hond ranks %v, want Hondenbelasting (2) first", ids)
	}
}
