package readiness

import (
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
)

func TestEvaluate(t *testing.T) {
	ready := Facts{
		Summary: "Wilt u een nieuw paspoort? Vraag het aan in de stadswinkel.",
		Cells: []Cell{{Channel: "Website", Status: availability.StatusAVAILABLE},
			{Channel: "Balie", Status: availability.StatusNOT_APPLICABLE, Reason: "U regelt dit online."}},
		PublishedAnswers: 1,
		UPL:              &ent.UPLEntry{URI: "http://standaarden.overheid.nl/owms/terms/paspoort", InList: true},
	}
	if r := Evaluate(ready); !r.Ready || len(r.Missing) != 0 {
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
	} {
		f := ready
		f.Cells = append([]Cell(nil), ready.Cells...)
		c.change(&f)
		r := Evaluate(f)
		if r.Ready || len(r.Missing) != 1 || !strings.Contains(r.Missing[0], c.want) {
			t.Errorf("%s: %+v, want one item with %q", c.name, r, c.want)
		}
	}
}
