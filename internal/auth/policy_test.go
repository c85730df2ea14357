package auth_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/answer"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/location"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/residenttest"
	"github.com/gemeente-rotterdam/catalogus/ent/webhookdelivery"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// What a privacy rule decides, as the test reads it from the error.
const (
	allowed = "allowed"
	denied  = "denied"          // auth.Denial: FORBIDDEN
	unauth  = "unauthenticated" // no viewer: UNAUTHENTICATED
	hidden  = "not found"       // the record is not the viewer's to see
	// beyond: privacy lets it pass, a later hook refuses it (the change log
	// takes no bulk changes).
	beyond = "refused by a hook"
)

// world is the small catalogue plus what the rules are asked about: a
// product, an answer and a call-back request in cluster A (afdeling A1 owns
// them) and in cluster B, and a draft of cluster B.
type world struct {
	*fixture.Catalogue
	productA, productB, draftB *ent.Product
	cellB                      *ent.Availability
	answerB                    *ent.Answer
	callbackB                  *ent.CallbackRequest
	subscription               *ent.WebhookSubscription
	delivery                   *ent.WebhookDelivery
	testB                      *ent.ResidentTest
}

func build(t *testing.T, c *ent.Client) *world {
	w := &world{Catalogue: fixture.New(t, c)}
	w.productA = w.Product(t, c, "eigen", w.DepartmentA1)
	w.productB = w.Product(t, c, "ander", w.ClusterB)
	fixture.Tx(t, c, func(ctx context.Context, tx *ent.Client) (err error) {
		if w.draftB, err = fixture.ProductCreate(tx, "concept", w.ClusterB).SetStatus(product.StatusDRAFT).Save(ctx); err != nil {
			return err
		}
		if w.cellB, err = tx.Availability.Create().SetProduct(w.productB).SetChannel(w.Website).SetStatus(availability.StatusAVAILABLE).Save(ctx); err != nil {
			return err
		}
		if w.answerB, err = tx.Answer.Create().SetOwnerID(w.ClusterB.ID).SetQuestion("Vraag?").SetText("Antwoord.").AddProducts(w.productB).SetStatus(answer.StatusPUBLISHED).Save(ctx); err != nil {
			return err
		}
		w.callbackB, err = tx.CallbackRequest.Create().SetProductID(w.productB.ID).SetQuestion("Bel mij?").SetChannelID(w.Website.ID).
			SetReplyChannelID(w.Website.ID).SetContact("06-12345678").Save(ctx)
		if err != nil {
			return err
		}
		now := time.Now()
		if w.subscription, err = tx.WebhookSubscription.Create().SetURL("https://example.org/hook").SetSecret("geheim").
			SetMunicipalityID(w.Municipality.ID).SetCreatedBy("test").SetCreatedAt(now).SetUpdatedAt(now).Save(ctx); err != nil {
			return err
		}
		w.delivery, err = tx.WebhookDelivery.Create().SetSubscriptionID(w.subscription.ID).SetEventID(1).SetIdempotencyKey("k").
			SetPayload(map[string]any{}).SetNextAttemptAt(now).SetCreatedAt(now).Save(ctx)
		if err != nil {
			return err
		}
		w.testB, err = residentTest(tx, w.productB).Save(ctx)
		return err
	})
	return w
}

// viewers are the roles × organizations the table asks about.
func viewers(w *world) map[string]*auth.Viewer {
	ids := func(orgs ...*ent.Organization) []int {
		var out []int
		for _, o := range orgs {
			out = append(out, o.ID)
		}
		return out
	}
	return map[string]*auth.Viewer{
		"anonymous":             nil,
		"editor of cluster A":   {Name: "editor-a", Role: auth.Editor, OrganizationID: &w.ClusterA.ID, Scope: ids(w.ClusterA, w.DepartmentA1)},
		"editor of afdeling A1": {Name: "editor-a1", Role: auth.Editor, OrganizationID: &w.DepartmentA1.ID, Scope: ids(w.DepartmentA1)},
		"admin of cluster A":    {Name: "admin-a", Role: auth.Admin, OrganizationID: &w.ClusterA.ID, Scope: ids(w.ClusterA, w.DepartmentA1)},
		"admin of municipality": {Name: "admin-m", Role: auth.Admin, OrganizationID: &w.Municipality.ID, Scope: ids(w.Municipality, w.ClusterA, w.DepartmentA1, w.ClusterB)},
		"admin of everything":   {Name: "admin", Role: auth.Admin},
	}
}

