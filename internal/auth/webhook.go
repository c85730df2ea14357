package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/ent/webhookdelivery"
	"github.com/gemeente-rotterdam/catalogus/ent/webhooksubscription"
)

// Webhook subscriptions carry a secret and a website's address: they are
// for admins only, each seeing and changing the subscriptions of the
// municipalities in its scope. Their deliveries are read by the same admins
// and written by the catalogue itself only (the change log's outbox, the
// dispatcher, a redelivery an admin asked for: all in Allow contexts).

// webhookAdmin is the viewer who may read subscriptions: an admin.
func webhookAdmin(ctx context.Context) (*Viewer, error) {
	v := FromContext(ctx)
	if v == nil {
		return nil, ErrUnauthenticated
	}
	if v.Role != Admin {
		return nil, deny("webhook subscriptions are for admins")
	}
	return v, nil
}

// WebhookSubscriptionPolicy: an admin reads and changes the subscriptions
// of the municipalities within its scope; nobody else sees them.
func WebhookSubscriptionPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.WebhookSubscriptionQueryRuleFunc(func(ctx context.Context, q *gen.WebhookSubscriptionQuery) error {
				v, err := webhookAdmin(ctx)
				if err != nil {
					return err
				}
				if !v.Unlimited() {
					q.Where(webhooksubscription.MunicipalityIDIn(v.Scope...))
				}
				return privacy.Skip
			}),
		},
		Mutation: privacy.MutationPolicy{
			mutationRule(admin, func(ctx context.Context, v *Viewer, m *gen.WebhookSubscriptionMutation) error {
				var mid *int
				switch {
				case m.Op().Is(ent.OpCreate):
					if n, ok := m.MunicipalityID(); ok {
						mid = &n
					}
				default:
					id, err := storedID(m, "webhook subscriptions")
					if err != nil {
						return err
					}
					// The stored municipality must be in scope, and a new one too.
					old, err := m.Client().WebhookSubscription.Get(Allow(ctx), id)
					if err != nil {
						return err
					}
					if !v.Reaches(old.MunicipalityID) {
						return deny("this subscription is for a municipality outside %s's organization", v.Name)
					}
					mid = &old.MunicipalityID
					if n, ok := m.MunicipalityID(); ok {
						mid = &n
					}
				}
				if mid == nil || !v.Reaches(*mid) {
					return deny("this subscription is for a municipality outside %s's organization", v.Name)
				}
				return nil
			}),
			privacy.AlwaysDenyRule(),
		},
	}
}

// WebhookDeliveryPolicy: read by the admins who see the subscription;
// written only by the catalogue itself.
func WebhookDeliveryPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.WebhookDeliveryQueryRuleFunc(func(ctx context.Context, q *gen.WebhookDeliveryQuery) error {
				v, err := webhookAdmin(ctx)
				if err != nil {
					return err
				}
				if !v.Unlimited() {
					q.Where(webhookdelivery.HasSubscriptionWith(webhooksubscription.MunicipalityIDIn(v.Scope...)))
				}
				return privacy.Skip
			}),
		},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}
