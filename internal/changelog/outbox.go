package changelog

import (
	"context"
	"fmt"
	"slices"
	"time"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/ent/webhooksubscription"
	"github.com/gemeente-rotterdam/catalogus/internal/feed/publicview"
)

// The webhook outbox: when a transaction that logged changes commits, each
// change the public can see (as the feed tells it: publicview) is queued
// for every active subscription of its municipality that asked for its
// kind, as a webhook_deliveries row written in the same transaction, just
// before the COMMIT. A rolled-back write queues nothing; a committed one
// cannot lose its notification. internal/webhook's dispatcher sends them.
//
// History written at pinned moments (the seed, a restore, changelog.Import)
// queues nothing: that is the past being written down, not news.

// keepForOutbox notes an event the transaction logged, for the outbox.
func keepForOutbox(tx *gen.Tx, e *gen.ChangeEvent) {
	switch e.Entity {
	case changeevent.EntityPRODUCT, changeevent.EntityAVAILABILITY, changeevent.EntityCHANNEL:
	default:
		return // not part of the published view
	}
	s := state(tx)
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
}

// OutboxPayload is what an outbox row says about its change: the feed's
// words, plus the municipality's code and the status after the change. The
// dispatcher renders the Notificaties body from it.
type OutboxPayload struct {
	Kind         publicview.Kind `json:"kind"`
	Slug         *string         `json:"slug,omitempty"`
	PreviousSlug *string         `json:"previousSlug,omitempty"`
	Version      *int            `json:"version,omitempty"`
	Channel      *string         `json:"channel,omitempty"`
	Municipality string          `json:"municipality"`
	Status       string          `json:"status,omitempty"`
	At           time.Time       `json:"at"`
}

// Map is the payload as the delivery row's JSON column holds it.
func (p OutboxPayload) Map() map[string]any {
	m := map[string]any{"kind": string(p.Kind), "municipality": p.Municipality, "at": p.At.UTC().Format(time.RFC3339Nano)}
	if p.Slug != nil {
		m["slug"] = *p.Slug
	}
	if p.PreviousSlug != nil {
		m["previousSlug"] = *p.PreviousSlug
	}
	if p.Version != nil {
		m["version"] = *p.Version
	}
	if p.Channel != nil {
		m["channel"] = *p.Channel
	}
	if p.Status != "" {
		m["status"] = p.Status
	}
	return m
}

// IdempotencyKey is the key of the notification of event to subscription:
// the same on every attempt and every redelivery.
func IdempotencyKey(subscription, event int) string {
	return fmt.Sprintf("catalogus-%d-%d", subscription, event)
}

// outboxSignal wakes a dispatcher of this process when a commit queued
// notifications, so that it need not wait for its next poll. A dispatcher in
// another process finds them by polling.
var outboxSignal = make(chan struct{}, 1)

// OutboxSignal receives after a commit of this process queued notifications
// (at most one pending signal, however many commits).
func OutboxSignal() <-chan struct{} { return outboxSignal }

func signalOutbox() {
	select {
	case outboxSignal <- struct{}{}:
	default:
	}
}

// writeOutbox queues the public changes among the transaction's events,
// and reports whether it queued any. It costs one query when no
// subscription is active.
func writeOutbox(ctx context.Context, tx *gen.Tx, evs []*gen.ChangeEvent) (bool, error) {
	if len(evs) == 0 {
		return false, nil
	}
	// On the public's behalf, whoever made the change.
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	c := tx.Client()
	subs, err := c.WebhookSubscription.Query().Where(webhooksubscription.Active(true)).
		Order(gen.Asc(webhooksubscription.FieldID)).All(ctx)
	if err != nil || len(subs) == 0 {
		return false, err
	}
	active, err := c.Channel.Query().Where(channel.Active(true)).IDs(ctx)
	if err != nil {
		return false, err
	}
	vis := map[int]bool{}
	for _, id := range active {
		vis[id] = true
	}
	slices.SortFunc(evs, func(a, b *gen.ChangeEvent) int { return a.ID - b.ID })
	changes, err := publicview.Interpret(ctx, c, evs, vis)
	if err != nil || len(changes) == 0 {
		return false, err
	}
	byID := map[int]*gen.ChangeEvent{}
	for _, e := range evs {
		byID[e.ID] = e
	}
	var mids []int
	for _, s := range subs {
		mids = append(mids, s.MunicipalityID)
	}
	orgs, err := c.Organization.Query().Where(organization.IDIn(mids...)).All(ctx)
	if err != nil {
		return false, err
	}
	code := map[int]string{}
	for _, o := range orgs {
		code[o.ID] = o.Code
	}
	now := ClientNow(ctx, c)
	var rows []*gen.WebhookDeliveryCreate
	for _, ch := range changes {
		e := byID[ch.ID]
		for _, s := range subs {
			if e.Entity != changeevent.EntityCHANNEL && (e.MunicipalityID == nil || *e.MunicipalityID != s.MunicipalityID) {
				continue
			}
			if len(s.Kinds) > 0 && !slices.Contains(s.Kinds, string(ch.Kind)) {
				continue
			}
			p := OutboxPayload{Kind: ch.Kind, Slug: ch.Slug, PreviousSlug: ch.PreviousSlug, Version: ch.Version,
				Channel: ch.Channel, Municipality: code[s.MunicipalityID], At: ch.At}
			if e.State != nil {
				p.Status = *e.State
			} else if e.Action == changeevent.ActionDELETE {
				p.Status = "DELETED"
			}
			rows = append(rows, c.WebhookDelivery.Create().SetSubscriptionID(s.ID).SetEventID(e.ID).
				SetIdempotencyKey(IdempotencyKey(s.ID, e.ID)).SetPayload(p.Map()).
				SetNextAttemptAt(now).SetCreatedAt(now))
		}
	}
	// In batches: a spreadsheet import can queue thousands at once, and
	// PostgreSQL takes at most 65,535 parameters in one statement.
	queued := len(rows) > 0
	for len(rows) > 0 {
		n := min(len(rows), 500)
		if err := c.WebhookDelivery.CreateBulk(rows[:n]...).Exec(ctx); err != nil {
			return false, fmt.Errorf("changelog: queueing webhook notifications: %w", err)
		}
		rows = rows[n:]
	}
	return queued, nil
}
