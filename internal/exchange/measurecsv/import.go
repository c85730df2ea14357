// Package measurecsv reads survey results and contact volumes from a CSV file
// as a survey tool or a contact-centre system exports them: one row per
// period and channel, optionally per product or organization unit, with the
// counts. Every row is checked first; then everything is written in one
// transaction through the hooks (so the change log records it), or, in a dry
// run or when anything is wrong, nothing is.
//
// Columns (English or Dutch header, any order, ; or ,):
//
//	period | periode          2024-03 (a month) or 2024-Q1 / 2024-K1 (a quarter)
//	channel | kanaal          channel code: balie, telefoon, website, …
//	product                   product slug (optional)
//	organization | organisatie  unit code (optional)
//	respondents | respondenten
//	dissatisfied_general | ontevreden_algemeen
//	dissatisfied_clarity | ontevreden_duidelijkheid
//	dissatisfied_friendliness | ontevreden_vriendelijkheid
//	dissatisfied_timeliness | ontevreden_tijdigheid
//	promoters | promotors, passives | passief, detractors | criticasters
//	contacts | contacten
//	requests | aanvragen
//
// A row with respondents records a survey result; a row with contacts records
// a contact volume; a row may do both. A row whose key is already stored
// replaces that measurement's figures — those of the columns the file has. A
// file without requests, promoters, passives or detractors leaves those
// figures of stored measurements as they are: an export without them says
// nothing about them. An empty cell in a column the file has is a figure:
// empty requests clear the stored ones (the source did not count them), an
// empty NPS count is 0.
package measurecsv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/ent/product"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/exchange/csvfile"
	"github.com/gemeente-rotterdam/catalogus/internal/orgtree"
	"github.com/gemeente-rotterdam/catalogus/internal/satisfaction"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// MaxRows bounds a file: ten years of months × 9 channels × 423 products fit.
const MaxRows = 500_000

// Options tune Import.
type Options struct {
	// Municipality is the organization code; empty means the only one.
	Municipality string
	DryRun       bool
}

// Result says what an import did, or in a dry run would do. Created, Changed
// and Unchanged count measurements (a row can hold a survey result and a
// contact volume).
type Result struct {
	Rows                        int
	Created, Changed, Unchanged int
	Problems                    []csvfile.Problem
	Applied                     bool
}

// The columns, by their English name; aliases maps each accepted header.
const (
	colPeriod       = "period"
	colChannel      = "channel"
	colProduct      = "product"
	colOrganization = "organization"
	colRespondents  = "respondents"
	colGeneral      = "dissatisfied_general"
	colClarity      = "dissatisfied_clarity"
	colFriendly     = "dissatisfied_friendliness"
	colTimely       = "dissatisfied_timeliness"
	colPromoters    = "promoters"
	colPassives     = "passives"
	colDetractors   = "detractors"
	colContacts     = "contacts"
	colRequests     = "requests"
)

var aliases = map[string]string{
	"periode": colPeriod, "kanaal": colChannel, "organisatie": colOrganization,
	"respondenten": colRespondents, "ontevreden_algemeen": colGeneral, "ontevreden_duidelijkheid": colClarity,
	"ontevreden_vriendelijkheid": colFriendly, "ontevreden_tijdigheid": colTimely,
	"promotors": colPromoters, "passief": colPassives, "criticasters": colDetractors,
	"contacten": colContacts, "aanvragen": colRequests,
}

var known = []string{colPeriod, colChannel, colProduct, colOrganization, colRespondents, colGeneral, colClarity,
	colFriendly, colTimely, colPromoters, colPassives, colDetractors, colContacts, colRequests}

type importer struct {
	res          *Result
	municipality *ent.Organization
	cols         map[string]int
	header       []string
	channels     map[string]int
	products     map[string]int
	orgs         map[string]int
}

// row is one checked row, ready to write.
type row struct {
	line   int
	survey *satisfaction.Survey
	volume *satisfaction.Volume
}

// Import reads the file and records its measurements. Problems in the file
// are reported in the result, not as an error; an error means the import
// could not run (the database, not the file).
func Import(ctx context.Context, c *ent.Client, r io.Reader, opts Options) (*Result, error) {
	res := &Result{}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if err := catalog.CheckText(data); err != nil {
		res.Problems = append(res.Problems, csvfile.RowProblem(0, "encoding", err.Error()))
		return res, nil
	}
	im := &importer{res: res}
	if err := im.load(ctx, c, opts.Municipality); err != nil {
		return nil, err
	}
	cr := csvfile.NewReader(data)
	header, err := cr.Read()
	if err == io.EOF {
		res.Problems = append(res.Problems, csvfile.RowProblem(1, "empty",
			"the file is empty; it needs a header row with at least period, channel and respondents or contacts"))
		return res, nil
	}
	if err != nil {
		res.Problems = append(res.Problems, csvfile.ReadProblem(err))
		return res, nil
	}
	if !im.readHeader(header) {
		return res, nil
	}
	var rows []row
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			res.Problems = append(res.Problems, csvfile.ReadProblem(err))
			break
		}
		line, _ := cr.FieldPos(0)
		if csvfile.IsBlank(rec) {
			continue
		}
		res.Rows++
		if res.Rows > MaxRows {
			res.Problems = append(res.Problems, csvfile.RowProblem(line, "too_large",
				fmt.Sprintf("the file has more than %d rows; split it", MaxRows)))
			break
		}
		if rw, ok := im.readRow(line, rec, seen); ok {
			rows = append(rows, rw)
		}
	}
	if len(res.Problems) == 0 {
		if err := im.write(ctx, c, rows, opts.DryRun); err != nil {
			return nil, err
		}
	}
	csvfile.SortProblems(res.Problems)
	return res, nil
}

