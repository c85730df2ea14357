// Package seed holds Rotterdam's catalogue as the service first starts with
// it: the 423 products and services (products.csv), the municipal names of
// the national UPL list (upl-municipal.csv), the organization tree, the plan's
// channels, the city offices and wijkhubs, the 2026 target, and an illustrative
// history of channel availability from January 2023 to November 2026.
//
// Real: the product names and their UPL links, the channels, the cluster
// names. Illustrative: departments, owners, statuses, dates, addresses and
// the texts of most summaries. Load writes it all through the history
// importer, so the change log tells the same story as the data.
package seed

import (
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/location"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
)

//go:embed products.csv upl-municipal.csv keywords.csv
var files embed.FS

// Actor writes the seed's structure; product owners' changes are written by
// "seed:<organization code>".
var Actor = changelog.System("seed")

// seedProduct is one row of products.csv.
type seedProduct struct {
	slug, name, theme, owner, uplURI, kind, summary, description string
	audiences                                                    []catalog.Audience
	// keywords are residents' own words for the product (keywords.csv).
	keywords     []string
	businessOnly bool
	// publish is when the product was published: the baseline for most, later
	// for the city's own newer products.
	publish time.Time
}

// laterProducts were published during the plan, not before it.
var laterProducts = map[string]time.Time{
	"digitaal-hulpplein":          at(2023, time.September, 4),
	"formulierenhulp":             at(2023, time.November, 6),
	"taalhuis-nederlands-leren":   at(2024, time.January, 15),
	"energiecoach":                at(2024, time.April, 8),
	"vraagwijzer":                 at(2024, time.June, 3),
	"buurtbemiddeling":            at(2024, time.September, 2),
	"opzoomeren-straatactiviteit": at(2025, time.March, 17),
	"wijkteam-hulp-vragen":        at(2025, time.June, 2),
	"melding-overlast":            at(2025, time.October, 6),
	"rotterdampas-aanvragen":      at(2026, time.February, 2),
}

func readCSV(name string) ([]map[string]string, error) {
	f, err := files.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var out []map[string]string
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		row := map[string]string{}
		for i, h := range header {
			row[h] = rec[i]
		}
		out = append(out, row)
	}
}

