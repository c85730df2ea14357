// Package editing is how product owners change the catalogue: create and
// update products, publish and retire them, and set what each channel offers.
// Every change runs in one transaction, checks the version the editor saw
// (optimistic concurrency: nobody overwrites a newer change unseen), and goes
// through the Ent hooks and privacy policies like any write, so it is
// authorised and lands in the change log with the viewer as actor.
package editing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/location"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/uplentry"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/change"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// Service edits one database.
type Service struct {
	Client *ent.Client
	// Municipality is the default municipality's code ("" = the only one).
	Municipality string
}

// Cell is what a channel of a product should become. Details left nil are
// cleared: the cell is described whole.
type Cell struct {
	Channel        string
	Status         availability.Status
	PlannedDate    *time.Time
	Reason         *string
	URL            *string
	Phone          *string
	Locations      []string
	Instructions   *string
	ProcessingTime *string
	CostCents      *int
	CostCurrency   *string
	Identification *availability.Identification
	Languages      []string
	// Reviewed marks the cell reviewed today, also when nothing else changes.
	Reviewed *bool
}

// ProductRef names a product and the version the editor saw.
type ProductRef struct {
	Product         string
	Municipality    *string
	ExpectedVersion int
}

// SetAvailability is one cell of one product.
type SetAvailability struct {
	ProductRef
	Cell
}

// SetAvailabilities is several cells of one product.
type SetAvailabilities struct {
	ProductRef
	Cells []Cell
}

// ClearAvailability returns a cell to "not assessed".
type ClearAvailability struct {
	ProductRef
	Channel string
}

// ProductVersion names a product of the default or given municipality and
// the version the editor saw.
type ProductVersion struct {
	Product         string
	ExpectedVersion int
}

// SetChannelForProducts sets one channel on many products.
type SetChannelForProducts struct {
	Municipality *string
	Products     []ProductVersion
	Cell         Cell
}

// CreateProduct is a new product.
type CreateProduct struct {
	Municipality *string
	Slug, Name   string
	NameEn       *string
	Summary      *string
	Description  *string
	// Keywords are other words residents use for the product.
	Keywords  []string
	Audiences []catalog.Audience
	Theme     string
	Owner     string
	UplURI    *string
}

// UpdateProduct changes the fields that are set.
type UpdateProduct struct {
	ProductRef
	Slug, Name, NameEn, Summary, Description *string
	// Keywords, when not nil, replace the product's keywords (empty: none).
	Keywords             []string
	Audiences            []catalog.Audience
	Theme, Owner, UplURI *string
}

// InTx runs fn in a transaction as the caller's change (change.Run).
func (s *Service) InTx(ctx context.Context, fn func(ctx context.Context, tx *ent.Client) error) error {
	return change.Run(ctx, s.Client, fn)
}

// product finds a product the viewer may see, and takes its version.
func (s *Service) product(ctx context.Context, tx *ent.Client, ref ProductRef) (*ent.Product, error) {
	m, err := orgtree.Municipality(ctx, tx, s.municipalityCode(ref.Municipality))
	if err != nil {
		return nil, err
	}
	p, err := tx.Product.Query().Where(product.MunicipalityID(m.ID), product.Slug(ref.Product)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, catalog.NotFound("product", "there is no product %q in municipality %q", ref.Product, m.Code)
	}
	if err != nil {
		return nil, err
	}
	return p, lockVersion(ctx, tx, p, ref.ExpectedVersion)
}

func (s *Service) municipalityCode(code *string) string {
	if code != nil {
		return *code
	}
	return s.Municipality
}

// lockVersion checks the version the editor saw and holds the product until
// the transaction ends.
func lockVersion(ctx context.Context, tx *ent.Client, p *ent.Product, expected int) error {
	if held, err := txn.HoldVersion(ctx, tx, product.Table, p.ID, expected); err != nil || held {
		return err
	}
	current, err := tx.Product.Query().Where(product.ID(p.ID)).Select(product.FieldVersion).Int(auth.Allow(ctx))
	if err != nil {
		return err
	}
	return &catalog.ConflictError{Entity: "product", Name: p.Slug, Expected: expected, Current: current}
}

// reload reads a product again after the transaction, as the viewer sees it.
func (s *Service) reload(ctx context.Context, id int) (*ent.Product, error) {
	return change.Reread(ctx, id, s.Client.Product.Get)
}