// operation is one change, made through the ordinary client (so through the
// privacy rules and the hooks after them).
type operation struct {
	entity, op string
	do         func(ctx context.Context, tx *ent.Client, w *world) error
}

func operations() []operation {
	return []operation{
		{"product", "create in cluster A", func(ctx context.Context, tx *ent.Client, w *world) error {
			return fixture.ProductCreate(tx, "nieuw", w.DepartmentA1).Exec(ctx)
		}},
		{"product", "update in afdeling A1", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Product.UpdateOne(w.productA).SetName("Nieuwe naam").Exec(ctx)
		}},
		{"product", "update in cluster B", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Product.UpdateOne(w.productB).SetName("Nieuwe naam").Exec(ctx)
		}},
		{"product", "move from cluster A to B", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Product.UpdateOne(w.productA).SetOwner(w.ClusterB).Exec(ctx)
		}},
		{"product", "update a draft of cluster B", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Product.UpdateOne(w.draftB).SetName("Nieuwe naam").Exec(ctx)
		}},
		{"product", "update many at once", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Product.Update().Where(product.ID(w.productA.ID)).SetName("Nieuwe naam").Exec(ctx)
		}},
		{"availability", "create in afdeling A1", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Availability.Create().SetProduct(w.productA).SetChannel(w.Balie).SetStatus(availability.StatusAVAILABLE).Exec(ctx)
		}},
		{"availability", "create in cluster B", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Availability.Create().SetProduct(w.productB).SetChannel(w.Balie).SetStatus(availability.StatusAVAILABLE).Exec(ctx)
		}},
		{"availability", "update in cluster B", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Availability.UpdateOne(w.cellB).SetStatus(availability.StatusUNAVAILABLE).SetReason("Storing").Exec(ctx)
		}},
		{"channel", "create", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Channel.Create().SetCode("fax").SetName("Fax").SetNameEn("Fax").Exec(ctx)
		}},
		{"organization", "create under cluster A", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Organization.Create().SetCode("afdeling-a2").SetName("Afdeling A2").SetKind(organization.KindDEPARTMENT).SetParent(w.ClusterA).Exec(ctx)
		}},
		{"organization", "update cluster B", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Organization.UpdateOne(w.ClusterB).SetName("Cluster Bee").Exec(ctx)
		}},
		{"organization", "create a municipality", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Organization.Create().SetCode("andere-gemeente").SetName("Andere gemeente").SetKind(organization.KindMUNICIPALITY).Exec(ctx)
		}},
		{"location", "create in the municipality", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Location.Create().SetCode("wijkhub").SetName("Wijkhub").SetKind(location.KindWIJKHUB).SetStreet("Straat 1").
				SetPostalCode("3011 AD").SetCity("Rotterdam").SetVisit(location.VisitAPPOINTMENT).SetMunicipalityID(w.Municipality.ID).Exec(ctx)
		}},
		{"answer", "create in cluster A", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Answer.Create().SetOwnerID(w.ClusterA.ID).SetQuestion("Nieuwe vraag?").SetText("Antwoord.").AddProducts(w.productA).Exec(ctx)
		}},
		{"answer", "update in cluster B", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.Answer.UpdateOne(w.answerB).SetText("Ander antwoord.").Exec(ctx)
		}},
		{"callback request", "file one", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.CallbackRequest.Create().SetProductID(w.productB.ID).SetQuestion("Bel mij terug?").SetChannelID(w.Website.ID).
				SetReplyChannelID(w.Website.ID).SetContact("06-12345678").Exec(ctx)
		}},
		{"callback request", "update in cluster B's queue", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.CallbackRequest.UpdateOne(w.callbackB).SetAssignee("iemand").Exec(ctx)
		}},
		{"test with residents", "create in afdeling A1", func(ctx context.Context, tx *ent.Client, w *world) error {
			return residentTest(tx, w.productA).Exec(ctx)
		}},
		{"test with residents", "create in cluster B", func(ctx context.Context, tx *ent.Client, w *world) error {
			return residentTest(tx, w.productB).Exec(ctx)
		}},
		{"test with residents", "update in cluster B", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.ResidentTest.UpdateOne(w.testB).SetParticipants(9).Exec(ctx)
		}},
		{"test with residents", "delete in cluster B", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.ResidentTest.DeleteOne(w.testB).Exec(ctx)
		}},
		{"test with residents", "of a draft of cluster B", func(ctx context.Context, tx *ent.Client, w *world) error {
			return residentTest(tx, w.draftB).Exec(ctx)
		}},
		{"UPL name", "create", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.UPLEntry.Create().SetURI("http://standaarden.overheid.nl/owms/terms/Nieuw").SetName("Nieuw").Exec(ctx)
		}},
		{"webhook subscription", "create for the municipality", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.WebhookSubscription.Create().SetURL("https://example.org/hook").SetSecret("geheim").SetMunicipalityID(w.Municipality.ID).
				SetCreatedBy("test").SetCreatedAt(time.Now()).SetUpdatedAt(time.Now()).Exec(ctx)
		}},
		{"webhook subscription", "update one of the municipality", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.WebhookSubscription.UpdateOneID(w.subscription.ID).SetActive(false).Exec(ctx)
		}},
		{"webhook subscription", "delete one of the municipality", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.WebhookSubscription.DeleteOneID(w.subscription.ID).Exec(ctx)
		}},
		{"webhook subscription", "read those of the municipality", func(ctx context.Context, tx *ent.Client, w *world) error {
			_, err := tx.WebhookSubscription.Get(ctx, w.subscription.ID)
			return err
		}},
		{"webhook delivery", "create", func(ctx context.Context, tx *ent.Client, w *world) error {
			return tx.WebhookDelivery.Create().SetSubscriptionID(w.subscription.ID).SetEventID(1).SetIdempotencyKey("k").
				SetPayload(map[string]any{}).SetNextAttemptAt(time.Now()).SetCreatedAt(time.Now()).Exec(ctx)
		}},
		{"webhook delivery", "read those of the municipality", func(ctx context.Context, tx *ent.Client, w *world) error {
			_, err := tx.WebhookDelivery.Query().Where(webhookdelivery.ID(w.delivery.ID)).Only(ctx)
			return err
		}},
	}
}

