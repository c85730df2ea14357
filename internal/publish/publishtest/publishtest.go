// Package publishtest builds the small catalogue the publishing tests share,
// on top of internal/fixture: products whose channels exercise every rule of
// the documents (available or not, DigiD or not, an inactive channel, a
// draft).
package publishtest

import (
	"context"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/location"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
)

// UPLURI is the UPL name of the passport product.
const UPLURI = "http://standaarden.overheid.nl/owms/terms/Paspoort"

// Catalogue is the fixture catalogue with, in municipality "Gemeente Test":
//   - paspoort: website AVAILABLE with DigiD, a form URL, processing time P5D,
//     languages nl and en, cost €10; balie AVAILABLE at one city office with a
//     phone number, cost €15; chat (inactive channel) AVAILABLE; UPL "paspoort";
//     for residents.
//   - parkeervergunning: website AVAILABLE without identification, form URL;
//     balie UNAVAILABLE; for businesses and residents.
//   - afvalpas: website PLANNED; balie AVAILABLE.
//   - concept: a DRAFT with the website AVAILABLE.
type Catalogue struct {
	*fixture.Catalogue
	Chat                                           *ent.Channel
	Office                                         *ent.Location
	Paspoort, Parkeervergunning, Afvalpas, Concept *ent.Product
}

// New writes the catalogue.
func New(t testing.TB, c *ent.Client) *Catalogue {
	t.Helper()
	k := &Catalogue{Catalogue: fixture.New(t, c)}
	fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) error {
		var err error
		if k.Chat, err = tx.Channel.Create().SetCode("chat").SetName("Chat").SetNameEn("Chat").
			SetDigital(true).SetSortOrder(7).Save(ctx); err != nil {
			return err
		}
		if k.Office, err = tx.Location.Create().SetCode("stadswinkel-centrum").SetName("Stadswinkel Centrum").
			SetKind(location.KindCITY_OFFICE).SetStreet("Coolsingel 40").SetPostalCode("3011 AD").SetCity("Rotterdam").
			SetOpeningHours("ma–vr 9.00–17.00").SetVisit(location.VisitAPPOINTMENT).
			SetMunicipalityID(k.Municipality.ID).Save(ctx); err != nil {
			return err
		}
		upl, err := tx.UPLEntry.Create().SetURI(UPLURI).SetName("paspoort").SetMunicipal(true).SetResidents(true).
			SetRequest(true).Save(ctx)
		if err != nil {
			return err
		}
		if k.Paspoort, err = fixture.ProductCreate(tx, "paspoort", k.DepartmentA1).SetName("Paspoort aanvragen").
			SetNameEn("Apply for a passport").SetDescription("U vraagt een paspoort aan bij de gemeente.").
			SetUplEntry(upl).Save(ctx); err != nil {
			return err
		}
		if k.Parkeervergunning, err = fixture.ProductCreate(tx, "parkeervergunning", k.ClusterB).
			SetAudiences([]catalog.Audience{catalog.AudienceResident, catalog.AudienceBusiness}).Save(ctx); err != nil {
			return err
		}
		if k.Afvalpas, err = fixture.ProductCreate(tx, "afvalpas", k.ClusterB).Save(ctx); err != nil {
			return err
		}
		if k.Concept, err = fixture.ProductCreate(tx, "concept", k.ClusterB).SetStatus("DRAFT").Save(ctx); err != nil {
			return err
		}
		set := func(p *ent.Product, ch *ent.Channel, st availability.Status) *ent.AvailabilityCreate {
			return tx.Availability.Create().SetProduct(p).SetChannel(ch).SetStatus(st)
		}
		planned := catalog.Date(2027, 3, 1)
		for _, b := range []*ent.AvailabilityCreate{
			set(k.Paspoort, k.Website, availability.StatusAVAILABLE).SetURL("https://www.rotterdam.nl/paspoort/aanvragen").
				SetIdentification(availability.IdentificationDIGID).SetProcessingTime("P5D").
				SetLanguages([]string{"nl", "en"}).SetCostCents(1000),
			set(k.Paspoort, k.Balie, availability.StatusAVAILABLE).SetPhone("14010").SetCostCents(1500).
				SetInstructions("Maak eerst een afspraak.").AddLocations(k.Office),
			set(k.Paspoort, k.Chat, availability.StatusAVAILABLE),
			set(k.Parkeervergunning, k.Website, availability.StatusAVAILABLE).SetURL("https://www.rotterdam.nl/parkeren/aanvragen"),
			set(k.Parkeervergunning, k.Balie, availability.StatusUNAVAILABLE).SetReason("Alleen online."),
			set(k.Afvalpas, k.Website, availability.StatusPLANNED).SetPlannedDate(planned),
			set(k.Afvalpas, k.Balie, availability.StatusAVAILABLE),
			set(k.Concept, k.Website, availability.StatusAVAILABLE).SetURL("https://www.rotterdam.nl/concept"),
		} {
			if err := b.Exec(ctx); err != nil {
				return err
			}
		}
		// Chat goes dark after its availability was recorded: the public no
		// longer sees it, so no document may mention it.
		return tx.Channel.UpdateOne(k.Chat).SetActive(false).Exec(ctx)
	})
	return k
}