func (im *importer) load(ctx context.Context, c *ent.Client, code string) error {
	m, err := orgtree.Municipality(ctx, c, code)
	if err != nil {
		return err
	}
	im.municipality = m
	im.channels, im.products, im.orgs = map[string]int{}, map[string]int{}, map[string]int{}
	chs, err := c.Channel.Query().Select(channel.FieldID, channel.FieldCode).All(auth.Allow(ctx))
	if err != nil {
		return err
	}
	for _, ch := range chs {
		im.channels[ch.Code] = ch.ID
	}
	ps, err := c.Product.Query().Where(product.MunicipalityID(m.ID)).Select(product.FieldID, product.FieldSlug).All(auth.Allow(ctx))
	if err != nil {
		return err
	}
	for _, p := range ps {
		im.products[p.Slug] = p.ID
	}
	sub, err := orgtree.Subtree(ctx, c, m.ID)
	if err != nil {
		return err
	}
	orgs, err := c.Organization.Query().Where(organization.IDIn(sub...)).Select(organization.FieldID, organization.FieldCode).All(auth.Allow(ctx))
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if o.ID != m.ID {
			im.orgs[o.Code] = o.ID
		}
	}
	return nil
}

func (im *importer) readHeader(header []string) bool {
	im.cols = map[string]int{}
	im.header = header
	ok := true
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if a, isAlias := aliases[name]; isAlias {
			name = a
		}
		switch {
		case name == "":
			continue
		case !slices.Contains(known, name):
			im.res.Problems = append(im.res.Problems, csvfile.CellProblem(1, i, h, "unknown",
				fmt.Sprintf("unknown column %q; the columns are %s", h, strings.Join(known, ", "))))
			ok = false
		case im.has(name):
			im.res.Problems = append(im.res.Problems, csvfile.CellProblem(1, i, h, "duplicate",
				fmt.Sprintf("the column %s appears twice", name)))
			ok = false
		default:
			im.cols[name] = i
		}
	}
	for _, need := range []string{colPeriod, colChannel} {
		if !im.has(need) {
			im.res.Problems = append(im.res.Problems, csvfile.RowProblem(1, "required",
				fmt.Sprintf("the header has no column %s", need)))
			ok = false
		}
	}
	if ok && !im.has(colRespondents) && !im.has(colContacts) {
		im.res.Problems = append(im.res.Problems, csvfile.RowProblem(1, "required",
			"the header needs respondents (survey results) or contacts (contact volumes), or both"))
		ok = false
	}
	if im.has(colRespondents) {
		for _, need := range []string{colGeneral, colClarity, colFriendly, colTimely} {
			if !im.has(need) {
				im.res.Problems = append(im.res.Problems, csvfile.RowProblem(1, "required",
					fmt.Sprintf("with respondents the header needs %s too", need)))
				ok = false
			}
		}
	}
	return ok
}

func (im *importer) has(col string) bool { _, ok := im.cols[col]; return ok }

// cell returns a column's trimmed value in a record, "" when absent.
func (im *importer) cell(rec []string, col string) string {
	i, ok := im.cols[col]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func (im *importer) problem(line int, col, code, msg string) {
	im.res.Problems = append(im.res.Problems, csvfile.CellProblem(line, im.cols[col], im.header[im.cols[col]], code, msg))
}

var (
	monthPattern   = regexp.MustCompile(`^(\d{4})-(\d{1,2})$`)
	quarterPattern = regexp.MustCompile(`^(\d{4})[- ]?[QqKk]([1-4])$`)
)

// ParsePeriod reads 2024-03 (a month) or 2024-Q1, 2024 Q1, 2024-K1 (a quarter).
func ParsePeriod(s string) (kind string, start time.Time, err error) {
	if m := monthPattern.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo >= 1 && mo <= 12 {
			return catalog.PeriodMonth, catalog.Date(y, time.Month(mo), 1), nil
		}
	}
	if m := quarterPattern.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		return catalog.PeriodQuarter, catalog.Date(y, time.Month(3*q-2), 1), nil
	}
	return "", time.Time{}, fmt.Errorf("%q is not a period; write a month as 2024-03 or a quarter as 2024-Q1", s)
}