func products() ([]seedProduct, error) {
	rows, err := readCSV("products.csv")
	if err != nil {
		return nil, err
	}
	keywords, err := productKeywords(rows)
	if err != nil {
		return nil, err
	}
	out := make([]seedProduct, 0, len(rows))
	for i, r := range rows {
		p := seedProduct{slug: r["slug"], name: r["name"], theme: r["theme"], owner: r["owner"],
			uplURI: r["upl_uri"], kind: r["kind"], summary: r["summary"], description: r["description"], publish: start, keywords: keywords[r["slug"]]}
		for _, a := range strings.Split(r["audiences"], "|") {
			p.audiences = append(p.audiences, catalog.Audience(a))
		}
		p.businessOnly = !slices.Contains(p.audiences, catalog.AudienceResident)
		if t, ok := laterProducts[p.slug]; ok {
			p.publish = t
		}
		if err := (catalog.Product{Slug: p.slug, Name: p.name, Theme: p.theme, Audiences: p.audiences}).Check(); err != nil {
			return nil, fmt.Errorf("products.csv line %d: %w", i+2, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// productKeywords reads keywords.csv: per product (its slug) the words
// residents use for it, separated by |. They are kept apart from products.csv
// so that the product texts and residents' words can be edited separately.
func productKeywords(products []map[string]string) (map[string][]string, error) {
	rows, err := readCSV("keywords.csv")
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, p := range products {
		known[p["slug"]] = true
	}
	out := map[string][]string{}
	for i, r := range rows {
		if !known[r["slug"]] {
			return nil, fmt.Errorf("keywords.csv line %d: no product %q in products.csv", i+2, r["slug"])
		}
		if out[r["slug"]] != nil {
			return nil, fmt.Errorf("keywords.csv line %d: product %q a second time", i+2, r["slug"])
		}
		out[r["slug"]] = strings.Split(r["keywords"], "|")
		if err := catalog.CheckKeywords(out[r["slug"]]); err != nil {
			return nil, fmt.Errorf("keywords.csv line %d: %w", i+2, err)
		}
	}
	return out, nil
}

// Options tune Load.
type Options struct {
	// Progress, when set, is told how many of the history's steps are written.
	Progress func(done, total int)
}

// Report says what the seed holds after Load.
type Report struct {
	// AlreadyLoaded is true when the municipality was there before: then Load
	// changed nothing.
	AlreadyLoaded                                                                    bool
	Organizations, Channels, Locations, Products, Availabilities, UPLEntries, Events int
}

// Load writes the seed unless its municipality is already in the database,
// in one transaction.
func Load(ctx context.Context, c *ent.Client, opts Options) (Report, error) {
	exists, err := c.Organization.Query().Where(organization.Code(Municipality)).Exist(ctx)
	if err != nil {
		return Report{}, err
	}
	if !exists {
		ps, err := products()
		if err != nil {
			return Report{}, err
		}
		upl, err := readCSV("upl-municipal.csv")
		if err != nil {
			return Report{}, err
		}
		l := newLoader(ps, upl)
		if l.answers, err = readAnswers(ps); err != nil {
			return Report{}, err
		}
		err = changelog.Import(ctx, c, l.steps(), changelog.ImportOptions{Progress: opts.Progress,
			// Another process may have loaded it since the look above:
			// asked again under the import's write lock, it loads once.
			Start: func(ctx context.Context, c *ent.Client) (bool, error) {
				exists, err = c.Organization.Query().Where(organization.Code(Municipality)).Exist(ctx)
				return exists, err
			}})
		if err != nil {
			return Report{}, fmt.Errorf("loading the seed: %w", err)
		}
	}
	rep, err := count(ctx, c)
	rep.AlreadyLoaded = exists
	return rep, err
}

func count(ctx context.Context, c *ent.Client) (Report, error) {
	var r Report
	var err error
	counts := []struct {
		dst *int
		fn  func(context.Context) (int, error)
	}{
		{&r.Organizations, c.Organization.Query().Count},
		{&r.Channels, c.Channel.Query().Count},
		{&r.Locations, c.Location.Query().Count},
		{&r.Products, c.Product.Query().Count},
		{&r.Availabilities, c.Availability.Query().Count},
		{&r.UPLEntries, c.UPLEntry.Query().Count},
		{&r.Events, c.ChangeEvent.Query().Count},
	}
	for _, n := range counts {
		if *n.dst, err = n.fn(ctx); err != nil {
			return r, err
		}
	}
	return r, nil
}

// loader turns the seed into history steps and keeps the ids the steps create.
type loader struct {
	products []seedProduct
	upl      []map[string]string
	answers  []seedAnswer

	orgs, channels, locations, productIDs, uplIDs map[string]int
	cells                                         map[[2]int]int
	// cellLocations is each cell's location codes as last written, so that
	// an update touches the locations only when they change.
	cellLocations map[[2]int][]string
}

func newLoader(ps []seedProduct, upl []map[string]string) *loader {
	return &loader{
		products: ps, upl: upl,
		orgs: map[string]int{}, channels: map[string]int{}, locations: map[string]int{},
		productIDs: map[string]int{}, uplIDs: map[string]int{}, cells: map[[2]int]int{},
		cellLocations: map[[2]int][]string{},
	}
}

// step is a history step with a tie-breaker for steps at the same moment:
// structure (locations opening, channels going live) comes first.
type step struct {
	changelog.Step
	order int
}

func (l *loader) steps() []changelog.Step {
	var all []step
	add := func(at time.Time, order int, actor changelog.Actor, fn func(context.Context, *ent.Client) error) {
		all = append(all, step{changelog.Step{At: at, Actor: actor, Apply: fn}, order})
	}
	add(start, 0, Actor, l.structure)
	for _, loc := range locations {
		if !loc.opens.IsZero() {
			add(at(loc.opens.Year(), loc.opens.Month(), loc.opens.Day()), 0, Actor, func(ctx context.Context, c *ent.Client) error {
				return l.createLocation(ctx, c, loc)
			})
		}
	}
	add(appLaunch, 0, Actor, func(ctx context.Context, c *ent.Client) error {
		return c.Channel.UpdateOneID(l.channels["app"]).SetActive(true).Exec(ctx)
	})
	for _, p := range l.products {
		owner := changelog.Actor{Name: "seed:" + p.owner}
		if p.publish.Equal(start) {
			add(start, 1, owner, func(ctx context.Context, c *ent.Client) error {
				return l.createProduct(ctx, c, p, product.StatusPUBLISHED)
			})
		} else {
			add(p.publish.AddDate(0, -1, 0), 1, owner, func(ctx context.Context, c *ent.Client) error {
				return l.createProduct(ctx, c, p, product.StatusDRAFT)
			})
			add(p.publish, 1, owner, func(ctx context.Context, c *ent.Client) error {
				return c.Product.UpdateOneID(l.productIDs[p.slug]).SetStatus(product.StatusPUBLISHED).Exec(ctx)
			})
		}
		// One step per moment: what the owner changed that day, for all channels.
		changes := journey(p, seedSalt)
		for i := 0; i < len(changes); {
			j := i
			for j < len(changes) && changes[j].at.Equal(changes[i].at) {
				j++
			}
			batch := changes[i:j]
			add(batch[0].at, 2, owner, func(ctx context.Context, c *ent.Client) error {
				for _, ch := range batch {
					if err := l.setCell(ctx, c, ch); err != nil {
						return fmt.Errorf("%s on %s: %w", ch.product, ch.channel, err)
					}
				}
				return nil
			})
			i = j
		}
	}
	l.measurementSteps(add)
	l.answerSteps(add)
	l.residentTestSteps(add)
	slices.SortStableFunc(all, func(a, b step) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return a.order - b.order
	})
	out := make([]changelog.Step, len(all))
	for i, s := range all {
		out[i] = s.Step
	}
	return out
}

// structure writes the UPL names, organizations, channels, the locations
// open from the start and the target.
func (l *loader) structure(ctx context.Context, c *ent.Client) error {
	builders := make([]*ent.UPLEntryCreate, 0, len(l.upl))
	for _, u := range l.upl {
		builders = append(builders, c.UPLEntry.Create().SetURI(u["uri"]).SetName(u["name"]).SetMunicipal(true).
			SetResidents(u["residents"] == "X").SetBusinesses(u["businesses"] == "X").SetRequest(u["request"] == "X").
			SetSdgCode(u["sdg"]))
	}
	for chunk := range slices.Chunk(builders, 100) {
		entries, err := c.UPLEntry.CreateBulk(chunk...).Save(ctx)
		if err != nil {
			return fmt.Errorf("UPL entries: %w", err)
		}
		for _, e := range entries {
			l.uplIDs[e.URI] = e.ID
		}
	}
	for _, o := range organizations {
		q := c.Organization.Create().SetCode(o.code).SetName(o.name).SetKind(organization.Kind(o.kind))
		if o.parent != "" {
			q.SetParentID(l.orgs[o.parent])
		}
		created, err := q.Save(ctx)
		if err != nil {
			return fmt.Errorf("organization %s: %w", o.code, err)
		}
		l.orgs[o.code] = created.ID
	}
	for i, ch := range channels {
		created, err := c.Channel.Create().SetCode(ch.code).SetName(ch.name).SetNameEn(ch.nameEN).
			SetDescription(ch.description).SetDigital(ch.digital).SetAssisted(ch.assisted).SetYouth(ch.youth).
			SetSortOrder(i + 1).
			SetActive(ch.code != "app"). // the app goes live in September 2025
			Save(ctx)
		if err != nil {
			return fmt.Errorf("channel %s: %w", ch.code, err)
		}
		l.channels[ch.code] = created.ID
	}
	for _, loc := range locations {
		if loc.opens.IsZero() {
			if err := l.createLocation(ctx, c, loc); err != nil {
				return err
			}
		}
	}
	return c.Target.Create().
		SetName("Alle producten via alle passende kanalen").
		SetDescription("De Rotterdamse Dienstverlening 2023–2026: in 2026 kunnen Rotterdammers de 423 producten en diensten van de gemeente via de verschillende contactkanalen aanvragen.").
		SetDeadline(deadline).
		SetShare(1).
		SetPrimary(true).
		SetMunicipalityID(l.orgs[Municipality]).
		Exec(ctx)
}

func (l *loader) createLocation(ctx context.Context, c *ent.Client, loc locationDef) error {
	created, err := c.Location.Create().SetCode(loc.code).SetName(loc.name).SetKind(location.Kind(loc.kind)).
		SetStreet(loc.street).SetPostalCode(loc.postalCode).SetCity("Rotterdam").SetOpeningHours(loc.opening).
		SetVisit(location.Visit(loc.visit)).SetMunicipalityID(l.orgs[Municipality]).Save(ctx)
	if err != nil {
		return fmt.Errorf("location %s: %w", loc.code, err)
	}
	l.locations[loc.code] = created.ID
	return nil
}

func (l *loader) createProduct(ctx context.Context, c *ent.Client, p seedProduct, status product.Status) error {
	q := c.Product.Create().SetSlug(p.slug).SetName(p.name).SetSummary(p.summary).SetDescription(p.description).SetTheme(p.theme).
		SetAudiences(p.audiences).SetOwnerID(l.orgs[p.owner]).SetStatus(status)
	if len(p.keywords) > 0 {
		q.SetKeywords(p.keywords)
	}
	if p.uplURI != "" {
		id, ok := l.uplIDs[p.uplURI]
		if !ok {
			return fmt.Errorf("product %s links to UPL name %s, which is not in upl-municipal.csv", p.slug, p.uplURI)
		}
		q.SetUplEntryID(id)
	}
	created, err := q.Save(ctx)
	if err != nil {
		return fmt.Errorf("product %s: %w", p.slug, err)
	}
	l.productIDs[p.slug] = created.ID
	return nil
}

// text is nil for an empty text, so that it is stored as absent.
func text(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// setCell writes one cell change: create, update or clear.
func (l *loader) setCell(ctx context.Context, c *ent.Client, ch cellChange) error {
	key := [2]int{l.productIDs[ch.product], l.channels[ch.channel]}
	id, exists := l.cells[key]
	if ch.cell == nil {
		if !exists {
			return nil
		}
		delete(l.cells, key)
		delete(l.cellLocations, key)
		return c.Availability.DeleteOneID(id).Exec(ctx)
	}
	s := ch.cell
	locs := make([]int, 0, len(s.locations))
	for _, code := range s.locations {
		locs = append(locs, l.locations[code])
	}
	if !exists {
		q := c.Availability.Create().SetProductID(key[0]).SetChannelID(key[1]).
			SetStatus(availability.Status(s.status)).
			SetNillableReason(text(s.reason)).SetNillableURL(text(s.url)).SetNillablePhone(text(s.phone)).
			SetNillableInstructions(text(s.instructions)).SetNillableProcessingTime(text(s.processing)).
			SetNillableCostCents(s.costCents).SetLanguages(s.languages).
			AddLocationIDs(locs...)
		if !s.planned.IsZero() {
			q.SetPlannedDate(s.planned)
		}
		if s.ident != "" {
			q.SetIdentification(availability.Identification(s.ident))
		}
		created, err := q.Save(ctx)
		if err != nil {
			return err
		}
		l.cells[key] = created.ID
		l.cellLocations[key] = s.locations
		return nil
	}
	q := c.Availability.UpdateOneID(id).SetStatus(availability.Status(s.status)).SetLanguages(s.languages)
	for _, f := range []struct {
		v          string
		set        func(string) *ent.AvailabilityUpdateOne
		clearField func() *ent.AvailabilityUpdateOne
	}{
		{s.reason, q.SetReason, q.ClearReason},
		{s.url, q.SetURL, q.ClearURL},
		{s.phone, q.SetPhone, q.ClearPhone},
		{s.instructions, q.SetInstructions, q.ClearInstructions},
		{s.processing, q.SetProcessingTime, q.ClearProcessingTime},
	} {
		if f.v != "" {
			f.set(f.v)
		} else {
			f.clearField()
		}
	}
	if !slices.Equal(l.cellLocations[key], s.locations) {
		q.ClearLocations().AddLocationIDs(locs...)
		l.cellLocations[key] = s.locations
	}
	if s.costCents != nil {
		q.SetCostCents(*s.costCents)
	} else {
		q.ClearCostCents()
	}
	if !s.planned.IsZero() {
		q.SetPlannedDate(s.planned)
	}
	ident := availability.IdentificationNONE
	if s.ident != "" {
		ident = availability.Identification(s.ident)
	}
	q.SetIdentification(ident)
	return q.Exec(ctx)
}
