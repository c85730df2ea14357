package csvsheet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/availability"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/ent/uplentry"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/editing"
	"github.com/gemeente-rotterdam/catalogus/internal/exchange/csvfile"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// Options tune Import.
type Options struct {
	// Municipality is the code of the municipality whose products the sheet
	// holds; "" means the only one.
	Municipality string
	// DryRun checks everything, including the hooks' rules, and changes nothing.
	DryRun bool
	// Progress, when set, is told how many rows are written.
	Progress func(done, total int)
}

// MaxRows bounds a sheet: a municipality has hundreds of products, not
// hundreds of thousands; a larger file is a mistake.
const MaxRows = 20000

// column is one header cell as understood.
type column struct {
	index int
	name  string // as the header spells it
	// field is a product column's canonical name; channel is set for the
	// channel columns instead, reason telling the reason column from the status.
	field   string
	channel *ent.Channel
	reason  bool
}

// rowPlan is what one row asks for.
type rowPlan struct {
	line     int
	slug     string
	existing *ent.Product
	// set lists the product fields to write; only present columns count.
	name, theme, summary, status *string
	audiences                    []catalog.Audience
	ownerID                      *int
	uplID                        **int // set: a link (or nil to clear)
	cells                        []cellPlan
	// columns maps a field name to the header cell that set it, for problems.
	columns map[string]column
}

type cellPlan struct {
	statusCol, reasonCol column
	channel              *ent.Channel
	existing             *ent.Availability
	status               availability.Status
	planned              *time.Time
	reason               *string // nil: leave the reason as it is
}

// importer holds what the rows are checked against.
type importer struct {
	opts         Options
	municipality *ent.Organization
	orgs         map[string]int // code → id, within the municipality
	channels     map[string]*ent.Channel
	products     map[string]*ent.Product
	upl          map[string]int
	today        time.Time
	res          *Result
	header       []column
}

// Import reads a sheet and applies it to the catalogue, all or nothing: it
// checks every row, then writes the rows in one transaction, each through the
// hooks (in a savepoint, so that a refusal by a rule is reported and the other
// rows are still checked). With any problem, or in a dry run, it rolls back.
// ctx must carry the actor (and, for the API, the viewer). The error is for
// failures that are not the sheet's fault.
func Import(ctx context.Context, c *ent.Client, r io.Reader, opts Options) (*Result, error) {
	res := &Result{}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	cr := csvfile.NewReader(data)
	im := &importer{opts: opts, res: res}
	if err := im.load(ctx, c); err != nil {
		return nil, err
	}
	header, err := cr.Read()
	if err == io.EOF {
		res.Problems = append(res.Problems, csvfile.Problem{Row: 1, Code: "empty", Message: "the file is empty; it needs a header row with at least the column slug"})
		return res, nil
	}
	if err != nil {
		res.Problems = append(res.Problems, csvfile.ReadProblem(err))
		return res, nil
	}
	if !im.readHeader(header) {
		return res, nil
	}
	var plans []*rowPlan
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			res.Problems = append(res.Problems, csvfile.ReadProblem(err))
			break // the reader cannot find the next row reliably
		}
		line, _ := cr.FieldPos(0)
		if csvfile.IsBlank(rec) {
			continue
		}
		res.Rows++
		if res.Rows > MaxRows {
			res.Problems = append(res.Problems, csvfile.Problem{Row: line, Code: "too_large",
				Message: fmt.Sprintf("the sheet has more than %d product rows; split it", MaxRows)})
			break
		}
		if p := im.readRow(line, rec, seen); p != nil {
			plans = append(plans, p)
		}
	}
	if err := im.write(ctx, c, plans); err != nil {
		return nil, err
	}
	csvfile.SortProblems(res.Problems)
	return res, nil
}