// CreateProduct adds a DRAFT product.
func (s *Service) CreateProduct(ctx context.Context, in CreateProduct) (*ent.Product, error) {
	var id int
	err := s.InTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		m, err := orgtree.Municipality(ctx, tx, s.municipalityCode(in.Municipality))
		if err != nil {
			return err
		}
		owner, err := orgtree.Within(ctx, tx, m, in.Owner, "owner")
		if err != nil {
			return err
		}
		q := tx.Product.Create().SetSlug(in.Slug).SetName(in.Name).SetNillableNameEn(in.NameEn).
			SetNillableSummary(in.Summary).SetNillableDescription(in.Description).
			SetAudiences(in.Audiences).SetTheme(in.Theme).SetOwner(owner).SetStatus(product.StatusDRAFT)
		if len(in.Keywords) > 0 {
			q.SetKeywords(in.Keywords)
		}
		if in.UplURI != nil {
			upl, err := uplEntry(ctx, tx, *in.UplURI)
			if err != nil {
				return err
			}
			q.SetUplEntry(upl)
		}
		p, err := q.Save(ctx)
		if err != nil {
			return err
		}
		id = p.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, id)
}

func uplEntry(ctx context.Context, tx *ent.Client, uri string) (*ent.UPLEntry, error) {
	e, err := tx.UPLEntry.Query().Where(uplentry.URI(uri)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, catalog.NotFound("uplUri", "%q is not a name on the UPL list", uri)
	}
	return e, err
}

// UpdateProduct changes the fields that are set.
func (s *Service) UpdateProduct(ctx context.Context, in UpdateProduct) (*ent.Product, error) {
	var id int
	err := s.InTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		p, err := s.product(ctx, tx, in.ProductRef)
		if err != nil {
			return err
		}
		id = p.ID
		q := tx.Product.UpdateOne(p).SetNillableSlug(in.Slug).SetNillableName(in.Name).
			SetNillableSummary(in.Summary).SetNillableDescription(in.Description).SetNillableTheme(in.Theme)
		if in.NameEn != nil {
			q.SetNameEn(*in.NameEn)
		}
		if in.Audiences != nil {
			q.SetAudiences(in.Audiences)
		}
		if in.Keywords != nil {
			if len(in.Keywords) == 0 {
				q.ClearKeywords()
			} else {
				q.SetKeywords(in.Keywords)
			}
		}
		if in.Owner != nil {
			m, err := tx.Organization.Get(ctx, p.MunicipalityID)
			if err != nil {
				return err
			}
			owner, err := orgtree.Within(ctx, tx, m, *in.Owner, "owner")
			if err != nil {
				return err
			}
			q.SetOwner(owner)
		}
		if in.UplURI != nil {
			if *in.UplURI == "" {
				q.ClearUplEntry()
			} else {
				upl, err := uplEntry(ctx, tx, *in.UplURI)
				if err != nil {
					return err
				}
				q.SetUplEntry(upl)
			}
		}
		return q.Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, id)
}

// SetStatus publishes or retires a product.
func (s *Service) SetStatus(ctx context.Context, ref ProductRef, status product.Status) (*ent.Product, error) {
	var id int
	err := s.InTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		p, err := s.product(ctx, tx, ref)
		if err != nil {
			return err
		}
		id = p.ID
		if err := tx.Product.UpdateOne(p).SetStatus(status).Exec(ctx); err != nil {
			return err
		}
		return keepsAChannel(ctx, tx, p.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, id)
}

// StatusChange names a product to publish or retire; Force publishes it
// although the readiness checklist has open items.
type StatusChange struct {
	ProductRef
	Force *bool
}

// Gate says what a product misses before it may go live (the readiness
// checklist, internal/readiness), read in the publishing transaction.
type Gate func(ctx context.Context, tx *ent.Client, p *ent.Product) ([]string, error)

// NotReadyError refuses to publish a product that is not ready, unless the
// caller forces it; it names what is missing.
type NotReadyError struct {
	Product string
	Missing []string
}

func (e *NotReadyError) Error() string { return e.APIMessage() }

func (e *NotReadyError) APICode() string { return catalog.CodeBadUserInput }

func (e *NotReadyError) APIMessage() string {
	return fmt.Sprintf("product %s is not ready to go live; missing: %s Finish these first, or publish with force: true (the change log records what was missing)",
		e.Product, strings.Join(e.Missing, " "))
}

func (e *NotReadyError) APIExtensions() map[string]any {
	return map[string]any{"field": "force", "reason": "not_ready", "missing": e.Missing}
}

