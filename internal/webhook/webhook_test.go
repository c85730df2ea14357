package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/webhookdelivery"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/clock"
	"github.com/gemeente-rotterdam/catalogus/internal/feed"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
	"github.com/gemeente-rotterdam/catalogus/internal/webhook"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

const secret = "een-geheim-van-minstens-16"

// received is one POST as the receiver saw it.
type received struct {
	body                      []byte
	key, signature, timestamp string
	note                      webhook.Notification
}

// receiver is a real HTTP server on loopback that records what it is sent;
// down, it answers 503.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []received
	down bool
}

func newReceiver(t testing.TB) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.down {
			http.Error(w, "even weg", http.StatusServiceUnavailable)
			return
		}
		rc := received{body: body, key: req.Header.Get(webhook.HeaderIdempotency),
			signature: req.Header.Get(webhook.HeaderSignature), timestamp: req.Header.Get(webhook.HeaderTimestamp)}
		if err := json.Unmarshal(body, &rc.note); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.got = append(r.got, rc)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) setDown(down bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// world is a small catalogue with a subscription to a loopback receiver.
type world struct {
	*fixture.Catalogue
	db       *store.DB
	clk      *clock.Manual
	service  *webhook.Service
	rcv      *receiver
	sub      *ent.WebhookSubscription
	products []*ent.Product
	cells    []*ent.Availability
}

func admin(ctx context.Context) context.Context {
	return auth.NewContext(ctx, &auth.Viewer{Name: "admin", Role: auth.Admin})
}

func allowLoopback(t testing.TB) *webhook.AllowList {
	a, err := webhook.ParseAllowList("127.0.0.1", "")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// build writes the catalogue (two published products with a website cell
// each) before the subscription, so that only the changes after it are sent.
func build(t testing.TB, db *store.DB, clk *clock.Manual, kinds ...string) *world {
	w := &world{Catalogue: fixture.New(t, db.Client), db: db, clk: clk, rcv: newReceiver(t)}
	w.service = &webhook.Service{Client: db.Client, Allow: allowLoopback(t)}
	for _, slug := range []string{"paspoort", "rijbewijs"} {
		p := w.Product(t, db.Client, slug, w.DepartmentA1)
		w.products = append(w.products, p)
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			a, err := tx.Availability.Create().SetProduct(p).SetChannel(w.Website).SetStatus(availability.StatusAVAILABLE).Save(ctx)
			w.cells = append(w.cells, a)
			return err
		})
	}
	var err error
	w.sub, err = w.service.Create(admin(context.Background()), webhook.CreateInput{URL: w.rcv.URL + "/hook", Secret: secret,
		Municipality: w.Municipality, Kinds: kinds})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) dispatcher() *webhook.Dispatcher {
	return &webhook.Dispatcher{DB: w.db.SQL, Dialect: w.db.Target.Dialect, SiteURL: "https://www.example.org/",
		Allow: w.service.Allow, Clock: w.clk, Retry: webhook.Retry{Base: time.Minute, Max: time.Hour, For: 24 * time.Hour}}
}

// edit changes a cell's instructions in a transaction of its own.
func (w *world) edit(t testing.TB, cell int, text string) {
	t.Helper()
	w.clk.Advance(time.Second)
	fixture.Tx(t, w.db.Client, func(ctx context.Context, tx *ent.Client) error {
		return tx.Availability.UpdateOneID(w.cells[cell].ID).SetInstructions(text).Exec(ctx)
	})
}