func (im *importer) load(ctx context.Context, c *ent.Client) error {
	m, err := orgtree.Municipality(ctx, c, im.opts.Municipality)
	if err != nil {
		return err
	}
	im.municipality = m
	ids, err := orgtree.Subtree(ctx, c, m.ID)
	if err != nil {
		return err
	}
	orgs, err := c.Organization.Query().Where(organization.IDIn(ids...)).All(ctx)
	if err != nil {
		return err
	}
	im.orgs = map[string]int{}
	for _, o := range orgs {
		im.orgs[o.Code] = o.ID
	}
	chs, err := c.Channel.Query().All(ctx)
	if err != nil {
		return err
	}
	im.channels = map[string]*ent.Channel{}
	for _, ch := range chs {
		im.channels[strings.ToLower(ch.Code)] = ch
	}
	ps, err := c.Product.Query().Where(product.MunicipalityID(m.ID)).WithAvailabilities().All(ctx)
	if err != nil {
		return err
	}
	im.products = map[string]*ent.Product{}
	for _, p := range ps {
		im.products[p.Slug] = p
	}
	entries, err := c.UPLEntry.Query().Select(uplentry.FieldID, uplentry.FieldURI).All(ctx)
	if err != nil {
		return err
	}
	im.upl = map[string]int{}
	for _, e := range entries {
		im.upl[e.URI] = e.ID
	}
	im.today = catalog.DateOf(changelog.ClientNow(ctx, c))
	return nil
}

func (im *importer) problem(line int, col column, code, format string, args ...any) {
	p := csvfile.RowProblem(line, code, fmt.Sprintf(format, args...))
	if col.name != "" {
		p = csvfile.CellProblem(line, col.index, col.name, code, fmt.Sprintf(format, args...))
	}
	im.res.Problems = append(im.res.Problems, p)
}

// readHeader understands the header row; it reports false when the rows
// cannot be read with it.
func (im *importer) readHeader(header []string) bool {
	canonical := map[string]string{}
	for _, f := range productColumns {
		canonical[strings.ToLower(f)] = f
	}
	seen := map[string]bool{}
	ok := true
	for i, h := range header {
		name := strings.TrimSpace(h)
		col := column{index: i, name: name}
		if !catalog.IsText(name) {
			im.problem(1, column{}, "encoding", "%s", catalog.NotTextCell)
			return false
		}
		key := strings.ToLower(name)
		switch {
		case name == "":
			continue // Excel leaves empty columns at the end
		case canonical[key] != "":
			col.field = canonical[key]
		case im.channels[key] != nil:
			col.channel = im.channels[key]
		case strings.HasSuffix(key, reasonSuffix) && im.channels[strings.TrimSuffix(key, reasonSuffix)] != nil:
			col.channel, col.reason = im.channels[strings.TrimSuffix(key, reasonSuffix)], true
		default:
			im.problem(1, col, "unknown", "%q is not a column this sheet knows: use %s, a channel code (%s) or a channel code followed by \" reason\"",
				name, strings.Join(productColumns, ", "), strings.Join(im.channelCodes(), ", "))
			ok = false
			continue
		}
		if seen[key] {
			im.problem(1, col, "duplicate", "the column %q appears twice", name)
			ok = false
			continue
		}
		seen[key] = true
		im.header = append(im.header, col)
	}
	if !seen[colSlug] {
		im.problem(1, column{}, "required", "the header has no column slug: every row needs the product's slug to say which product it is")
		ok = false
	}
	return ok
}

func (im *importer) channelCodes() []string {
	codes := make([]string, 0, len(im.channels))
	for _, ch := range im.channels {
		codes = append(codes, ch.Code)
	}
	slices.Sort(codes)
	return codes
}

// readRow checks one row and plans its writes; it returns nil when the row
// has a problem.
func (im *importer) readRow(line int, rec []string, seen map[string]int) *rowPlan {
	before := len(im.res.Problems)
	plan := &rowPlan{line: line, columns: map[string]column{}}
	get := func(c column) string {
		if c.index < len(rec) {
			return strings.TrimSpace(rec[c.index])
		}
		return ""
	}
	values, cells, slugCol, ok := im.splitRow(line, plan, get)
	if !ok || !im.claimSlug(line, plan, values[colSlug], slugCol, seen) {
		return nil
	}
	im.readProductFields(line, plan, values)
	if !im.checkProduct(line, plan) {
		return nil
	}
	im.readCells(line, plan, cells, get)
	if len(im.res.Problems) > before {
		return nil
	}
	return plan
}

