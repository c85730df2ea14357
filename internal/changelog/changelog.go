// Package changelog records every change to the catalogue as an immutable,
// typed event, in the same transaction as the change itself.
//
// The Ent schema installs Hook on every logged type (products, availability,
// channels, organizations, locations, targets), so no API, command or import
// can change those records without leaving a trace. The hook
//   - refuses writes outside a transaction and writes without an actor;
//   - refuses bulk updates and deletes, which would change rows unseen;
//   - compares old and new values and records only what really changed: a
//     write that changes nothing writes nothing and records nothing;
//   - sets created_at/updated_at from the client's clock and bumps a product's
//     version on every change to it or to its availability.
//
// The one other writer of events is the history importer (Import), which
// replays past changes through this same hook with the clock pinned to each
// change's own moment.
package changelog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent"
	"github.com/99designs/gqlgen/graphql"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/changeevent"
)

// Actor is who makes a change: a person, an API token, or a system job.
type Actor struct {
	// Name identifies the actor in the log, e.g. "token:website" or "system:seed".
	Name string
	// OrganizationID is the organization the actor acts for, if any. The public
	// history shows the organization instead of the person.
	OrganizationID *int
}

// System returns the actor for an automated job of the catalogue itself.
func System(job string) Actor { return Actor{Name: "system:" + job} }

type actorKey struct{}

// WithActor returns a context whose writes are attributed to a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx, if one was set.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok && a.Name != ""
}

// ErrNoActor is returned for a write whose context names no actor.
var ErrNoActor = errors.New("changelog: every change must say who makes it; the context has no actor")

// recordedAtKey pins the recorded time; only the history importer sets it.
type recordedAtKey struct{}

// appendKey marks the context in which this package writes events; the
// ChangeEvent schema refuses creates without it (see AppendOnly).
type appendKey struct{}

// mutation is what every generated mutation of a logged type offers.
type mutation interface {
	ent.Mutation
	ID() (int, bool)
	Client() *gen.Client
	Tx() (*gen.Tx, error)
}

// Now returns the moment a write in ctx is recorded at: the importer's pinned
// time, else the client's clock, else the system clock. Times are kept in UTC
// at microsecond precision, which both databases store exactly.
func Now(ctx context.Context, m ent.Mutation) time.Time {
	var c *gen.Client
	if mu, ok := m.(mutation); ok {
		c = mu.Client()
	}
	return ClientNow(ctx, c)
}

// ClientNow is Now for writes through the client c (which may be nil).
func ClientNow(ctx context.Context, c *gen.Client) time.Time {
	if t, ok := ctx.Value(recordedAtKey{}).(time.Time); ok {
		return t.UTC().Truncate(time.Microsecond)
	}
	if c != nil && c.Clock != nil {
		return c.Clock.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

// Hook returns the change-log hook for a logged type.
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			w, err := newWrite(ctx, m)
			if err != nil {
				return nil, err
			}
			switch {
			case m.Op().Is(ent.OpCreate):
				return w.create(next)
			case m.Op().Is(ent.OpUpdateOne):
				return w.update(next)
			case m.Op().Is(ent.OpDeleteOne):
				return w.delete(next)
			default:
				return nil, fmt.Errorf("changelog: %s of %s records at once is not allowed; change one record at a time so that every change is logged",
					opName(m.Op()), strings.ToLower(m.Type()))
			}
		})
	}
}

// AppendOnly is the ChangeEvent hook: events are only ever added, and only by
// this package.
func AppendOnly() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if !m.Op().Is(ent.OpCreate) {
				return nil, errors.New("changelog: change events are immutable; they cannot be updated or deleted")
			}
			if ctx.Value(appendKey{}) == nil {
				return nil, errors.New("changelog: change events are written by the change log itself, not directly")
			}
			return next.Mutate(ctx, m)
		})
	}
}

// write is one mutation of a logged record on its way to the database.
type write struct {
	ctx    context.Context
	m      mutation
	tx     *gen.Tx
	spec   entitySpec
	actor  Actor
	at     time.Time
	client *gen.Client // bound to the transaction
}