// expected is the privacy table: operation → viewer → decision. A viewer
// missing from a row is denied.
var expected = map[string]map[string]string{
	"product create in cluster A":                  {"anonymous": unauth, "editor of cluster A": allowed, "editor of afdeling A1": allowed, "admin of cluster A": allowed, "admin of municipality": allowed, "admin of everything": allowed},
	"product update in afdeling A1":                {"anonymous": unauth, "editor of cluster A": allowed, "editor of afdeling A1": allowed, "admin of cluster A": allowed, "admin of municipality": allowed, "admin of everything": allowed},
	"product update in cluster B":                  {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"product move from cluster A to B":             {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"product update a draft of cluster B":          {"anonymous": unauth, "editor of cluster A": hidden, "editor of afdeling A1": hidden, "admin of cluster A": hidden, "admin of municipality": allowed, "admin of everything": allowed},
	"product update many at once":                  {"anonymous": unauth, "admin of everything": beyond},
	"availability create in afdeling A1":           {"anonymous": unauth, "editor of cluster A": allowed, "editor of afdeling A1": allowed, "admin of cluster A": allowed, "admin of municipality": allowed, "admin of everything": allowed},
	"availability create in cluster B":             {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"availability update in cluster B":             {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"channel create":                               {"anonymous": unauth, "admin of everything": allowed},
	"organization create under cluster A":          {"anonymous": unauth, "admin of cluster A": allowed, "admin of municipality": allowed, "admin of everything": allowed},
	"organization update cluster B":                {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"organization create a municipality":           {"anonymous": unauth, "admin of everything": allowed},
	"location create in the municipality":          {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"answer create in cluster A":                   {"anonymous": unauth, "editor of cluster A": allowed, "admin of cluster A": allowed, "admin of municipality": allowed, "admin of everything": allowed},
	"answer update in cluster B":                   {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"callback request file one":                    {"anonymous": unauth, "editor of cluster A": allowed, "editor of afdeling A1": allowed, "admin of cluster A": allowed, "admin of municipality": allowed, "admin of everything": allowed},
	"callback request update in cluster B's queue": {"anonymous": unauth, "editor of cluster A": hidden, "editor of afdeling A1": hidden, "admin of cluster A": hidden, "admin of municipality": allowed, "admin of everything": allowed},
	"test with residents create in afdeling A1":    {"anonymous": unauth, "editor of cluster A": allowed, "editor of afdeling A1": allowed, "admin of cluster A": allowed, "admin of municipality": allowed, "admin of everything": allowed},
	"test with residents create in cluster B":      {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"test with residents update in cluster B":      {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"test with residents delete in cluster B":      {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"test with residents of a draft of cluster B":  {"anonymous": unauth, "editor of cluster A": hidden, "editor of afdeling A1": hidden, "admin of cluster A": hidden, "admin of municipality": allowed, "admin of everything": allowed},
	"UPL name create":                              {"anonymous": unauth, "admin of everything": allowed},
	// Webhooks: admins of the municipality only; editors and an admin of a
	// cluster do not see them (a read is refused, not emptied: the API
	// says why).
	"webhook subscription create for the municipality":    {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"webhook subscription update one of the municipality": {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"webhook subscription delete one of the municipality": {"anonymous": unauth, "admin of municipality": allowed, "admin of everything": allowed},
	"webhook subscription read those of the municipality": {"anonymous": unauth, "admin of cluster A": hidden, "admin of municipality": allowed, "admin of everything": allowed},
	"webhook delivery create":                             {"anonymous": denied},
	"webhook delivery read those of the municipality":     {"anonymous": unauth, "admin of cluster A": hidden, "admin of municipality": allowed, "admin of everything": allowed},
}

// decision reads what the rules decided from the error of an operation.
func decision(err error) (string, error) {
	var d *auth.Denial
	switch {
	case err == nil:
		return allowed, nil
	case errors.Is(err, auth.ErrUnauthenticated):
		return unauth, nil
	case errors.As(err, &d), errors.Is(err, privacy.Deny):
		return denied, nil
	case ent.IsNotFound(err):
		return hidden, nil
	}
	return "", err
}

// TestPrivacyRules runs every operation as every viewer, each in a
// transaction that is thrown away, and holds the decisions to the table.
func TestPrivacyRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db.Client)
		vs := viewers(w)
		for _, op := range operations() {
			name := op.entity + " " + op.op
			row, ok := expected[name]
			if !ok {
				t.Errorf("%s: not in the table", name)
				continue
			}
			for who, v := range vs {
				want := row[who]
				if want == "" {
					want = denied
				}
				ctx := changelog.WithActor(context.Background(), changelog.Actor{Name: "anonymous"})
				if v != nil {
					ctx = auth.NewContext(context.Background(), v)
				}
				err := txn.Run(ctx, db.Client, func(tx *ent.Client) error {
					if err := op.do(ctx, tx, w); err != nil {
						return err
					}
					return txn.Discard // the table asks each question of the same catalogue
				})
				got, unexpected := decision(err)
				if unexpected != nil && want == beyond {
					continue
				}
				if unexpected != nil {
					t.Errorf("%s as %s: %v (not a privacy decision)", name, who, unexpected)
					continue
				}
				if got != want {
					t.Errorf("%s as %s: %s, want %s (%v)", name, who, got, want, err)
				}
			}
		}
	})
}

// TestVisibility holds what each viewer sees of products and channels to
// the rules: published products for everyone, drafts within the scope,
// inactive channels for admins.
func TestVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db.Client)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Channel.UpdateOne(w.Balie).SetActive(false).Exec(ctx)
		})
		for who, want := range map[string]string{
			"anonymous":             "products [ander eigen], channels [website]",
			"editor of cluster A":   "products [ander eigen], channels [website]",
			"admin of cluster A":    "products [ander eigen], channels [balie website]",
			"admin of municipality": "products [ander concept eigen], channels [balie website]",
			"admin of everything":   "products [ander concept eigen], channels [balie website]",
		} {
			ctx := context.Background()
			if v := viewers(w)[who]; v != nil {
				ctx = auth.NewContext(ctx, v)
			}
			products, err := db.Client.Product.Query().Order(ent.Asc(product.FieldSlug)).Select(product.FieldSlug).Strings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			channels, err := db.Client.Channel.Query().Order(ent.Asc("code")).Select("code").Strings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("products %v, channels %v", products, channels); got != want {
				t.Errorf("%s sees %s, want %s", who, got, want)
			}
		}
	})
}

func TestMain(m *testing.M) { storetest.Main(m) }

// residentTest is a test with residents of the product, held a week ago.
func residentTest(tx *ent.Client, p *ent.Product) *ent.ResidentTestCreate {
	return tx.ResidentTest.Create().SetProductID(p.ID).SetTestedOn(time.Now().AddDate(0, 0, -7)).
		SetMethod(residenttest.MethodINTERVIEW).SetParticipants(6)
}