// splitRow sorts a row's cells into the product's values (by field) and the
// channels' cells; it reports false when a cell is not text, after which
// nothing else of the row can be trusted to be read right.
func (im *importer) splitRow(line int, plan *rowPlan, get func(column) string) (map[string]string, map[int]*cellPlan, column, bool) {
	values := map[string]string{}
	cells := map[int]*cellPlan{}
	var slugCol column
	garbled := false
	for _, c := range im.header {
		v := get(c)
		if !catalog.IsText(v) {
			// Nothing else of the row can be trusted to be read right.
			im.problem(line, c, "encoding", "%s", catalog.NotTextCell)
			garbled = true
			continue
		}
		if c.channel == nil {
			values[c.field] = v
			plan.columns[c.field] = c
			if c.field == colSlug {
				slugCol = c
			}
			continue
		}
		cp := cells[c.channel.ID]
		if cp == nil {
			cp = &cellPlan{channel: c.channel}
			cells[c.channel.ID] = cp
		}
		if c.reason {
			cp.reasonCol = c
			r := unescapeFormula(v)
			cp.reason = &r
		} else {
			cp.statusCol = c
		}
	}
	return values, cells, slugCol, !garbled
}

// claimSlug checks the row's slug and that no row before it has it.
func (im *importer) claimSlug(line int, plan *rowPlan, slug string, slugCol column, seen map[string]int) bool {
	plan.slug = slug
	if err := catalog.CheckSlug(slug); err != nil {
		fe, _ := catalog.AsFieldError(err)
		im.problem(line, slugCol, fe.Code, "%s", fe.Message)
		return false
	}
	if first, dup := seen[slug]; dup {
		im.problem(line, slugCol, "duplicate", "product %s is on row %d already; give each product one row", slug, first)
		return false
	}
	seen[slug] = line
	plan.existing = im.products[slug]
	return true
}

// readProductFields reads the product's own columns into the plan.
func (im *importer) readProductFields(line int, plan *rowPlan, values map[string]string) {
	slug, p := plan.slug, plan.existing
	str := func(field string) *string {
		if _, ok := plan.columns[field]; !ok {
			return nil
		}
		v := unescapeFormula(values[field])
		return &v
	}
	plan.name, plan.theme, plan.summary = str(colName), str(colTheme), str(colSummary)
	if v := str(colStatus); v != nil {
		s := strings.ToUpper(*v)
		if product.StatusValidator(product.Status(s)) != nil {
			im.problem(line, plan.columns[colStatus], "invalid", "%q is not a product status; use DRAFT, PUBLISHED or RETIRED", *v)
		}
		plan.status = &s
	}
	if v, ok := values[colAudiences]; ok {
		for _, a := range strings.FieldsFunc(v, func(r rune) bool { return r == '|' || r == ',' || r == ';' || r == ' ' }) {
			plan.audiences = append(plan.audiences, catalog.Audience(strings.ToUpper(a)))
		}
		if plan.audiences == nil {
			plan.audiences = []catalog.Audience{}
		}
	}
	if v, ok := values[colOwner]; ok {
		if id, found := im.orgs[v]; found {
			plan.ownerID = &id
		} else if v == "" {
			im.problem(line, plan.columns[colOwner], "required", "the owner is required: the code of the organization that owns the product")
		} else {
			im.problem(line, plan.columns[colOwner], "unknown", "there is no organization with code %q in municipality %s", v, im.municipality.Code)
		}
	}
	if v, ok := values[colUplURI]; ok {
		var id *int
		if v != "" {
			found, known := im.upl[v]
			if !known {
				im.problem(line, plan.columns[colUplURI], "unknown", "%q is not a name on the UPL list (load the list with catalogus upl import)", v)
			}
			id = &found
		}
		plan.uplID = &id
	}
	if v, ok := values[colVersion]; ok && p != nil {
		// The version says which state of the product the row was edited
		// from; a row without one for a product that exists is most likely
		// meant as a new product that took a slug already in use.
		n, err := strconv.Atoi(v)
		switch {
		case v == "":
			im.problem(line, plan.columns[colVersion], "exists",
				"product %s exists already (version %d): give a new product a slug of its own, or write the version to change this one", slug, p.Version)
		case err != nil:
			im.problem(line, plan.columns[colVersion], "format", "%q is not a version number; leave the number the export wrote", v)
		case n != p.Version:
			im.problem(line, plan.columns[colVersion], "conflict",
				"product %s changed since this sheet was exported (version %d in the sheet, %d now); export it again and redo your change", slug, n, p.Version)
		}
	}
}

