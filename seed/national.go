package seed

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage/tally"
	"github.com/gemeente-rotterdam/catalogus/internal/search"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// The national data set: N municipalities shaped like Rotterdam — its
// organization tree, its products (a few left out at random), its locations
// and a journey of their own through the channels from 2023 to November 2026,
// plus periodic reviews — to measure the service at the scale of a national
// catalogue (342 municipalities: about 1.3 million cells and 5 million
// change-log events).
//
// It is written with multi-row INSERTs rather than through the hooks (which
// would take the better part of an hour), one transaction per municipality.
// The rows are those the hooks would write — the same columns, the derived
// dates, versions and the event's state — except that generated events record
// a cell's status, dates and details but not every field of a create.

// MaxMunicipalities bounds a generated data set.
const MaxMunicipalities = 1000

// GenerateActor is the actor of every generated change.
const GenerateActor = "system:generate"

// GenerateOptions tune Generate.
type GenerateOptions struct {
	Municipalities int
	// Seed picks the data set: the same seed and number give the same rows.
	Seed uint64
	// Products, when above 0, keeps only the first so many of the seed's
	// products in each municipality: tests want the shape, not the size.
	Products int
	// Progress, when set, is called after each municipality.
	Progress func(done, total int)
}

// GenerateReport counts what Generate wrote.
type GenerateReport struct {
	Municipalities, Organizations, Products, Cells, Events int
}

// Generate writes the national data set into an empty database.
func Generate(ctx context.Context, db *store.DB, o GenerateOptions) (GenerateReport, error) {
	var rep GenerateReport
	if o.Municipalities < 1 || o.Municipalities > MaxMunicipalities {
		return rep, fmt.Errorf("--municipalities %d: give 1 to %d", o.Municipalities, MaxMunicipalities)
	}
	var n int
	if err := db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM organizations").Scan(&n); err != nil {
		return rep, err
	}
	if n > 0 {
		return rep, errors.New("the generator writes into an empty database; this one holds organizations already")
	}
	ps, err := products()
	if err != nil {
		return rep, err
	}
	if o.Products < 0 {
		return rep, fmt.Errorf("products %d: give 0 (all) or more", o.Products)
	}
	if o.Products > 0 && o.Products < len(ps) {
		ps = ps[:o.Products]
	}
	upl, err := readCSV("upl-municipal.csv")
	if err != nil {
		return rep, err
	}
	g := &generator{db: db, pg: db.Target.Dialect == dialect.Postgres, seed: o.Seed, products: ps, rep: &rep,
		ids: map[string]int64{}, uplIDs: map[string]int64{}, channelIDs: map[string]int64{}}
	if err := g.inTx(ctx, func(tx *sql.Tx) error {
		if err := g.allocate(ctx, tx); err != nil {
			return err
		}
		return g.national(ctx, tx, upl)
	}); err != nil {
		return rep, fmt.Errorf("writing the channels and UPL names: %w", err)
	}
	for i := 1; i <= o.Municipalities; i++ {
		if err := g.inTx(ctx, func(tx *sql.Tx) error { return g.municipality(ctx, tx, i) }); err != nil {
			return rep, fmt.Errorf("municipality %d of %d: %w (the ones before it are in the database; start again with an empty one)", i, o.Municipalities, err)
		}
		rep.Municipalities++
		if o.Progress != nil {
			o.Progress(i, o.Municipalities)
		}
	}
	if err := g.finish(ctx); err != nil {
		return rep, err
	}
	return rep, nil
}

type generator struct {
	db       *store.DB
	pg       bool
	seed     uint64
	products []seedProduct
	rep      *GenerateReport
	// ids holds, per table, the next id to give.
	ids                map[string]int64
	uplIDs, channelIDs map[string]int64
	txSeq              int
}

// tables with an id of their own; the generator hands the ids out itself.
var idTables = []string{"organizations", "upl_entries", "products", "channels", "locations", "availabilities", "targets", "change_events"}

