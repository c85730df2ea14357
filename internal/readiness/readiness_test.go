package readiness

import (
	"strings"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
)

func TestEvaluate(t *testing.T) {
	today := time.Date(2026, time.December, 3, 0, 0, 0, 0, time.UTC)
	tested := today.AddDate(0, -12, 0) // the first day still within 12 months
	ready := Facts{
		Summary: "Wilt u een nieuw paspoort? Vraag het aan in de stadswinkel.",
		Cells: []Cell{{Channel: "Website", Status: availability.StatusAVAILABLE},
			{Channel: "Balie", Status: availability.StatusNOT_APPLICABLE, Reason: "U regelt dit online."}},
		PublishedAnswers: 1,
		UPL:              &ent.UPLEntry{URI: "http://standaarden.overheid.nl/owms/terms/paspoort", InList: true},
		LastTest:         &tested,
		Today:            today,
	}
	ready.Cells[1].LastReviewed = today.AddDate(-1, 0, 0)
	if r := Evaluate(ready, Settings{}); !r.Ready || len(r.Missing) != 0 {
		t.Errorf("a ready product: %+v", r)
	}
	for _, c := range []struct {
		name   string
		change func(*Facts)
		want   string
	}{
		{"no summary", func(f *Facts) { f.Summary = " " }, "Schrijf een samenvatting"},
		{"officialese", func(f *Facts) { f.Summary = "Indien u een paspoort wenst, dient u dit aan te vragen." }, "B1-niveau"},
		{"a channel not assessed", func(f *Facts) { f.Cells[0].Status = "" }, "via deze kanalen kan: Website."},
		{"no without a reason", func(f *Facts) { f.Cells[1].Reason = "" }, "waarom het niet kan via: Balie."},
		{"unavailable without a reason", func(f *Facts) { f.Cells[0] = Cell{Channel: "Website", Status: availability.StatusUNAVAILABLE} }, "via: Website."},
		{"no answer", func(f *Facts) { f.PublishedAnswers = 0 }, "vraag-antwoordbank"},
		{"no UPL name", func(f *Facts) { f.UPL = nil }, "Kies een UPL-naam"},
		{"the placeholder", func(f *Facts) { f.UPL = &ent.UPLEntry{URI: publish.UPLPlaceholderURI, InList: true} }, "Kies een UPL-naam"},
		{"a name that left the list", func(f *Facts) { f.UPL = &ent.UPLEntry{URI: "x", InList: false} }, "niet meer op de landelijke lijst"},
		{"a no not reviewed for a year and a day", func(f *Facts) { f.Cells[1].LastReviewed = today.AddDate(-1, 0, -1) },
			"Kijk of de reden nog klopt waarom het niet kan via: Balie. Die is langer dan 12 maanden niet nagekeken."},
		{"never tested", func(f *Facts) { f.LastTest = nil }, "nog niet getest"},
		{"tested a year and a day ago", func(f *Facts) { d := today.AddDate(-1, 0, -1); f.LastTest = &d }, "de laatste test (2025-12-02) is langer dan 12 maanden geleden"},
	} {
		f := ready
		f.Cells = append([]Cell(nil), ready.Cells...)
		c.change(&f)
		r := Evaluate(f, Settings{})
		if r.Ready || len(r.Missing) != 1 || !strings.Contains(r.Missing[0], c.want) {
			t.Errorf("%s: %+v, want one item with %q", c.name, r, c.want)
		}
	}
}

// TestSettings: the intervals are the deployment's. A test 13 months ago is
// too old by default and in time when 24 months are allowed; a no reviewed
// 7 months ago is late when the review interval is 6 months.
func TestSettings(t *testing.T) {
	today := time.Date(2026, time.December, 3, 0, 0, 0, 0, time.UTC)
	tested := today.AddDate(0, -13, 0)
	f := Facts{
		Summary:          "Wilt u een nieuw paspoort? Vraag het aan in de stadswinkel.",
		Cells:            []Cell{{Channel: "Balie", Status: availability.StatusUNAVAILABLE, Reason: "Verbouwing.", LastReviewed: today.AddDate(0, -7, 0)}},
		PublishedAnswers: 1,
		UPL:              &ent.UPLEntry{URI: "http://standaarden.overheid.nl/owms/terms/paspoort", InList: true},
		LastTest:         &tested,
		Today:            today,
	}
	if r := Evaluate(f, Settings{}); len(r.Missing) != 1 || !strings.Contains(r.Missing[0], "opnieuw met bewoners") {
		t.Errorf("default settings: %q", r.Missing)
	}
	if r := Evaluate(f, Settings{TestMonths: 24}); !r.Ready {
		t.Errorf("24 months for a test: %q", r.Missing)
	}
	if r := Evaluate(f, Settings{TestMonths: 24, ReviewMonths: 6}); len(r.Missing) != 1 || !strings.Contains(r.Missing[0], "langer dan 6 maanden niet nagekeken") {
		t.Errorf("a review interval of 6 months: %q", r.Missing)
	}
}