func (im *importer) readRow(line int, rec []string, seen map[string]int) (row, bool) {
	before := len(im.res.Problems)
	var k satisfaction.Key
	k.Municipality = im.municipality.ID
	kind, start, err := ParsePeriod(im.cell(rec, colPeriod))
	if err != nil {
		im.problem(line, colPeriod, "format", err.Error())
	} else {
		k.Period, k.Start = kind, start
	}
	code := im.cell(rec, colChannel)
	if id, ok := im.channels[code]; ok {
		k.Channel = id
	} else if code == "" {
		im.problem(line, colChannel, "required", "the channel is empty")
	} else {
		im.problem(line, colChannel, "unknown", fmt.Sprintf("there is no channel %q", code))
	}
	if slug := im.cell(rec, colProduct); slug != "" {
		if id, ok := im.products[slug]; ok {
			k.Product = &id
		} else {
			im.problem(line, colProduct, "unknown", fmt.Sprintf("%s has no product %q", im.municipality.Name, slug))
		}
	}
	if code := im.cell(rec, colOrganization); code != "" {
		if id, ok := im.orgs[code]; ok {
			k.Organization = &id
		} else {
			im.problem(line, colOrganization, "unknown", fmt.Sprintf("%s has no unit %q", im.municipality.Name, code))
		}
	}
	number := func(col string, required bool) *int {
		v := im.cell(rec, col)
		if v == "" {
			if required {
				im.problem(line, col, "required", fmt.Sprintf("%s is empty; write 0 if nobody was", im.header[im.cols[col]]))
			}
			return nil
		}
		n, err := strconv.Atoi(strings.ReplaceAll(v, ".", ""))
		if err != nil || n < 0 {
			im.problem(line, col, "format", fmt.Sprintf("%q is not a whole number of 0 or more", v))
			return nil
		}
		return &n
	}
	var out row
	out.line = line
	if n := number(colRespondents, false); n != nil {
		s := satisfaction.Survey{Key: k}
		s.Respondents = *n
		for i, col := range []string{colGeneral, colClarity, colFriendly, colTimely} {
			if d := number(col, true); d != nil {
				s.Dissatisfied[i] = *d
				if *d > *n {
					im.problem(line, col, "range", fmt.Sprintf("%d dissatisfied is more than the %d respondents", *d, *n))
				}
			}
		}
		for i, col := range []string{colPromoters, colPassives, colDetractors} {
			s.KeepNPS[i] = !im.has(col)
			if d := number(col, false); d != nil {
				*[]*int{&s.Promoters, &s.Passives, &s.Detractors}[i] = *d
			}
		}
		out.survey = &s
	}
	if n := number(colContacts, false); n != nil {
		out.volume = &satisfaction.Volume{Key: k, Contacts: *n, Requests: number(colRequests, false),
			KeepRequests: !im.has(colRequests)}
	}
	if out.survey == nil && out.volume == nil && len(im.res.Problems) == before {
		im.res.Problems = append(im.res.Problems, csvfile.RowProblem(line, "required",
			"the row has neither respondents nor contacts: nothing to record"))
	}
	if len(im.res.Problems) > before {
		return row{}, false
	}
	key := fmt.Sprintf("%d/%v/%v/%s/%s", k.Channel, deref(k.Product), deref(k.Organization), k.Period, k.Start.Format(time.DateOnly))
	if first, dup := seen[key]; dup {
		im.res.Problems = append(im.res.Problems, csvfile.RowProblem(line, "duplicate",
			fmt.Sprintf("row %d already gives this channel, period, product and unit", first)))
		return row{}, false
	}
	seen[key] = line
	return out, true
}

// write records the rows in one transaction; a dry run rolls it back, and so
// does a row a rule refuses.
func (im *importer) write(ctx context.Context, c *ent.Client, rows []row, dryRun bool) error {
	count := func(o satisfaction.Outcome) {
		switch o {
		case satisfaction.Created:
			im.res.Created++
		case satisfaction.Changed:
			im.res.Changed++
		default:
			im.res.Unchanged++
		}
	}
	err := txn.Run(ctx, c, func(tx *ent.Client) error {
		for _, r := range rows {
			if r.survey != nil {
				_, o, err := satisfaction.RecordSurvey(ctx, tx, *r.survey)
				if err != nil {
					return im.refused(r.line, err)
				}
				count(o)
			}
			if r.volume != nil {
				_, o, err := satisfaction.RecordVolume(ctx, tx, *r.volume)
				if err != nil {
					return im.refused(r.line, err)
				}
				count(o)
			}
		}
		if dryRun {
			return txn.Discard
		}
		return nil
	})
	im.res.Applied = err == nil && !dryRun && len(im.res.Problems) == 0
	return err
}

// refused turns a rule's refusal into a problem of its row; other errors
// end the import.
func (im *importer) refused(line int, err error) error {
	var fe *catalog.FieldError
	if errors.As(err, &fe) {
		im.res.Problems = append(im.res.Problems, csvfile.RowProblem(line, fe.Code, fe.Message))
		im.res.Created, im.res.Changed, im.res.Unchanged = 0, 0, 0
		return txn.Discard
	}
	return fmt.Errorf("row %d: %w", line, err)
}

func deref(p *int) any {
	if p == nil {
		return "-"
	}
	return *p
}