func (g *generator) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return txn.RunSQL(ctx, g.db.SQL, fn)
}

// allocate reads where each table's ids continue.
func (g *generator) allocate(ctx context.Context, tx *sql.Tx) error {
	for _, t := range idTables {
		var next int64
		var err error
		if g.pg {
			// Taking one value shows where the identity stands; finish moves it past the generated rows.
			err = tx.QueryRowContext(ctx, "SELECT nextval(pg_get_serial_sequence($1, 'id'))", t).Scan(&next)
		} else {
			err = tx.QueryRowContext(ctx, "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = $1), 0) + 1", t).Scan(&next)
		}
		if err != nil {
			return fmt.Errorf("finding the ids of %s: %w", t, err)
		}
		g.ids[t] = next
	}
	return nil
}

func (g *generator) id(table string) int64 {
	v := g.ids[table]
	g.ids[table]++
	return v
}

// finish moves PostgreSQL's identities past the generated ids (SQLite's
// AUTOINCREMENT follows by itself), raises the municipalities' version and
// refreshes the planner's statistics.
func (g *generator) finish(ctx context.Context) error {
	if g.pg {
		for _, t := range idTables {
			if _, err := g.db.SQL.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence($1, 'id'), $2)", t, g.ids[t]-1); err != nil {
				return fmt.Errorf("moving the ids of %s on: %w", t, err)
			}
		}
	}
	// The data was written past the change-log hook, so raise what it would
	// have: the version of changes that concern every municipality (counts
	// kept per municipality start over). The catalogue's version rose with
	// the commit of the rows (internal/store/writes.go).
	if _, err := g.db.SQL.ExecContext(ctx, `INSERT INTO municipality_version (municipality_id, version) VALUES (0, 1)
		ON CONFLICT (municipality_id) DO UPDATE SET version = municipality_version.version + 1`); err != nil {
		return err
	}
	// Coverage's rows per product are written by the change log, which the
	// generator bypasses: count them from the generated tables.
	if err := g.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tally.Rebuild(ctx, tx, g.pg, time.Now())
		return err
	}); err != nil {
		return fmt.Errorf("counting coverage: %w", err)
	}
	_, err := g.db.SQL.ExecContext(ctx, "ANALYZE")
	return err
}

// national writes what all municipalities share: the UPL names and the channels.
func (g *generator) national(ctx context.Context, tx *sql.Tx, upl []map[string]string) error {
	w := newRows(tx, g.pg)
	for _, u := range upl {
		id := g.id("upl_entries")
		g.uplIDs[u["uri"]] = id
		if err := w.add(ctx, "upl_entries", []string{"id", "uri", "name", "municipal", "residents", "businesses", "request", "sdg_code"},
			id, u["uri"], u["name"], true, u["residents"] == "X", u["businesses"] == "X", u["request"] == "X", nullText(u["sdg"])); err != nil {
			return err
		}
	}
	ev := &events{g: g}
	for i, ch := range channels {
		id := g.id("channels")
		g.channelIDs[ch.code] = id
		if err := w.add(ctx, "channels", []string{"id", "created_at", "updated_at", "code", "name", "name_en", "description", "digital", "assisted", "youth", "active", "sort_order"},
			id, start, appLaunchOr(ch.code), ch.code, ch.name, ch.nameEN, ch.description, ch.digital, ch.assisted, ch.youth, true, i+1); err != nil {
			return err
		}
		state := "ACTIVE"
		if ch.code == "app" {
			state = "INACTIVE"
			ev.add(event{at: appLaunch, entity: "CHANNEL", action: "UPDATE", entityID: id, channel: &id, state: ptr("ACTIVE"),
				changes: fieldChanges("active", false, true)})
		}
		ev.add(event{at: start, entity: "CHANNEL", action: "CREATE", entityID: id, channel: &id, state: &state,
			changes: fieldChanges("code", nil, ch.code, "name", nil, ch.name, "active", nil, state == "ACTIVE")})
	}
	if err := ev.write(ctx, w); err != nil {
		return err
	}
	return w.flush(ctx)
}