// drain runs the dispatcher until nothing is due.
func drain(t testing.TB, d *webhook.Dispatcher) {
	t.Helper()
	for range 100 {
		n, err := d.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the dispatcher keeps finding deliveries")
}

func (w *world) deliveries(t testing.TB) []*ent.WebhookDelivery {
	t.Helper()
	ds, err := w.db.Client.WebhookDelivery.Query().Order(ent.Asc(webhookdelivery.FieldID)).All(auth.Allow(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestEveryCommittedChangeOnceInOrder: each committed change reaches the
// receiver once, in commit order, signed, in the Notificaties shape, saying
// what the feed says; a rolled-back write sends nothing.
func TestEveryCommittedChangeOnceInOrder(t *testing.T) {
	clk := clock.NewManual(t0)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db, clk)
		w.edit(t, 0, "stap 1")
		w.edit(t, 1, "stap 1")
		// Rolled back: written, logged, queued, then undone.
		err := fixture.Try(db.Client, func(ctx context.Context, tx *ent.Client) error {
			if err := tx.Availability.UpdateOneID(w.cells[0].ID).SetInstructions("nooit").Exec(ctx); err != nil {
				return err
			}
			return errors.New("teruggedraaid")
		})
		if err == nil {
			t.Fatal("the write was not rolled back")
		}
		w.edit(t, 0, "stap 2")
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Product.UpdateOneID(w.products[1].ID).SetStatus("RETIRED").Exec(ctx)
		})
		// A change the public does not see: a draft's.
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return fixture.ProductCreate(tx, "concept", w.ClusterB).SetStatus("DRAFT").Exec(ctx)
		})
		d := w.dispatcher()
		drain(t, d)
		drain(t, d) // nothing more: delivered ones are not sent again

		got := w.rcv.all()
		var summary []string
		keys := map[string]bool{}
		for _, r := range got {
			if keys[r.key] {
				t.Errorf("key %s delivered twice", r.key)
			}
			keys[r.key] = true
			if err := webhook.Verify(secret, r.signature, r.timestamp, r.body, clk.Now()); err != nil {
				t.Errorf("%s: %v", r.key, err)
			}
			n := r.note
			if n.Kanaal != "producten" || n.Resource != "product" || n.ResourceURL != n.HoofdObject || n.Kenmerken["municipality"] != "testgemeente" {
				t.Errorf("not in the Notificaties shape: %s", r.body)
			}
			summary = append(summary, fmt.Sprintf("%s %s %s %s v%s", n.Actie, n.Kenmerken["kind"], n.HoofdObject, n.Kenmerken["status"], n.Kenmerken["version"]))
		}
		want := []string{
			"update AVAILABILITY_CHANGED https://www.example.org/paspoort AVAILABLE v3",
			"update AVAILABILITY_CHANGED https://www.example.org/rijbewijs AVAILABLE v3",
			"update AVAILABILITY_CHANGED https://www.example.org/paspoort AVAILABLE v4",
			"destroy PRODUCT_RETIRED https://www.example.org/rijbewijs RETIRED v",
		}
		if !slices.Equal(summary, want) {
			t.Errorf("received\n%q\nwant\n%q", summary, want)
		}
		// The same changes, in the same words, as the public feed has them.
		// On PostgreSQL a read waits at most 2 s for the database's running
		// transactions and then answers an empty page with HasNext (the
		// documented answer, docs/notifications.md): in CI other packages'
		// tests write to the same database all the time, so read again.
		var page *feed.Page
		for range 30 {
			var err error
			page, err = feed.Read(context.Background(), db.Client, db.Target.Dialect, w.Municipality, w.deliveries(t)[0].EventID-1, 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Changes) > 0 || !page.HasNext {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		var fromFeed []string
		for _, c := range page.Changes {
			v := ""
			if c.Version != nil {
				v = fmt.Sprint(*c.Version)
			}
			fromFeed = append(fromFeed, fmt.Sprintf("%s %s v%s", c.Kind, *c.Slug, v))
		}
		var fromHooks []string
		for _, r := range got {
			fromHooks = append(fromHooks, fmt.Sprintf("%s %s v%s", r.note.Kenmerken["kind"], r.note.Kenmerken["slug"], r.note.Kenmerken["version"]))
		}
		if !slices.Equal(fromFeed, fromHooks) {
			t.Errorf("the webhooks say %q, the feed %q", fromHooks, fromFeed)
		}
		for _, dl := range w.deliveries(t) {
			if dl.State != webhookdelivery.StateDELIVERED || dl.Attempts != 1 || dl.LastStatus == nil || *dl.LastStatus != 204 {
				t.Errorf("delivery %d: %s after %d attempts (status %v)", dl.ID, dl.State, dl.Attempts, dl.LastStatus)
			}
		}
	}, storetest.WithStoreOptions(store.Options{Clock: clk}))
}

