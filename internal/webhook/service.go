package webhook

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/webhookdelivery"
	"github.com/gemeente-rotterdam/catalogus/ent/webhooksubscription"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/change"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/feed/publicview"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
)

// Service manages subscriptions and redeliveries for admins (the API) and
// operators (catalogus webhooks). Every change is one transaction with its
// line in the security log; the privacy rules (internal/auth/webhook.go)
// decide who may make it.
type Service struct {
	Client *ent.Client
	// Allow is the allow-list callback URLs are checked against.
	Allow *AllowList
}

// MaxSubscriptions is the most subscriptions one municipality may have:
// the cost model prices webhookSubscriptions by it, and every change is
// queued for each of them.
const MaxSubscriptions = 50

// MinSecret is the shortest secret accepted: a signature is only as good as
// its key.
const MinSecret = 16

// CreateInput is a new subscription. Kinds empty: every kind.
type CreateInput struct {
	URL, Secret  string
	Municipality *ent.Organization
	Kinds        []string
}

// UpdateInput changes the fields that are set.
type UpdateInput struct {
	URL, Secret *string
	// Kinds, when set, replaces the kinds (empty: every kind).
	Kinds  *[]string
	Active *bool
}

func fieldErr(field, code, format string, args ...any) error {
	return &catalog.FieldError{Entity: "webhookSubscription", Field: field, Code: code, Message: fmt.Sprintf(format, args...)}
}

func (s *Service) checkURL(u string) error {
	if err := s.Allow.Check(u); err != nil {
		return fieldErr("url", "not_allowed", "%v", err)
	}
	return nil
}

func checkSecret(secret string) error {
	if len(secret) < MinSecret {
		return fieldErr("secret", "too_short", "at least %d characters, so that signatures cannot be guessed", MinSecret)
	}
	if len(secret) > 200 {
		return fieldErr("secret", "too_long", "at most 200 characters")
	}
	return nil
}