func appLaunchOr(code string) time.Time {
	if code == "app" {
		return appLaunch
	}
	return start
}

// municipality writes the i-th municipality with its history.
func (g *generator) municipality(ctx context.Context, tx *sql.Tx, i int) error {
	w := newRows(tx, g.pg)
	ev := &events{g: g}
	r := rand.New(rand.NewPCG(g.seed, uint64(i)))
	code := fmt.Sprintf("gemeente-%03d", i)
	name := fmt.Sprintf("Gemeente %03d", i)
	prefix := fmt.Sprintf("g%03d-", i)
	orgIDs := map[string]int64{}
	var mid int64
	for _, o := range organizations {
		id := g.id("organizations")
		orgIDs[o.code] = id
		oc, on := prefix+o.code, o.name
		var parent any
		if o.parent == "" {
			mid, oc, on = id, code, name
		} else {
			parent = orgIDs[o.parent]
		}
		if err := w.add(ctx, "organizations", []string{"id", "created_at", "updated_at", "code", "name", "kind", "parent_id"},
			id, start, start, oc, on, o.kind, parent); err != nil {
			return err
		}
		ev.add(event{at: start, entity: "ORGANIZATION", action: "CREATE", entityID: id, municipality: &mid,
			changes: fieldChanges("code", nil, oc, "name", nil, on, "kind", nil, o.kind)})
		g.rep.Organizations++
	}
	locIDs := map[string]int64{}
	for _, l := range locations {
		id := g.id("locations")
		locIDs[l.code] = id
		if err := w.add(ctx, "locations", []string{"id", "created_at", "updated_at", "code", "name", "kind", "street", "postal_code", "city", "opening_hours", "visit", "municipality_id"},
			id, start, start, prefix+l.code, l.name, l.kind, l.street, l.postalCode, name, l.opening, l.visit, mid); err != nil {
			return err
		}
		ev.add(event{at: start, entity: "LOCATION", action: "CREATE", entityID: id, municipality: &mid,
			changes: fieldChanges("code", nil, prefix+l.code, "name", nil, l.name)})
	}
	tid := g.id("targets")
	if err := w.add(ctx, "targets", []string{"id", "created_at", "updated_at", "name", "description", "deadline", "share", "primary", "municipality_id"},
		tid, start, start, "Alle producten via alle passende kanalen", "Elk product via elk passend kanaal, eind 2026.", deadline, 1.0, true, mid); err != nil {
		return err
	}
	ev.add(event{at: start, entity: "TARGET", action: "CREATE", entityID: tid, municipality: &mid,
		changes: fieldChanges("deadline", nil, deadline, "share", nil, 1.0)})

	salt := "catalogus-generate-" + strconv.FormatUint(g.seed, 10) + "-" + strconv.Itoa(i)
	for _, p := range g.products {
		if r.Float64() < 0.03 {
			continue // not every municipality offers every product
		}
		if err := g.product(ctx, w, ev, p, salt, mid, orgIDs, locIDs, r); err != nil {
			return fmt.Errorf("product %s: %w", p.slug, err)
		}
	}
	if err := ev.write(ctx, w); err != nil {
		return err
	}
	if err := w.add(ctx, "search_versions", []string{"municipality_id", "version"}, mid, 1); err != nil {
		return err
	}
	return w.flush(ctx)
}

// cellEvent is one change of a cell: from the journey, or a review.
type cellEvent struct {
	at      time.Time
	channel string
	cell    *cell
	review  bool
}

// row is a cell as the availabilities table holds it.
type row struct {
	id                      int64
	cell                    cell
	created, updated, since time.Time
	reviewed                time.Time
}