// Publish makes a product public. When gate names open items, it refuses
// unless in.Force is true; forced, the product records what was missing
// (published_not_ready), so that the change log shows the publication was
// forced and why. Publishing a ready product clears that record. A product
// already published is left as it is.
func (s *Service) Publish(ctx context.Context, in StatusChange, gate Gate) (*ent.Product, error) {
	var id int
	err := s.InTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		p, err := s.product(ctx, tx, in.ProductRef)
		if err != nil {
			return err
		}
		id = p.ID
		if p.Status == product.StatusPUBLISHED {
			return nil
		}
		missing, err := gate(ctx, tx, p)
		if err != nil {
			return err
		}
		q := tx.Product.UpdateOne(p).SetStatus(product.StatusPUBLISHED)
		switch {
		case len(missing) > 0 && (in.Force == nil || !*in.Force):
			return &NotReadyError{Product: p.Slug, Missing: missing}
		case len(missing) > 0:
			q.SetPublishedNotReady(missing)
		default:
			q.ClearPublishedNotReady()
		}
		if err := q.Exec(ctx); err != nil {
			return err
		}
		return keepsAChannel(ctx, tx, p.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, id)
}

// SetAvailabilities sets cells of one product, all or nothing.
func (s *Service) SetAvailabilities(ctx context.Context, in SetAvailabilities) (*ent.Product, error) {
	var id int
	err := s.InTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		p, err := s.product(ctx, tx, in.ProductRef)
		if err != nil {
			return err
		}
		id = p.ID
		seen := map[string]bool{}
		for i, c := range in.Cells {
			if seen[c.Channel] {
				return &catalog.FieldError{Entity: "availability", Field: fmt.Sprintf("cells[%d].channel", i), Code: "duplicate",
					Message: fmt.Sprintf("channel %s appears twice", c.Channel)}
			}
			seen[c.Channel] = true
			if err := setCell(ctx, tx, p, c); err != nil {
				return err
			}
		}
		return keepsAChannel(ctx, tx, p.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, id)
}

// SetAvailability sets one cell of one product.
func (s *Service) SetAvailability(ctx context.Context, in SetAvailability) (*ent.Product, error) {
	return s.SetAvailabilities(ctx, SetAvailabilities{ProductRef: in.ProductRef, Cells: []Cell{in.Cell}})
}

// ClearAvailability returns a cell to "not assessed".
func (s *Service) ClearAvailability(ctx context.Context, in ClearAvailability) (*ent.Product, error) {
	var id int
	err := s.InTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		p, err := s.product(ctx, tx, in.ProductRef)
		if err != nil {
			return err
		}
		id = p.ID
		ch, err := channelByCode(ctx, tx, in.Channel, "channel")
		if err != nil {
			return err
		}
		a, err := tx.Availability.Query().Where(availability.ProductID(p.ID), availability.ChannelID(ch.ID)).Only(ctx)
		if ent.IsNotFound(err) {
			return nil // not assessed already: nothing changes
		}
		if err != nil {
			return err
		}
		return tx.Availability.DeleteOne(a).Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, id)
}