func checkKinds(kinds []string) ([]string, error) {
	var out []string
	for _, k := range kinds {
		if !slices.Contains(publicview.Kinds, publicview.Kind(k)) {
			return nil, fieldErr("kinds", "unknown", "%q is not a change kind (one of %v)", k, publicview.Kinds)
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out, nil
}

func actor(ctx context.Context) string {
	if v := auth.FromContext(ctx); v != nil {
		return v.Name
	}
	if a, ok := changelog.ActorFrom(ctx); ok {
		return a.Name
	}
	return "unknown"
}

// Create adds a subscription; the privacy rules want an admin of its municipality.
func (s *Service) Create(ctx context.Context, in CreateInput) (*ent.WebhookSubscription, error) {
	if err := s.checkURL(in.URL); err != nil {
		return nil, err
	}
	if err := checkSecret(in.Secret); err != nil {
		return nil, err
	}
	kinds, err := checkKinds(in.Kinds)
	if err != nil {
		return nil, err
	}
	var id int
	err = change.Run(ctx, s.Client, func(ctx context.Context, tx *ent.Client) error {
		n, err := tx.WebhookSubscription.Query().Where(webhooksubscription.MunicipalityID(in.Municipality.ID)).Count(auth.Allow(ctx))
		if err != nil {
			return err
		}
		if n >= MaxSubscriptions {
			return fieldErr("municipality", "too_many", "%s has %d webhook subscriptions already, the most there may be", in.Municipality.Code, n)
		}
		now := changelog.ClientNow(ctx, tx)
		sub, err := tx.WebhookSubscription.Create().SetURL(in.URL).SetSecret(in.Secret).SetMunicipalityID(in.Municipality.ID).
			SetKinds(kinds).SetCreatedBy(actor(ctx)).SetCreatedAt(now).SetUpdatedAt(now).Save(ctx)
		if err != nil {
			return err
		}
		id = sub.ID
		return auth.Record(ctx, tx, auth.AdminAction, actor(ctx), "", fmt.Sprintf("webhook subscription %d created for %s: %s", sub.ID, in.Municipality.Code, in.URL))
	})
	if err != nil {
		return nil, err
	}
	return change.Reread(ctx, id, s.Client.WebhookSubscription.Get)
}

// Update changes a subscription.
func (s *Service) Update(ctx context.Context, id int, in UpdateInput) (*ent.WebhookSubscription, error) {
	if in.URL != nil {
		if err := s.checkURL(*in.URL); err != nil {
			return nil, err
		}
	}
	if in.Secret != nil {
		if err := checkSecret(*in.Secret); err != nil {
			return nil, err
		}
	}
	var kinds []string
	if in.Kinds != nil {
		var err error
		if kinds, err = checkKinds(*in.Kinds); err != nil {
			return nil, err
		}
	}
	err := change.Run(ctx, s.Client, func(ctx context.Context, tx *ent.Client) error {
		// Read as the caller: a subscription it may not see is not found.
		if _, err := tx.WebhookSubscription.Get(ctx, id); err != nil {
			return notFound(err, id)
		}
		u := tx.WebhookSubscription.UpdateOneID(id).SetUpdatedAt(changelog.ClientNow(ctx, tx))
		var what []string
		if in.URL != nil {
			u.SetURL(*in.URL)
			what = append(what, "url "+*in.URL)
		}
		if in.Secret != nil {
			u.SetSecret(*in.Secret)
			what = append(what, "secret")
		}
		if in.Kinds != nil {
			u.SetKinds(kinds)
			what = append(what, fmt.Sprintf("kinds %v", kinds))
		}
		if in.Active != nil {
			u.SetActive(*in.Active)
			what = append(what, fmt.Sprintf("active %v", *in.Active))
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
		return auth.Record(ctx, tx, auth.AdminAction, actor(ctx), "", fmt.Sprintf("webhook subscription %d changed: %s", id, strings.Join(what, ", ")))
	})
	if err != nil {
		return nil, err
	}
	return change.Reread(ctx, id, s.Client.WebhookSubscription.Get)
}

// Delete removes a subscription with its deliveries (pending ones are not sent).
func (s *Service) Delete(ctx context.Context, id int) error {
	return change.Run(ctx, s.Client, func(ctx context.Context, tx *ent.Client) error {
		sub, err := tx.WebhookSubscription.Get(ctx, id)
		if err != nil {
			return notFound(err, id)
		}
		// The deliveries are the catalogue's own rows; the subscription's
		// delete (checked by its policy) takes them along.
		if _, err := tx.WebhookDelivery.Delete().Where(webhookdelivery.SubscriptionID(id)).Exec(auth.Allow(ctx)); err != nil {
			return err
		}
		if err := tx.WebhookSubscription.DeleteOneID(id).Exec(ctx); err != nil {
			return err
		}
		return auth.Record(ctx, tx, auth.AdminAction, actor(ctx), "", fmt.Sprintf("webhook subscription %d deleted: %s", id, sub.URL))
	})
}

// Redeliver queues a delivered or dead delivery again, now, with its
// attempts counted from zero (a new full retry schedule) and its
// idempotency key unchanged.
func (s *Service) Redeliver(ctx context.Context, id int) (*ent.WebhookDelivery, error) {
	err := change.Run(ctx, s.Client, func(ctx context.Context, tx *ent.Client) error {
		d, err := tx.WebhookDelivery.Get(ctx, id)
		if err != nil {
			if ent.IsNotFound(err) {
				return &catalog.NotFoundError{Field: "id", Message: fmt.Sprintf("id: there is no webhook delivery %d you may see", id)}
			}
			return err
		}
		if d.State == webhookdelivery.StatePENDING {
			return &catalog.FieldError{Entity: "webhookDelivery", Field: "id", Code: "pending",
				Message: fmt.Sprintf("delivery %d is still pending; it is sent without being asked", id)}
		}
		err = tx.WebhookDelivery.UpdateOneID(id).SetState(webhookdelivery.StatePENDING).SetAttempts(0).
			SetNextAttemptAt(changelog.ClientNow(ctx, tx)).ClearLeaseUntil().SetLeaseToken("").Exec(auth.Allow(ctx))
		if err != nil {
			return err
		}
		return auth.Record(ctx, tx, auth.AdminAction, actor(ctx), "", fmt.Sprintf("webhook delivery %d (%s) queued again", id, d.IdempotencyKey))
	})
	if err != nil {
		return nil, err
	}
	return change.Reread(ctx, id, s.Client.WebhookDelivery.Get)
}

// Subscriptions lists the subscriptions the caller may see, oldest first.
func (s *Service) Subscriptions(ctx context.Context, municipality *ent.Organization) ([]*ent.WebhookSubscription, error) {
	q := s.Client.WebhookSubscription.Query().Order(ent.Asc(webhooksubscription.FieldID))
	if municipality != nil {
		q = q.Where(webhooksubscription.MunicipalityID(municipality.ID))
	}
	return q.All(ctx)
}

// Deliveries lists a subscription's deliveries, newest first, in one state
// or all; subscription 0: every subscription's.
func (s *Service) Deliveries(ctx context.Context, subscription int, state *webhookdelivery.State, limit int) ([]*ent.WebhookDelivery, error) {
	q := s.Client.WebhookDelivery.Query().Order(ent.Desc(webhookdelivery.FieldID)).Limit(limit)
	if subscription != 0 {
		q = q.Where(webhookdelivery.SubscriptionID(subscription))
	}
	if state != nil {
		q = q.Where(webhookdelivery.StateEQ(*state))
	}
	return q.All(ctx)
}

func notFound(err error, id int) error {
	if ent.IsNotFound(err) {
		return &catalog.NotFoundError{Field: "id", Message: fmt.Sprintf("id: there is no webhook subscription %d you may see", id)}
	}
	return err
}

// Municipality finds a municipality by code ("" : the only one).
func Municipality(ctx context.Context, c *ent.Client, code string) (*ent.Organization, error) {
	return orgtree.Municipality(ctx, c, code)
}