// product writes one product, its cells as they end up, and the events of
// its history.
func (g *generator) product(ctx context.Context, w *rows, ev *events, p seedProduct, salt string, mid int64,
	orgIDs, locIDs map[string]int64, r *rand.Rand) error {
	pid := g.id("products")
	actor := "seed:" + p.owner
	created, version, updated := productHistory(ev, p, pid, mid, actor)
	cells, writes, lastChange := g.replayCells(ev, cellTimeline(p, salt, r), pid, mid, actor)
	version += writes
	if !lastChange.IsZero() {
		updated = lastChange
	}
	if err := g.writeProduct(ctx, w, p, pid, mid, created, updated, version, orgIDs); err != nil {
		return err
	}
	return g.writeCells(ctx, w, cells, pid, locIDs)
}

// productHistory records the product's creation, and its publication when
// that came later, and returns when it was made, its version and when it
// last changed after them.
func productHistory(ev *events, p seedProduct, pid, mid int64, actor string) (created time.Time, version int, updated time.Time) {
	status := "PUBLISHED"
	created = p.publish
	if !p.publish.Equal(start) {
		created = p.publish.AddDate(0, -1, 0)
		ev.add(event{at: p.publish, entity: "PRODUCT", action: "UPDATE", entityID: pid, product: &pid, municipality: &mid, state: &status,
			changes: fieldChanges("status", "DRAFT", "PUBLISHED"), actor: actor, tx: fmt.Sprintf("generate-%d-%d", pid, p.publish.Unix())})
	}
	createdState := "PUBLISHED"
	if !p.publish.Equal(start) {
		createdState = "DRAFT"
	}
	ev.add(event{at: created, entity: "PRODUCT", action: "CREATE", entityID: pid, product: &pid, municipality: &mid, state: &createdState,
		changes: fieldChanges("slug", nil, p.slug, "name", nil, p.name, "status", nil, createdState), actor: actor,
		tx: fmt.Sprintf("generate-%d-%d", pid, created.Unix())})
	version, updated = 1, created
	if !p.publish.Equal(start) {
		version, updated = 2, p.publish
	}
	return created, version, updated
}

// cellTimeline is the journey of the product's cells, then a review of
// every assessed cell every eight to fourteen months between its changes,
// in time order.
func cellTimeline(p seedProduct, salt string, r *rand.Rand) []cellEvent {
	var all []cellEvent
	byChannel := map[string][]cellChange{}
	for _, c := range journey(p, salt) {
		byChannel[c.channel] = append(byChannel[c.channel], c)
	}
	for _, ch := range channels {
		list := byChannel[ch.code]
		for k, c := range list {
			all = append(all, cellEvent{at: c.at, channel: ch.code, cell: c.cell})
			if c.cell == nil {
				continue
			}
			until := last
			if k+1 < len(list) {
				until = list[k+1].at
			}
			for t := c.at.AddDate(0, 8+r.IntN(7), 0); t.Before(until); t = t.AddDate(0, 8+r.IntN(7), 0) {
				all = append(all, cellEvent{at: at(t.Year(), t.Month(), t.Day()), channel: ch.code, review: true})
			}
		}
	}
	slices.SortStableFunc(all, func(a, b cellEvent) int { return a.at.Compare(b.at) })
	return all
}

