package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestHistoryReadsForWebsites: a product's history gives each changed field
// its label, its type, its values as values (a date as a date, an amount in
// cents, an owner by code) and in words, and names the product by slug.
func TestHistoryReadsForWebsites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.ClusterA)
		planned := time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Availability.Create().SetProductID(p.ID).SetChannel(k.Website).SetStatus(availability.StatusPLANNED).
				SetPlannedDate(planned).SetCostCents(8470).SetProcessingTime("P14D").Exec(ctx)
		})
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Product.UpdateOneID(p.ID).SetOwner(k.DepartmentA1).Exec(ctx)
		})

		type field struct {
			Field, Label, LabelEn, Type string
			OldValue, NewValue          any
			OldText, NewText, NewTextEn *string
			Old, New                    string
		}
		var out struct {
			Changes struct {
				Edges []struct {
					Node struct {
						Product string
						Entity  string
						Fields  []field
					}
				}
			}
		}
		if errs := run(t, graph.NewResolver(db, ""), `{ changes(product: "paspoort") { edges { node { product entity
			fields { field label labelEn: label(language: "en") type oldValue newValue oldText newText newTextEn: newText(language: "en") old new } } } } }`,
			nil, &out); len(errs) > 0 {
			t.Fatal(errs)
		}
		got := map[string]field{}
		for _, e := range out.Changes.Edges {
			if e.Node.Product != "paspoort" {
				t.Errorf("a change names the product %q", e.Node.Product)
			}
			for _, f := range e.Node.Fields {
				if _, newer := got[e.Node.Entity+"."+f.Field]; !newer { // newest first
					got[e.Node.Entity+"."+f.Field] = f
				}
			}
		}
		str := func(s *string) string {
			if s == nil {
				return "<null>"
			}
			return *s
		}
		for key, want := range map[string]struct {
			label, typ   string
			value        any
			text, textEn string
		}{
			"AVAILABILITY.status":         {"Status", "ENUM", "PLANNED", "gepland", "planned"},
			"AVAILABILITY.plannedDate":    {"Gepland op", "DATE", "2027-03-01", "1 maart 2027", "1 March 2027"},
			"AVAILABILITY.costCents":      {"Kosten", "MONEY", float64(8470), "€ 84,70", "€ 84.70"},
			"AVAILABILITY.processingTime": {"Doorlooptijd", "DURATION", "P14D", "14 dagen", "14 days"},
			"AVAILABILITY.identification": {"Identificatie", "ENUM", "NONE", "geen", "none"},
			"PRODUCT.ownerId":             {"Eigenaar", "REFERENCE", "afdeling-a1", "Afdeling A1", "Afdeling A1"},
		} {
			f, ok := got[key]
			if !ok {
				t.Errorf("no change of %s in %v", key, got)
				continue
			}
			if f.Label != want.label || f.Type != want.typ || f.NewValue != want.value || str(f.NewText) != want.text || str(f.NewTextEn) != want.textEn {
				t.Errorf("%s: label %q, type %s, new value %#v, in words %q / %q; want %q, %s, %#v, %q / %q",
					key, f.Label, f.Type, f.NewValue, str(f.NewText), str(f.NewTextEn), want.label, want.typ, want.value, want.text, want.textEn)
			}
		}
		if f := got["PRODUCT.ownerId"]; f.OldValue != "cluster-a" || str(f.OldText) != "Cluster A" {
			t.Errorf("the owner before: %#v %q, want cluster-a, Cluster A", f.OldValue, str(f.OldText))
		}
		if f := got["AVAILABILITY.status"]; f.OldValue != nil || f.OldText != nil || f.Old != "null" || f.New != `"PLANNED"` || f.LabelEn != "Status" {
			t.Errorf("a new cell's status: old value %#v, old text %v, deprecated old/new %q %q", f.OldValue, f.OldText, f.Old, f.New)
		}
	})
}