// TestReceiverDownThenUp: while the receiver fails, nothing is lost and
// nothing overtakes; after it returns, everything arrives in order.
func TestReceiverDownThenUp(t *testing.T) {
	clk := clock.NewManual(t0)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db, clk)
		w.rcv.setDown(true)
		for i := range 3 {
			w.edit(t, i%2, fmt.Sprintf("stap %d", i))
		}
		d := w.dispatcher()
		drain(t, d)
		ds := w.deliveries(t)
		if len(ds) != 3 || ds[0].Attempts != 1 || ds[1].Attempts != 0 || ds[0].LastStatus == nil || *ds[0].LastStatus != 503 {
			t.Fatalf("after the receiver failed: %d deliveries, attempts %d and %d (want the first tried once, the rest waiting)", len(ds), ds[0].Attempts, ds[1].Attempts)
		}
		if !ds[0].NextAttemptAt.After(clk.Now()) {
			t.Errorf("the retry is not later: %s", ds[0].NextAttemptAt)
		}
		// Still down an hour on: more attempts, still in order.
		for range 5 {
			clk.Advance(time.Hour)
			drain(t, d)
		}
		w.rcv.setDown(false)
		clk.Advance(time.Hour)
		drain(t, d)
		got := w.rcv.all()
		if len(got) != 3 {
			t.Fatalf("received %d, want 3", len(got))
		}
		for i, r := range got {
			if r.key != ds[i].IdempotencyKey {
				t.Errorf("received #%d is %s, want %s (in order)", i, r.key, ds[i].IdempotencyKey)
			}
		}
	}, storetest.WithStoreOptions(store.Options{Clock: clk}))
}

// TestTwoDispatchersDeliverOnce: two dispatchers on one database, each as
// busy as it can be, send every notification once, and per subscription in order.
func TestTwoDispatchersDeliverOnce(t *testing.T) {
	clk := clock.NewManual(t0)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db, clk)
		// Three more subscriptions to the same receiver, so that a claim
		// has several subscriptions' deliveries to share out.
		for i := range 3 {
			if _, err := w.service.Create(admin(context.Background()), webhook.CreateInput{URL: fmt.Sprintf("%s/hook/%d", w.rcv.URL, i),
				Secret: secret, Municipality: w.Municipality}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 10 {
			w.edit(t, i%2, fmt.Sprintf("stap %d", i))
		}
		want := len(w.deliveries(t))
		if want != 40 {
			t.Fatalf("%d deliveries queued, want 40", want)
		}
		d1, d2 := w.dispatcher(), w.dispatcher()
		d1.Batch, d2.Batch = 2, 2
		var wg sync.WaitGroup
		for _, d := range []*webhook.Dispatcher{d1, d2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for idle := 0; idle < 3; {
					n, err := d.RunOnce(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						idle++
					}
				}
			}()
		}
		wg.Wait()
		drain(t, d1)
		got := w.rcv.all()
		seen := map[string]bool{}
		for _, r := range got {
			if seen[r.key] {
				t.Errorf("%s received twice", r.key)
			}
			seen[r.key] = true
		}
		if len(seen) != want {
			t.Errorf("received %d distinct notifications, want %d", len(seen), want)
		}
		// Per subscription, in id order (the key ends in the event's id).
		last := map[string]int{}
		for _, r := range got {
			var sub, ev int
			if _, err := fmt.Sscanf(r.key, "catalogus-%d-%d", &sub, &ev); err != nil {
				t.Fatal(err)
			}
			k := fmt.Sprint(sub)
			if ev < last[k] {
				t.Errorf("subscription %s: event %d after %d", k, ev, last[k])
			}
			last[k] = ev
		}
	}, storetest.WithStoreOptions(store.Options{Clock: clk}))
}