// replayCells records the events of the cells' timeline and returns the
// cells as they end up, how many writes (moments) changed the product's
// version, and the moment of the last change.
func (g *generator) replayCells(ev *events, all []cellEvent, pid, mid int64, actor string) (map[string]*row, int, time.Time) {
	writes := 0
	var updated time.Time
	cells := map[string]*row{}
	var lastWrite time.Time
	for _, c := range all {
		chID := g.channelIDs[c.channel]
		cur := cells[c.channel]
		day := catalog.DateOf(c.at)
		var e *event
		switch {
		case c.review:
			if cur == nil || !cur.reviewed.Before(day) {
				continue
			}
			e = &event{action: "UPDATE", entityID: cur.id, changes: fieldChanges("last_reviewed", cur.reviewed, day)}
			cur.reviewed, cur.updated = day, c.at
		case c.cell == nil:
			if cur == nil {
				continue
			}
			e = &event{action: "DELETE", entityID: cur.id, changes: json.RawMessage("[]")}
			delete(cells, c.channel)
		case cur == nil:
			cur = &row{id: g.id("availabilities"), cell: *c.cell, created: c.at, updated: c.at, reviewed: day}
			if c.cell.status == "AVAILABLE" {
				cur.since = day
			}
			cells[c.channel] = cur
			e = &event{action: "CREATE", entityID: cur.id, changes: cellChanges(nil, c.cell)}
		default:
			changes := cellChanges(&cur.cell, c.cell)
			if string(changes) == "[]" {
				continue // the hooks would write nothing
			}
			if c.cell.status == "AVAILABLE" && cur.cell.status != "AVAILABLE" {
				cur.since = day
			} else if c.cell.status != "AVAILABLE" {
				cur.since = time.Time{}
			}
			cur.cell, cur.updated, cur.reviewed = *c.cell, c.at, day
			e = &event{action: "UPDATE", entityID: cur.id, changes: changes}
		}
		e.at, e.entity, e.product, e.channel, e.municipality, e.actor = c.at, "AVAILABILITY", &pid, &chID, &mid, actor
		e.tx = fmt.Sprintf("generate-%d-%d", pid, c.at.Unix())
		if e.action != "DELETE" {
			st := cur.cell.status
			other := catalog.OffersOtherLanguage(cur.cell.languages)
			e.state, e.otherLanguage = &st, &other
		}
		ev.add(*e)
		// One write per moment raises the product's version once.
		if !c.at.Equal(lastWrite) {
			writes++
			lastWrite = c.at
		}
		updated = c.at
	}
	return cells, writes, updated
}

// writeProduct writes the product's row and its search document.
func (g *generator) writeProduct(ctx context.Context, w *rows, p seedProduct, pid, mid int64, created, updated time.Time, version int, orgIDs map[string]int64) error {
	status := "PUBLISHED"
	var upl any
	if p.uplURI != "" {
		upl = g.uplIDs[p.uplURI]
	}
	audiences, err := json.Marshal(p.audiences)
	if err != nil {
		return err
	}
	var keywords any
	if len(p.keywords) > 0 {
		kw, err := json.Marshal(p.keywords)
		if err != nil {
			return err
		}
		keywords = json.RawMessage(kw)
	}
	if err := w.add(ctx, "products", []string{"id", "created_at", "updated_at", "slug", "name", "summary", "description", "keywords", "audiences", "theme", "status", "version", "owner_id", "municipality_id", "upl_entry_id"},
		pid, created, updated, p.slug, p.name, p.summary, "", keywords, json.RawMessage(audiences), p.theme, status, version, orgIDs[p.owner], mid, upl); err != nil {
		return err
	}
	// The search index, as its write hook would have kept it.
	if err := w.add(ctx, "search_documents", []string{"id", "kind", "municipality_id", "public", "terms"},
		pid, string(search.KindProduct), mid, true, search.ProductTerms(int(mid), p.name, p.keywords, p.summary, "")); err != nil {
		return err
	}
	g.rep.Products++
	return nil
}

