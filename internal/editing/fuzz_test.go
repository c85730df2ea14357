package editing_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/editing"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// FuzzSetAvailability sends arbitrary cell input through the editing path:
// it either lands whole and valid, or is refused with a clear field error
// and changes nothing; it never panics or fails inside.
func FuzzSetAvailability(f *testing.F) {
	f.Add(0, "Omdat het zo is.", "https://www.rotterdam.nl/x", "14010", "P5D", "EUR", "nl", 30)
	f.Add(2, "", "javascript:alert(1)", "bel me", "5 dagen", "euro", "NL", -30)
	f.Add(4, "'; DROP TABLE products; --", "http://[::1]/", "+31 10 267 1625", "PT", "", "🇳🇱", 0)
	f.Add(3, "\x00\xff", "", "", "", "USD", "", 100000)

	db := storetest.Open(f, "sqlite")
	k := fixture.New(f, db.Client)
	k.Product(f, db.Client, "paspoort", k.ClusterA)
	tokens := auth.Tokens{Client: db.Client}
	token, err := tokens.Create(context.Background(), "fuzz", auth.Editor, "cluster-a")
	if err != nil {
		f.Fatal(err)
	}
	viewer, err := tokens.Authenticate(context.Background(), token)
	if err != nil {
		f.Fatal(err)
	}
	ctx := auth.NewContext(context.Background(), viewer)
	svc := &editing.Service{Client: db.Client}
	statuses := []availability.Status{availability.StatusAVAILABLE, availability.StatusPARTIAL, availability.StatusPLANNED,
		availability.StatusUNAVAILABLE, availability.StatusNOT_APPLICABLE}

	f.Fuzz(func(t *testing.T, status int, reason, url, phone, processing, currency, lang string, days int) {
		p := db.Client.Product.Query().Where(product.Slug("paspoort")).OnlyX(fixture.Ctx())
		planned := catalog.DateOf(time.Now()).AddDate(0, 0, days%20000)
		in := editing.SetAvailability{
			ProductRef: editing.ProductRef{Product: "paspoort", ExpectedVersion: p.Version},
			Cell: editing.Cell{
				Channel: "website", Status: statuses[(status%len(statuses)+len(statuses))%len(statuses)],
				PlannedDate: &planned, Reason: &reason, URL: &url, Phone: &phone, ProcessingTime: &processing,
				CostCurrency: &currency, Languages: []string{lang},
			},
		}
		_, err := svc.SetAvailability(ctx, in)
		if err != nil {
			var fe *catalog.FieldError
			if !errors.As(err, &fe) || fe.Field == "" || fe.Message == "" {
				t.Fatalf("input %+v: error %v is not a clear field error", in.Cell, err)
			}
			after := db.Client.Product.Query().Where(product.Slug("paspoort")).OnlyX(fixture.Ctx())
			if after.Version != p.Version {
				t.Fatalf("a refused input changed the product's version %d -> %d", p.Version, after.Version)
			}
			return
		}
		a := db.Client.Availability.Query().Where(availability.ProductID(p.ID)).OnlyX(fixture.Ctx())
		check := catalog.Availability{Status: a.Status.String(), PlannedDate: a.PlannedDate, AvailableSince: a.AvailableSince,
			CostCurrency: a.CostCurrency, Languages: a.Languages}
		for dst, src := range map[*string]*string{&check.Reason: a.Reason, &check.URL: a.URL, &check.Phone: a.Phone, &check.ProcessingTime: a.ProcessingTime} {
			if src != nil {
				*dst = *src
			}
		}
		if err := check.Check(); err != nil {
			t.Fatalf("an accepted input left a cell that breaks the rules: %v (%+v)", err, a)
		}
	})
}