func newWrite(ctx context.Context, m ent.Mutation) (*write, error) {
	mu, ok := m.(mutation)
	if !ok {
		return nil, fmt.Errorf("changelog: unsupported mutation %T", m)
	}
	spec, ok := entities[m.Type()]
	if !ok {
		return nil, fmt.Errorf("changelog: %s is not a logged type", m.Type())
	}
	tx, err := mu.Tx()
	if err != nil {
		return nil, fmt.Errorf("changelog: changes to %s must run in a transaction, so that the change and its log entry land together",
			strings.ToLower(m.Type()))
	}
	actor, ok := ActorFrom(ctx)
	if !ok {
		return nil, ErrNoActor
	}
	if err := checkEdges(m, spec); err != nil {
		return nil, err
	}
	return &write{ctx: ctx, m: mu, tx: tx, spec: spec, actor: actor, client: tx.Client()}, nil
}

// lockedNow takes the row lock that orders the change (see lock.go), then
// the moment it is recorded at.
func (w *write) lockedNow(id, productID int) error {
	if err := w.lockRecord(id, productID); err != nil {
		return err
	}
	w.at = Now(w.ctx, w.m)
	return nil
}

func (w *write) create(next ent.Mutator) (ent.Value, error) {
	// A new record has no row to wait for, but a new availability changes
	// its product (version, updated_at), whose lock orders that change.
	if w.spec.bumpsProduct {
		var productID int
		if am, ok := w.m.(*gen.AvailabilityMutation); ok {
			productID, _ = am.ProductID()
		}
		if productID != 0 {
			if err := w.lockedNow(0, productID); err != nil {
				return nil, err
			}
		}
	}
	if w.at.IsZero() {
		w.at = Now(w.ctx, w.m)
	}
	changes, err := Changes(w.ctx, w.m)
	if err != nil {
		return nil, err
	}
	if err := w.m.SetField("created_at", w.at); err != nil {
		return nil, err
	}
	if err := w.m.SetField("updated_at", w.at); err != nil {
		return nil, err
	}
	v, err := next.Mutate(w.ctx, w.m)
	if err != nil {
		return nil, err
	}
	id, _ := w.m.ID()
	return v, w.record(changeevent.ActionCREATE, id, v, changes)
}

func (w *write) update(next ent.Mutator) (ent.Value, error) {
	id, ok := w.m.ID()
	if !ok {
		return nil, fmt.Errorf("changelog: update of %s without an id", w.m.Type())
	}
	if err := w.lockedNow(id, 0); err != nil {
		return nil, err
	}
	was, err := freshOld(w.client, w.m.Type(), id)
	if err != nil {
		return nil, err
	}
	changes, err := changes(w.ctx, w.m, was)
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		if onlyBookkeeping(w.m) {
			// A version bump on its own (see bumpProduct): bookkeeping, not a change.
			return next.Mutate(w.ctx, w.m)
		}
		// Nothing changes: write nothing, record nothing, answer with the record as it is.
		return w.client.Noder(w.ctx, id)
	}
	if err := w.m.SetField("updated_at", w.at); err != nil {
		return nil, err
	}
	if w.spec.versioned {
		if _, set := w.m.AddedField("version"); !set {
			if err := w.m.AddField("version", 1); err != nil {
				return nil, err
			}
		}
	}
	v, err := next.Mutate(w.ctx, w.m)
	if err != nil {
		return nil, err
	}
	return v, w.record(changeevent.ActionUPDATE, id, v, changes)
}