// writeCells writes the cells as they end up, with their locations.
func (g *generator) writeCells(ctx context.Context, w *rows, cells map[string]*row, pid int64, locIDs map[string]int64) error {
	for _, ch := range channels {
		c := cells[ch.code]
		if c == nil {
			continue
		}
		s := c.cell
		ident := s.ident
		if ident == "" {
			ident = "NONE"
		}
		var langs any
		if len(s.languages) > 0 {
			b, _ := json.Marshal(s.languages)
			langs = json.RawMessage(b)
		}
		var costCents any
		if s.costCents != nil {
			costCents = *s.costCents
		}
		if err := w.add(ctx, "availabilities", []string{"id", "created_at", "updated_at", "status", "planned_date", "available_since", "reason", "last_reviewed",
			"url", "phone", "instructions", "processing_time", "cost_cents", "cost_currency", "identification", "languages", "channel_id", "product_id"},
			c.id, c.created, c.updated, s.status, nullTime(s.planned), nullTime(c.since), nullText(s.reason), c.reviewed,
			nullText(s.url), nullText(s.phone), nullText(s.instructions), nullText(s.processing), costCents, "EUR", ident, langs, g.channelIDs[ch.code], pid); err != nil {
			return err
		}
		for _, l := range s.locations {
			if err := w.add(ctx, "availability_locations", []string{"availability_id", "location_id"}, c.id, locIDs[l]); err != nil {
				return err
			}
		}
		g.rep.Cells++
	}
	return nil
}

// cellChanges lists what changes from old (nil: nothing) to c, in the form
// of the change log.
func cellChanges(old *cell, c *cell) json.RawMessage {
	var o cell
	if old != nil {
		o = *old
	}
	var pairs []any
	add := func(name string, ov, nv any, same bool) {
		if !same {
			pairs = append(pairs, name, ov, nv)
		}
	}
	orNil := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	add("status", orNil(o.status), c.status, o.status == c.status)
	add("planned_date", orZero(o.planned), orZero(c.planned), o.planned.Equal(c.planned))
	add("reason", orNil(o.reason), orNil(c.reason), o.reason == c.reason)
	add("url", orNil(o.url), orNil(c.url), o.url == c.url)
	add("phone", orNil(o.phone), orNil(c.phone), o.phone == c.phone)
	add("instructions", orNil(o.instructions), orNil(c.instructions), o.instructions == c.instructions)
	add("processing_time", orNil(o.processing), orNil(c.processing), o.processing == c.processing)
	add("languages", o.languages, c.languages, slices.Equal(o.languages, c.languages))
	add("locations", o.locations, c.locations, slices.Equal(o.locations, c.locations))
	return fieldChanges(pairs...)
}

