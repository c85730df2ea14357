package graph_test

import (
	"context"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/internal/webhook"
)

// TestWebhookSubscriptionsThroughTheAPI: an admin subscribes a URL on the
// allow-list (kinds left out: all), sees its deliveries after a change, and
// deletes it; the secret has no field; a URL off the list, another scheme
// or a short secret is refused with its field and changes nothing; an
// editor may neither create nor list.
func TestWebhookSubscriptionsThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		p := k.Product(t, db.Client, "paspoort", k.ClusterA)
		r := graph.NewResolver(db, "")
		var err error
		if r.Webhooks.Allow, err = webhook.ParseAllowList("hooks.example.org", ""); err != nil {
			t.Fatal(err)
		}
		admin := auth.NewContext(context.Background(), &auth.Viewer{Name: "admin", Role: auth.Admin})
		editor := auth.NewContext(context.Background(), &auth.Viewer{Name: "editor", Role: auth.Editor,
			OrganizationID: &k.ClusterA.ID, Scope: []int{k.ClusterA.ID, k.DepartmentA1.ID}})
		create := `mutation($u: String!, $s: String!) { createWebhookSubscription(input: {url: $u, secret: $s, municipality: "testgemeente"}) { id url kinds active municipality { code } } }`
		for _, bad := range []struct{ url, secret, field string }{
			{"https://elders.example.org/hook", "een-geheim-van-minstens-16", "url"},
			{"ftp://hooks.example.org/hook", "een-geheim-van-minstens-16", "url"},
			{"https://hooks.example.org/hook", "kort", "secret"},
		} {
			if errs := runAs(t, admin, r, create, map[string]any{"u": bad.url, "s": bad.secret}, nil); len(errs) == 0 || errs[0].Extensions["field"] != bad.field {
				t.Errorf("%s with secret %q: %+v, want an error naming %s", bad.url, bad.secret, errs, bad.field)
			}
		}
		vars := map[string]any{"u": "https://hooks.example.org/hook", "s": "een-geheim-van-minstens-16"}
		if errs := runAs(t, editor, r, create, vars, nil); len(errs) == 0 {
			t.Error("an editor subscribed")
		}
		if n, _ := db.Client.WebhookSubscription.Query().Count(auth.Allow(context.Background())); n != 0 {
			t.Fatalf("refused subscriptions left %d behind", n)
		}
		var made struct {
			CreateWebhookSubscription struct {
				ID, URL      string
				Kinds        []string
				Active       bool
				Municipality struct{ Code string }
			}
		}
		if errs := runAs(t, admin, r, create, vars, &made); len(errs) > 0 {
			t.Fatal(errs)
		}
		if s := made.CreateWebhookSubscription; s.ID == "" || !s.Active || len(s.Kinds) != 0 || s.Municipality.Code != "testgemeente" {
			t.Errorf("created %+v", s)
		}
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Availability.Create().SetProduct(p).SetChannel(k.Website).SetStatus(availability.StatusAVAILABLE).Exec(ctx)
		})
		list := `{ webhookSubscriptions { id url deliveries(first: 10) { idempotencyKey kind slug state attempts } } }`
		var listed struct {
			WebhookSubscriptions []struct {
				ID         string
				Deliveries []struct{ IdempotencyKey, Kind, Slug, State string }
			}
		}
		if errs := runAs(t, admin, r, list, nil, &listed); len(errs) > 0 {
			t.Fatal(errs)
		}
		if len(listed.WebhookSubscriptions) != 1 || len(listed.WebhookSubscriptions[0].Deliveries) != 1 ||
			listed.WebhookSubscriptions[0].Deliveries[0].Kind != "AVAILABILITY_CHANGED" || listed.WebhookSubscriptions[0].Deliveries[0].State != "PENDING" {
			t.Errorf("listed %+v", listed)
		}
		if errs := runAs(t, editor, r, list, nil, nil); len(errs) == 0 {
			t.Error("an editor listed the subscriptions")
		}
		if errs := runAs(t, admin, r, `{ webhookSubscriptions { secret } }`, nil, nil); len(errs) == 0 {
			t.Error("the secret has a field")
		}
		var deleted struct{ DeleteWebhookSubscription string }
		if errs := runAs(t, admin, r, `mutation($id: ID!) { deleteWebhookSubscription(id: $id) }`,
			map[string]any{"id": made.CreateWebhookSubscription.ID}, &deleted); len(errs) > 0 || deleted.DeleteWebhookSubscription != made.CreateWebhookSubscription.ID {
			t.Errorf("delete: %+v %v", deleted, errs)
		}
		if n, _ := db.Client.WebhookDelivery.Query().Count(auth.Allow(context.Background())); n != 0 {
			t.Errorf("%d deliveries outlived their subscription", n)
		}
	})
}