func (w *write) delete(next ent.Mutator) (ent.Value, error) {
	if w.spec.noDelete != "" {
		return nil, errors.New("changelog: " + w.spec.noDelete)
	}
	id, ok := w.m.ID()
	if !ok {
		return nil, fmt.Errorf("changelog: delete of %s without an id", w.m.Type())
	}
	if err := w.lockedNow(id, 0); err != nil {
		return nil, err
	}
	// The whole record, whatever the API's caller selected: inside a GraphQL
	// field, Noder loads only the columns the field's selection names, and a
	// deleted record's log must hold all of them.
	old, err := w.client.Noder(noFieldSelection{w.ctx}, id)
	if err != nil {
		return nil, err
	}
	changes, err := w.deletedFields(old, id)
	if err != nil {
		return nil, err
	}
	v, err := next.Mutate(w.ctx, w.m)
	if err != nil {
		return nil, err
	}
	return v, w.record(changeevent.ActionDELETE, id, old, changes)
}

// record writes the event for one change of the record id, whose state after
// the change (before it, for a delete) is v.
func (w *write) record(action changeevent.Action, id int, v ent.Value, changes []FieldChange) error {
	// An availability's change raises its product's version; the same statement
	// tells the product's municipality, which the event records.
	var municipality *int
	if w.spec.bumpsProduct {
		a, ok := v.(*gen.Availability)
		if !ok {
			return fmt.Errorf("changelog: %w", unexpected(v))
		}
		mid, done := bumpedAlready(w.ctx, w.tx, a.ProductID)
		if !done {
			var err error
			if mid, err = bumpProduct(w.ctx, w.client, a.ProductID, w.at); err != nil {
				return err
			}
			markBumped(w.ctx, w.tx, a.ProductID, mid)
		}
		municipality = &mid
	}
	about, err := w.spec.describe(w.ctx, w.client, v, municipality)
	if err != nil {
		return fmt.Errorf("changelog: %w", err)
	}
	if action == changeevent.ActionDELETE {
		about.state, about.otherLanguage = nil, nil
	}
	ctx := context.WithValue(w.ctx, appendKey{}, true)
	ev, err := w.client.ChangeEvent.Create().
		SetEntity(w.spec.entity).
		SetEntityID(id).
		SetAction(action).
		SetNillableProductID(about.productID).
		SetNillableChannelID(about.channelID).
		SetNillableMunicipalityID(about.municipalityID).
		SetNillableState(about.state).
		SetNillableOtherLanguage(about.otherLanguage).
		SetChanges(changes).
		SetActor(w.actor.Name).
		SetNillableActorOrganizationID(w.actor.OrganizationID).
		SetRecordedAt(w.at).
		SetTxID(txKey(w.ctx, w.tx)).
		Save(ctx)
	if err != nil {
		return fmt.Errorf("changelog: recording the change: %w", err)
	}
	_, pinned := w.ctx.Value(recordedAtKey{}).(time.Time)
	if !pinned {
		keepForOutbox(w.tx, ev)
	}
	markLogged(w.tx, about.municipalityID, pinned, w.at)
	keepCoverage(w.tx, w.spec.entity, about)
	return nil
}

// bumpProduct raises the version of the product whose availability changed,
// once per write, so that an editor holding the old version gets a conflict
// instead of overwriting the change unseen; it returns the product's municipality.
func bumpProduct(ctx context.Context, c *gen.Client, productID int, at time.Time) (int, error) {
	rows, err := c.QueryContext(ctx,
		"UPDATE products SET version = version + 1, updated_at = $1 WHERE id = $2 RETURNING municipality_id", at, productID)
	if err != nil {
		return 0, fmt.Errorf("changelog: updating the version of product %d: %w", productID, err)
	}
	defer rows.Close()
	var mid int
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("changelog: product %d does not exist", productID)
	}
	if err := rows.Scan(&mid); err != nil {
		return 0, err
	}
	return mid, rows.Close()
}

func opName(op ent.Op) string {
	switch {
	case op.Is(ent.OpUpdate):
		return "an update"
	case op.Is(ent.OpDelete):
		return "a delete"
	}
	return op.String()
}

// noFieldSelection hides a GraphQL field context from what it reads the
// record with: no selection narrows the columns loaded.
type noFieldSelection struct{ context.Context }

func (c noFieldSelection) Value(key any) any {
	v := c.Context.Value(key)
	if _, ok := v.(*graphql.FieldContext); ok {
		return nil
	}
	return v
}