// checkProduct holds the product as it will be to the catalogue's rules; it
// reports false when a new product lacks a column it needs.
func (im *importer) checkProduct(line int, plan *rowPlan) bool {
	slug, p := plan.slug, plan.existing
	// The product as it will be, checked by the catalogue's rules.
	after := catalog.Product{Slug: slug}
	if p != nil {
		after.Name, after.Theme, after.Audiences = p.Name, p.Theme, p.Audiences
	} else {
		missing := false
		for _, f := range []string{colName, colTheme, colAudiences, colOwner} {
			if _, ok := plan.columns[f]; !ok {
				im.problem(line, column{}, "required", "product %s is new, and a new product needs the column %s", slug, f)
				missing = true
			}
		}
		if missing {
			return false
		}
	}
	if plan.name != nil {
		after.Name = *plan.name
	}
	if plan.theme != nil {
		after.Theme = *plan.theme
	}
	if plan.audiences != nil {
		after.Audiences = plan.audiences
	}
	if err := after.Check(); err != nil {
		if fe, ok := catalog.AsFieldError(err); ok {
			im.problem(line, plan.columns[fe.Field], fe.Code, "%s", fe.Message)
		}
	}
	return true
}

// readCells reads the channels' cells, in the channels' order, into the plan.
func (im *importer) readCells(line int, plan *rowPlan, cells map[int]*cellPlan, get func(column) string) {
	p := plan.existing
	existingCells := map[int]*ent.Availability{}
	if p != nil {
		for _, a := range p.Edges.Availabilities {
			existingCells[a.ChannelID] = a
		}
	}
	ids := make([]int, 0, len(cells))
	for id := range cells {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		cp := cells[id]
		cp.existing = existingCells[id]
		if im.readCell(line, get(cp.statusCol), cp) {
			plan.cells = append(plan.cells, *cp)
		}
	}
}

// readCell understands a channel's status cell ("AVAILABLE", "PLANNED
// 1-9-2026"); it reports whether the cell is to be written.
func (im *importer) readCell(line int, v string, cp *cellPlan) bool {
	statusCol := cp.statusCol
	if statusCol.name == "" {
		// Only the reason column is there: it explains the cell as it is.
		statusCol = cp.reasonCol
	}
	if v == "" || cp.statusCol.name == "" {
		if cp.existing == nil && cp.reason != nil && *cp.reason != "" {
			im.problem(line, cp.reasonCol, "required", "there is a reason for %s but no status; write the status in column %s", cp.channel.Code, cp.channel.Code)
			return false
		}
		if cp.existing == nil {
			return false // not assessed, and it stays so
		}
		if v == "" && cp.statusCol.name != "" {
			// An empty status leaves the cell as it is: returning a cell to
			// "not assessed" is a deliberate act, done in the API.
			return false
		}
		v = cp.existing.Status.String()
		if cp.existing.PlannedDate != nil {
			v += " " + cp.existing.PlannedDate.Format(time.DateOnly)
		}
	}
	words := strings.Fields(v)
	status := availability.Status(strings.ReplaceAll(strings.ToUpper(words[0]), "-", "_"))
	if availability.StatusValidator(status) != nil {
		im.problem(line, statusCol, "invalid", "%q is not a channel status; use AVAILABLE, PARTIAL, PLANNED with a date (PLANNED 1-9-2026), UNAVAILABLE or NOT_APPLICABLE, or leave it empty", v)
		return false
	}
	cp.status = status
	switch {
	case status == availability.StatusPLANNED && len(words) == 2:
		d, err := catalog.ParseDutchDate(words[1])
		if err != nil {
			im.problem(line, statusCol, "format", "the planned date: %v", err)
			return false
		}
		cp.planned = &d
	case status == availability.StatusPLANNED:
		im.problem(line, statusCol, "required", "PLANNED needs the date it is expected, after a space: e.g. PLANNED 1-9-2026")
		return false
	case len(words) > 1:
		im.problem(line, statusCol, "format", "%q: only PLANNED takes a date; write just %s", v, status)
		return false
	}
	reason := ""
	if cp.reason != nil {
		reason = *cp.reason
	} else if cp.existing != nil {
		reason = deref(cp.existing.Reason)
	}
	if cp.planned != nil && cp.planned.Before(im.today) &&
		(cp.existing == nil || cp.existing.PlannedDate == nil || !cp.existing.PlannedDate.Equal(*cp.planned)) {
		im.problem(line, statusCol, "past", "the planned date %s lies in the past; give today's date or a later one", cp.planned.Format(time.DateOnly))
		return false
	}
	if err := (catalog.Availability{Status: status.String(), PlannedDate: cp.planned, Reason: reason}).Check(); err != nil {
		fe, _ := catalog.AsFieldError(err)
		col := statusCol
		if fe != nil && fe.Field == "reason" && cp.reasonCol.name != "" {
			col = cp.reasonCol
		}
		if fe == nil {
			im.problem(line, col, "invalid", "%v", err)
		} else {
			im.problem(line, col, fe.Code, "%s", fe.Message)
		}
		return false
	}
	return cellChanges(cp)
}