// TestDeadLetterAndRedeliver: after the last retry a delivery is dead,
// the next one of its subscription goes on; redelivered, it arrives with
// its own key.
func TestDeadLetterAndRedeliver(t *testing.T) {
	clk := clock.NewManual(t0)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db, clk)
		d := w.dispatcher()
		d.Retry = webhook.Retry{Base: time.Minute, Max: time.Minute, For: 3 * time.Minute}
		w.rcv.setDown(true)
		w.edit(t, 0, "stap 1")
		for range d.Retry.Attempts() + 2 {
			drain(t, d)
			clk.Advance(time.Minute)
		}
		ds := w.deliveries(t)
		if len(ds) != 1 || ds[0].State != webhookdelivery.StateDEAD || ds[0].Attempts != d.Retry.Attempts() || ds[0].LastError == "" {
			t.Fatalf("after %d failures: %+v", d.Retry.Attempts(), ds)
		}
		w.rcv.setDown(false)
		w.edit(t, 1, "stap 2")
		drain(t, d)
		if got := w.rcv.all(); len(got) != 1 || got[0].note.Kenmerken["slug"] != "rijbewijs" {
			t.Fatalf("a dead letter blocks its subscription: received %d", len(got))
		}
		dead := webhookdelivery.StateDEAD
		listed, err := w.service.Deliveries(admin(context.Background()), w.sub.ID, &dead, 10)
		if err != nil || len(listed) != 1 || listed[0].ID != ds[0].ID {
			t.Fatalf("dead letters listed: %v, %v", listed, err)
		}
		// An editor may not redeliver; an admin may.
		editor := auth.NewContext(context.Background(), &auth.Viewer{Name: "editor", Role: auth.Editor, OrganizationID: &w.ClusterA.ID, Scope: []int{w.ClusterA.ID}})
		if _, err := w.service.Redeliver(editor, ds[0].ID); err == nil {
			t.Error("an editor redelivered")
		}
		if _, err := w.service.Redeliver(admin(context.Background()), ds[0].ID); err != nil {
			t.Fatal(err)
		}
		drain(t, d)
		got := w.rcv.all()
		if len(got) != 2 || got[1].key != ds[0].IdempotencyKey {
			t.Fatalf("after the redelivery received %d (%v)", len(got), got)
		}
		var pending *catalog.FieldError
		if _, err := w.service.Redeliver(admin(context.Background()), ds[0].ID); err != nil && !errors.As(err, &pending) {
			t.Errorf("redelivering a delivered one: %v", err)
		}
	}, storetest.WithStoreOptions(store.Options{Clock: clk}))
}

// TestKindsAndMunicipality: a subscription gets the kinds it asked for only.
func TestKindsAndMunicipality(t *testing.T) {
	clk := clock.NewManual(t0)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := build(t, db, clk, "PRODUCT_RETIRED")
		w.edit(t, 0, "stap 1")
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Product.UpdateOneID(w.products[0].ID).SetStatus("RETIRED").Exec(ctx)
		})
		drain(t, w.dispatcher())
		got := w.rcv.all()
		if len(got) != 1 || got[0].note.Kenmerken["kind"] != "PRODUCT_RETIRED" || got[0].note.Actie != "destroy" {
			t.Fatalf("received %d: %v", len(got), got)
		}
		// Paused: nothing is queued.
		off := false
		if _, err := w.service.Update(admin(context.Background()), w.sub.ID, webhook.UpdateInput{Active: &off}); err != nil {
			t.Fatal(err)
		}
		fixture.Tx(t, db.Client, func(ctx context.Context, tx *ent.Client) error {
			return tx.Product.UpdateOneID(w.products[1].ID).SetStatus("RETIRED").Exec(ctx)
		})
		if n := len(w.deliveries(t)); n != 1 {
			t.Errorf("a paused subscription got %d deliveries queued", n)
		}
	}, storetest.WithStoreOptions(store.Options{Clock: clk}))
}