func orZero(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// fieldChanges encodes name, old, new triples as the change log's changes.
func fieldChanges(triples ...any) json.RawMessage {
	out := make([]catalog.FieldChange, 0, len(triples)/3)
	for i := 0; i+2 < len(triples); i += 3 {
		o, _ := json.Marshal(triples[i+1])
		n, _ := json.Marshal(triples[i+2])
		out = append(out, catalog.FieldChange{Field: triples[i].(string), Old: o, New: n})
	}
	b, _ := json.Marshal(out)
	return b
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// event is one change-log row.
type event struct {
	at                             time.Time
	entity, action, actor          string
	entityID                       int64
	product, channel, municipality *int64
	state                          *string
	otherLanguage                  *bool
	changes                        json.RawMessage
	// tx groups the events of one write; empty: the municipality's structure.
	tx string
}

// events collects a transaction's events and writes them in time order, so
// that ids rise with time within a municipality.
type events struct {
	g    *generator
	list []event
}

func (e *events) add(ev event) { e.list = append(e.list, ev) }

func (e *events) write(ctx context.Context, w *rows) error {
	slices.SortStableFunc(e.list, func(a, b event) int { return a.at.Compare(b.at) })
	e.g.txSeq++
	group := "generate-" + strconv.Itoa(e.g.txSeq)
	for _, ev := range e.list {
		actor := ev.actor
		if actor == "" {
			actor = GenerateActor
		}
		tx := ev.tx
		if tx == "" {
			tx = group
		}
		if err := w.add(ctx, "change_events", []string{"id", "entity", "entity_id", "action", "product_id", "channel_id", "municipality_id", "state", "other_language", "changes", "actor", "recorded_at", "tx_id"},
			e.g.id("change_events"), ev.entity, ev.entityID, ev.action, deref(ev.product), deref(ev.channel), deref(ev.municipality),
			deref(ev.state), deref(ev.otherLanguage), ev.changes, actor, ev.at, tx); err != nil {
			return err
		}
		e.g.rep.Events++
	}
	e.list = e.list[:0]
	return nil
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// rows batches rows per table into multi-row INSERTs.
type rows struct {
	tx      *sql.Tx
	pg      bool
	pending map[string]*batch
	order   []string
}

type batch struct {
	cols []string
	args []any
	n    int
}

func newRows(tx *sql.Tx, pg bool) *rows { return &rows{tx: tx, pg: pg, pending: map[string]*batch{}} }

// copy streams a batch into PostgreSQL with COPY, several times faster than
// INSERTs. COPY's text form takes JSON as text, not as bytes.
func (w *rows) copy(ctx context.Context, table string, b *batch) error {
	stmt, err := w.tx.PrepareContext(ctx, `COPY "`+table+`" ("`+strings.Join(b.cols, `", "`)+`") FROM STDIN`)
	if err != nil {
		return fmt.Errorf("copying into %s: %w", table, err)
	}
	defer stmt.Close()
	vals := make([]any, len(b.cols))
	for r := 0; r < b.n; r++ {
		for c := range vals {
			v := b.args[r*len(b.cols)+c]
			if raw, ok := v.(json.RawMessage); ok {
				v = string(raw)
			}
			vals[c] = v
		}
		if _, err := stmt.ExecContext(ctx, vals...); err != nil {
			return fmt.Errorf("copying into %s: %w", table, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copying %d rows into %s: %w", b.n, table, err)
	}
	return nil
}

// maxParams stays under both databases' limit on parameters per statement
// (SQLite 32,766; PostgreSQL 65,535).
const maxParams = 30000

func (w *rows) add(ctx context.Context, table string, cols []string, vals ...any) error {
	if len(cols) != len(vals) {
		return fmt.Errorf("%s: %d columns, %d values", table, len(cols), len(vals))
	}
	b := w.pending[table]
	if b == nil {
		b = &batch{cols: cols}
		w.pending[table] = b
		w.order = append(w.order, table)
	}
	b.args = append(b.args, vals...)
	b.n++
	if len(b.args)+len(cols) > maxParams {
		return w.flushTable(ctx, table)
	}
	return nil
}

// flush writes every pending row, tables in the order they first came, which
// is an order their foreign keys allow.
func (w *rows) flush(ctx context.Context) error {
	for _, t := range w.order {
		if err := w.flushTable(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

func (w *rows) flushTable(ctx context.Context, table string) error {
	b := w.pending[table]
	if b == nil || b.n == 0 {
		return nil
	}
	// Rows of tables that came earlier go first, for the foreign keys.
	for _, t := range w.order {
		if t == table {
			break
		}
		if err := w.flushTable(ctx, t); err != nil {
			return err
		}
	}
	if w.pg {
		if err := w.copy(ctx, table, b); err != nil {
			return err
		}
		b.args, b.n = b.args[:0], 0
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO "` + table + `" (`)
	for i, c := range b.cols {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(`"` + c + `"`)
	}
	q.WriteString(") VALUES ")
	for r := 0; r < b.n; r++ {
		if r > 0 {
			q.WriteString(", ")
		}
		// Plain ? rather than $N: SQLite binds $N by name, looking each up
		// in a list, which makes a statement of thousands of them quadratic.
		q.WriteString("(?" + strings.Repeat(", ?", len(b.cols)-1) + ")")
	}
	if _, err := w.tx.ExecContext(ctx, q.String(), b.args...); err != nil {
		return fmt.Errorf("writing %d rows into %s: %w", b.n, table, err)
	}
	b.args, b.n = b.args[:0], 0
	return nil
}