// cellChanges reports whether writing the cell would change it.
func cellChanges(cp *cellPlan) bool {
	a := cp.existing
	if a == nil {
		return true
	}
	if a.Status != cp.status {
		return true
	}
	if cp.planned != nil && (a.PlannedDate == nil || !a.PlannedDate.Equal(*cp.planned)) {
		return true
	}
	return cp.reason != nil && *cp.reason != deref(a.Reason)
}

// write applies the plans in one transaction, each row in a savepoint.
func (im *importer) write(ctx context.Context, c *ent.Client, plans []*rowPlan) error {
	err := txn.Run(ctx, c, func(txc *ent.Client) error {
		for i, plan := range plans {
			if err := im.writeInSavepoint(ctx, txc, plan); err != nil {
				return err
			}
			if im.opts.Progress != nil {
				im.opts.Progress(i+1, len(plans))
			}
		}
		if im.opts.DryRun || len(im.res.Problems) > 0 {
			return txn.Discard
		}
		return nil
	})
	im.res.Applied = err == nil && !im.opts.DryRun && len(im.res.Problems) == 0
	return err
}

// writeInSavepoint writes one row; a rule's refusal becomes a problem of the
// row and undoes only that row.
func (im *importer) writeInSavepoint(ctx context.Context, txc *ent.Client, plan *rowPlan) error {
	if _, err := txc.ExecContext(ctx, "SAVEPOINT csvsheet_row"); err != nil {
		return err
	}
	created, changed, cells, werr := im.writeRow(ctx, txc, plan)
	if werr != nil {
		if !im.report(plan, werr) {
			return werr
		}
		if _, err := txc.ExecContext(ctx, "ROLLBACK TO SAVEPOINT csvsheet_row"); err != nil {
			return err
		}
	}
	if _, err := txc.ExecContext(ctx, "RELEASE SAVEPOINT csvsheet_row"); err != nil {
		return err
	}
	if werr == nil {
		switch {
		case created:
			im.res.Created++
		case changed || cells > 0:
			im.res.Changed++
		default:
			im.res.Unchanged++
		}
		im.res.Cells += cells
	}
	return nil
}

// report turns a refusal by a hook or rule into a problem of the row; it
// reports false for failures that are not the sheet's fault.
func (im *importer) report(plan *rowPlan, err error) bool {
	var col column
	var ce *cellError
	if errors.As(err, &ce) {
		col = ce.cell.statusCol
		err = ce.err
	}
	if fe, ok := catalog.AsFieldError(err); ok {
		if c, ok := plan.columns[fe.Field]; ok && col.name == "" {
			col = c
		}
		if fe.Field == "reason" && ce != nil && ce.cell.reasonCol.name != "" {
			col = ce.cell.reasonCol
		}
		im.problem(plan.line, col, fe.Code, "%s", fe.Message)
		return true
	}
	var nf *catalog.NotFoundError
	switch {
	case errors.As(err, &nf):
		im.problem(plan.line, col, "not_found", "%s", nf.Message)
	case errors.Is(err, privacy.Deny):
		im.problem(plan.line, col, "forbidden", "you may not change product %s", plan.slug)
	case ent.IsConstraintError(err), ent.IsValidationError(err):
		im.problem(plan.line, col, "invalid", "%v", err)
	default:
		return false
	}
	return true
}