// SetChannelForProducts sets one channel on many products, all or nothing.
func (s *Service) SetChannelForProducts(ctx context.Context, in SetChannelForProducts) ([]*ent.Product, error) {
	var ids []int
	err := s.InTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		for i, pv := range in.Products {
			p, err := s.product(ctx, tx, ProductRef{Product: pv.Product, Municipality: in.Municipality, ExpectedVersion: pv.ExpectedVersion})
			if err != nil {
				return fmt.Errorf("products[%d]: %w", i, err)
			}
			ids = append(ids, p.ID)
			if err := setCell(ctx, tx, p, in.Cell); err != nil {
				return err
			}
			if err := keepsAChannel(ctx, tx, p.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*ent.Product, 0, len(ids))
	for _, id := range ids {
		p, err := s.reload(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func channelByCode(ctx context.Context, tx *ent.Client, code, field string) (*ent.Channel, error) {
	ch, err := tx.Channel.Query().Where(channel.Code(code)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, catalog.NotFound(field, "there is no channel with code %q", code)
	}
	return ch, err
}

// setCell writes one cell as described.
func setCell(ctx context.Context, tx *ent.Client, p *ent.Product, c Cell) error {
	ch, err := channelByCode(ctx, tx, c.Channel, "channel")
	if err != nil {
		return err
	}
	var locs []int
	if len(c.Locations) > 0 {
		found, err := tx.Location.Query().Where(location.CodeIn(c.Locations...)).All(ctx)
		if err != nil {
			return err
		}
		byCode := map[string]int{}
		for _, l := range found {
			byCode[l.Code] = l.ID
		}
		for _, code := range c.Locations {
			id, ok := byCode[code]
			if !ok {
				return catalog.NotFound("locations", "there is no location with code %q", code)
			}
			locs = append(locs, id)
		}
	}
	if c.ProcessingTime != nil {
		// Stored as published: weeks as days, so the API, the filters and the
		// open formats all see one form (an invalid value is left for the
		// rules to refuse with their message).
		pt := catalog.InDays(*c.ProcessingTime)
		c.ProcessingTime = &pt
	}
	ident := availability.IdentificationNONE
	if c.Identification != nil {
		ident = *c.Identification
	}
	currency := "EUR"
	if c.CostCurrency != nil {
		currency = *c.CostCurrency
	}
	today := catalog.DateOf(changelog.ClientNow(ctx, tx))
	existing, err := tx.Availability.Query().Where(availability.ProductID(p.ID), availability.ChannelID(ch.ID)).
		WithLocations().Only(auth.Allow(ctx))
	if err != nil && !ent.IsNotFound(err) {
		return err
	}
	if existing == nil {
		q := tx.Availability.Create().SetProduct(p).SetChannel(ch).SetStatus(c.Status).
			SetNillablePlannedDate(c.PlannedDate).SetNillableReason(c.Reason).SetNillableURL(c.URL).SetNillablePhone(c.Phone).
			SetNillableInstructions(c.Instructions).SetNillableProcessingTime(c.ProcessingTime).SetNillableCostCents(c.CostCents).
			SetCostCurrency(currency).SetIdentification(ident).SetLanguages(c.Languages).AddLocationIDs(locs...)
		return q.Exec(ctx)
	}
	q := tx.Availability.UpdateOne(existing).SetStatus(c.Status).SetCostCurrency(currency).SetIdentification(ident)
	setOrClear(c.Reason, q.SetReason, q.ClearReason)
	setOrClear(c.URL, q.SetURL, q.ClearURL)
	setOrClear(c.Phone, q.SetPhone, q.ClearPhone)
	setOrClear(c.Instructions, q.SetInstructions, q.ClearInstructions)
	setOrClear(c.ProcessingTime, q.SetProcessingTime, q.ClearProcessingTime)
	setOrClear(c.CostCents, q.SetCostCents, q.ClearCostCents)
	if c.PlannedDate != nil {
		q.SetPlannedDate(*c.PlannedDate)
	} else {
		q.ClearPlannedDate()
	}
	if c.Languages != nil {
		q.SetLanguages(c.Languages)
	} else {
		q.ClearLanguages()
	}
	if !sameIDs(existing.Edges.Locations, locs) {
		q.ClearLocations().AddLocationIDs(locs...)
	}
	if c.Reviewed != nil && *c.Reviewed {
		q.SetLastReviewed(today)
	}
	return q.Exec(ctx)
}

func setOrClear[T any, B any](v *T, set func(T) B, clear func() B) {
	if v != nil {
		set(*v)
	} else {
		clear()
	}
}

func sameIDs(have []*ent.Location, want []int) bool {
	if len(have) != len(want) {
		return false
	}
	set := map[int]bool{}
	for _, l := range have {
		set[l.ID] = true
	}
	for _, id := range want {
		if !set[id] {
			return false
		}
	}
	return true
}

// KeepsAChannel is the rule that a published product stays offered
// somewhere, for other writers of products (the spreadsheet import).
func KeepsAChannel(ctx context.Context, tx *ent.Client, productID int) error {
	return keepsAChannel(ctx, tx, productID)
}

// keepsAChannel refuses to leave a published product with every active
// channel NOT_APPLICABLE: it would be offered nowhere.
func keepsAChannel(ctx context.Context, tx *ent.Client, productID int) error {
	ctx = auth.Allow(ctx)
	p, err := tx.Product.Get(ctx, productID)
	if err != nil || p.Status != product.StatusPUBLISHED {
		return err
	}
	active, err := tx.Channel.Query().Where(channel.Active(true)).Count(ctx)
	if err != nil {
		return err
	}
	na, err := tx.Availability.Query().Where(availability.ProductID(productID), availability.StatusEQ(availability.StatusNOT_APPLICABLE),
		availability.HasChannelWith(channel.Active(true))).Count(ctx)
	if err != nil {
		return err
	}
	if active > 0 && na == active {
		return &catalog.FieldError{Entity: "product", Field: "status", Code: "no_channel",
			Message: fmt.Sprintf("a published product must stay available through at least one channel; %s would be NOT_APPLICABLE everywhere", p.Slug)}
	}
	return nil
}

// Admin runs an admin's change to the catalogue's structure (channels,
// organizations, locations, targets) in a transaction, and records it in the
// security log in the same transaction. fn returns what it changed, in words.
func (s *Service) Admin(ctx context.Context, action string, fn func(ctx context.Context, tx *ent.Client) (string, error)) error {
	return s.InTx(ctx, func(ctx context.Context, tx *ent.Client) error {
		what, err := fn(ctx, tx)
		if err != nil {
			return err
		}
		actor := "unknown"
		if v := auth.FromContext(ctx); v != nil {
			actor = v.Name
		} else if a, ok := changelog.ActorFrom(ctx); ok {
			actor = a.Name
		}
		return auth.Record(ctx, tx, auth.AdminAction, actor, "", action+": "+what)
	})
}