// cellError names the cell a write failed on.
type cellError struct {
	cell *cellPlan
	err  error
}

func (e *cellError) Error() string { return e.cell.channel.Code + ": " + e.err.Error() }
func (e *cellError) Unwrap() error { return e.err }

// writeRow writes one product and its cells.
func (im *importer) writeRow(ctx context.Context, tx *ent.Client, plan *rowPlan) (created, changed bool, cells int, err error) {
	p := plan.existing
	if p == nil {
		q := tx.Product.Create().SetSlug(plan.slug).SetName(*plan.name).SetTheme(*plan.theme).
			SetAudiences(plan.audiences).SetOwnerID(*plan.ownerID).SetNillableSummary(plan.summary)
		if plan.status != nil {
			q.SetStatus(product.Status(*plan.status))
		}
		if plan.uplID != nil {
			q.SetNillableUplEntryID(*plan.uplID)
		}
		if p, err = q.Save(ctx); err != nil {
			return false, false, 0, err
		}
		created = true
	} else if u, diff := im.productUpdate(tx, p, plan); diff {
		if err := u.Exec(ctx); err != nil {
			return false, false, 0, err
		}
		changed = true
	}
	for i := range plan.cells {
		cp := &plan.cells[i]
		if err := writeCell(ctx, tx, p.ID, cp); err != nil {
			return false, false, 0, &cellError{cell: cp, err: err}
		}
		cells++
	}
	if created || changed || cells > 0 {
		if err := editing.KeepsAChannel(ctx, tx, p.ID); err != nil {
			return false, false, 0, err
		}
	}
	return created, changed, cells, nil
}

// productUpdate builds the update of an existing product with the fields
// that differ, and reports whether there is any.
func (im *importer) productUpdate(tx *ent.Client, p *ent.Product, plan *rowPlan) (*ent.ProductUpdateOne, bool) {
	u := tx.Product.UpdateOneID(p.ID)
	diff := false
	if plan.name != nil && *plan.name != p.Name {
		u.SetName(*plan.name)
		diff = true
	}
	if plan.theme != nil && *plan.theme != p.Theme {
		u.SetTheme(*plan.theme)
		diff = true
	}
	if plan.summary != nil && *plan.summary != p.Summary {
		u.SetSummary(*plan.summary)
		diff = true
	}
	if plan.status != nil && *plan.status != p.Status.String() {
		u.SetStatus(product.Status(*plan.status))
		diff = true
	}
	if plan.audiences != nil && !slices.Equal(plan.audiences, p.Audiences) {
		u.SetAudiences(plan.audiences)
		diff = true
	}
	if plan.ownerID != nil && *plan.ownerID != p.OwnerID {
		u.SetOwnerID(*plan.ownerID)
		diff = true
	}
	if plan.uplID != nil {
		want := *plan.uplID
		switch {
		case want == nil && p.UplEntryID != nil:
			u.ClearUplEntry()
			diff = true
		case want != nil && (p.UplEntryID == nil || *p.UplEntryID != *want):
			u.SetUplEntryID(*want)
			diff = true
		}
	}
	return u, diff
}

// writeCell writes one channel cell: its status, planned date and, when the
// sheet has the column, its reason. Other details (URL, phone, locations, …)
// are not in the sheet and stay as they are.
func writeCell(ctx context.Context, tx *ent.Client, productID int, cp *cellPlan) error {
	if cp.existing == nil {
		return tx.Availability.Create().SetProductID(productID).SetChannelID(cp.channel.ID).SetStatus(cp.status).
			SetNillablePlannedDate(cp.planned).SetNillableReason(nonEmpty(cp.reason)).Exec(ctx)
	}
	u := tx.Availability.UpdateOneID(cp.existing.ID).SetStatus(cp.status)
	if cp.planned != nil {
		u.SetPlannedDate(*cp.planned)
	} else {
		u.ClearPlannedDate()
	}
	if cp.reason != nil {
		if *cp.reason == "" {
			u.ClearReason()
		} else {
			u.SetReason(*cp.reason)
		}
	}
	return u.Exec(ctx)
}

func nonEmpty(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}
