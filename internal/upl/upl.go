// Package upl keeps the catalogue's copy of the Uniforme Productnamenlijst
// (UPL), the national list of product names that Dutch government catalogues
// link their products to, and reports how the catalogue's products relate to
// it: which have no UPL name, which are linked to a name that left the list,
// and which municipal names no product covers.
//
// The list is published as a table with one row per legal basis (Grondslag),
// so a name appears once per law it rests on; Import folds those rows into
// one entry per URI. Names that leave the list are kept and marked (in_list
// false), never deleted: products may still be linked to them, and those need
// a person to review them.
package upl

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/changelog"
	"github.com/gemeente-rotterdam/catalogus/internal/txn"
)

// Entry is one name on the list with everything the list says about it.
type Entry struct {
	URI, Name string
	// The flags, as the list's columns name them.
	National, Provincial, WaterAuthority, Municipal bool
	Residents, Businesses, ServicesDirective        bool
	Autonomous, CoGovernance, Request, Subsidy      bool
	Notification, Obligation, DigidMandate          bool
	SDGCode                                         string
	LegalBases                                      []catalog.LegalBasis
}

// flagColumns maps the list's flag columns to the entry's fields.
var flagColumns = []struct {
	name string
	get  func(*Entry) *bool
}{
	{"Rijk", func(e *Entry) *bool { return &e.National }},
	{"Provincie", func(e *Entry) *bool { return &e.Provincial }},
	{"Waterschap", func(e *Entry) *bool { return &e.WaterAuthority }},
	{"Gemeente", func(e *Entry) *bool { return &e.Municipal }},
	{"Burger", func(e *Entry) *bool { return &e.Residents }},
	{"Bedrijf", func(e *Entry) *bool { return &e.Businesses }},
	{"Dienstenwet", func(e *Entry) *bool { return &e.ServicesDirective }},
	{"Autonomie", func(e *Entry) *bool { return &e.Autonomous }},
	{"Medebewind", func(e *Entry) *bool { return &e.CoGovernance }},
	{"Aanvraag", func(e *Entry) *bool { return &e.Request }},
	{"Subsidie", func(e *Entry) *bool { return &e.Subsidy }},
	{"Melding", func(e *Entry) *bool { return &e.Notification }},
	{"Verplichting", func(e *Entry) *bool { return &e.Obligation }},
	{"DigiDMacht", func(e *Entry) *bool { return &e.DigidMandate }},
}

const (
	colName       = "UniformeProductnaam"
	colURI        = "URI"
	colSDG        = "SDG"
	colBasis      = "Grondslag"
	colBasisLabel = "Grondslaglabel"
	colBasisLink  = "Grondslaglink"
)

// ParseError lists everything wrong with a list file, each with its line.
type ParseError struct{ Problems []string }

func (e *ParseError) Error() string {
	return fmt.Sprintf("the UPL file has %d problems:\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// Parse reads the list (CSV with a header naming the columns, comma or
// semicolon, with or without byte order mark) into one entry per URI, in
// the file's order. Every problem is reported, in a *ParseError.
func Parse(r io.Reader) ([]Entry, error) {
	cr, err := listReader(r)
	if err != nil {
		return nil, err
	}
	col, err := listHeader(cr)
	if err != nil {
		return nil, err
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var problems []string
	var entries []Entry
	index := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			problems = append(problems, fmt.Sprintf("line %d: not valid CSV: %v", line, err))
			break
		}
		line, _ := cr.FieldPos(0)
		e, bad := readEntry(line, func(name string) string { return get(rec, name) })
		if len(bad) > 0 {
			problems = append(problems, bad...)
			continue
		}
		if problem := fold(&entries, index, e, line); problem != "" {
			problems = append(problems, problem)
		}
	}
	if len(problems) > 0 {
		return nil, &ParseError{Problems: problems}
	}
	if len(entries) == 0 {
		return nil, &ParseError{Problems: []string{"the file holds no names"}}
	}
	for i := range entries {
		entries[i].LegalBases = dedupeBases(entries[i].LegalBases)
	}
	return entries, nil
}

// listReader reads the file as the list is published: UTF-8, perhaps with a
// byte order mark, separated by , or (as Excel writes it in Dutch) ;.
func listReader(r io.Reader) (*csv.Reader, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if err := catalog.CheckText(data); err != nil {
		return nil, &ParseError{Problems: []string{err.Error()}}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	cr := csv.NewReader(bytes.NewReader(data))
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	return cr, nil
}

// listHeader reads the header row: where each column is, and that the
// list's columns are all there.
func listHeader(cr *csv.Reader) (map[string]int, error) {
	header, err := cr.Read()
	if err != nil {
		return nil, &ParseError{Problems: []string{fmt.Sprintf("line 1: no header row: %v", err)}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	required := []string{colName, colURI}
	for _, f := range flagColumns {
		required = append(required, f.name)
	}
	var missing []string
	for _, name := range required {
		if _, ok := col[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, &ParseError{Problems: []string{fmt.Sprintf("line 1: the columns %s are missing; the file needs the UPL's columns %s",
			strings.Join(missing, ", "), strings.Join(required, ", "))}}
	}
	return col, nil
}

// readEntry reads one row (one legal basis of a name) and says what is wrong
// with it.
func readEntry(line int, get func(column string) string) (Entry, []string) {
	var problems []string
	e := Entry{URI: get(colURI), Name: get(colName), SDGCode: get(colSDG)}
	if e.URI == "" {
		problems = append(problems, fmt.Sprintf("line %d: the URI is empty", line))
	} else if len(e.URI) > 300 || catalog.CheckURL(e.URI) != nil {
		problems = append(problems, fmt.Sprintf("line %d: the URI %q is not a web address of at most 300 characters", line, e.URI))
	}
	if e.Name == "" || len(e.Name) > 300 {
		problems = append(problems, fmt.Sprintf("line %d: the name (%s) must hold 1 to 300 characters", line, colName))
	}
	if len(e.SDGCode) > 10 {
		problems = append(problems, fmt.Sprintf("line %d: the SDG code %q is longer than 10 characters", line, e.SDGCode))
	}
	for _, f := range flagColumns {
		switch v := get(f.name); v {
		case "X", "x":
			*f.get(&e) = true
		case "":
		default:
			problems = append(problems, fmt.Sprintf("line %d, column %s: %q is not a flag; the list writes X or nothing", line, f.name, v))
		}
	}
	if b := get(colBasis); b != "" {
		e.LegalBases = []catalog.LegalBasis{{URI: b, Label: get(colBasisLabel), Link: get(colBasisLink)}}
	}
	return e, problems
}

// fold adds a row's entry to the entries, or its legal basis to the entry of
// a name read before, whose other columns must agree; it returns the
// problem when they do not.
func fold(entries *[]Entry, index map[string]int, e Entry, line int) string {
	i, seen := index[e.URI]
	if !seen {
		index[e.URI] = len(*entries)
		*entries = append(*entries, e)
		return ""
	}
	prev := &(*entries)[i]
	prev.LegalBases = append(prev.LegalBases, e.LegalBases...)
	if prev.Name != e.Name || prev.SDGCode != e.SDGCode || !flagsEqual(prev, &e) {
		return fmt.Sprintf("line %d: %s appears before with another name, flags or SDG code; a name's rows may differ only in the legal basis", line, e.URI)
	}
	return ""
}

func flagsEqual(a, b *Entry) bool {
	for _, f := range flagColumns {
		if *f.get(a) != *f.get(b) {
			return false
		}
	}
	return true
}

func dedupeBases(bs []catalog.LegalBasis) []catalog.LegalBasis {
	var out []catalog.LegalBasis
	for _, b := range bs {
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}

// Result says what Import changed.
type Result struct {
	// Names is the number of distinct names in the file, Rows its rows.
	Names int
	// Added are new names; Updated changed flags, name or legal bases;
	// Withdrawn left the list; Returned came back after leaving it.
	Added, Updated, Unchanged, Withdrawn, Returned int
}

func (r Result) String() string {
	return fmt.Sprintf("%d names on the list: %d added, %d updated, %d unchanged, %d came back; %d left the list (kept, marked not in the list)",
		r.Names, r.Added, r.Updated, r.Unchanged, r.Returned, r.Withdrawn)
}

// Import makes the catalogue's copy of the list equal to the file, in one
// transaction: names are added or updated, names no longer in the file are
// marked not in the list. UPL entries are reference data, not logged
// entities of the change log; the import is recorded in the security log as
// an admin action, with its counts and actor. ctx carries the actor.
func Import(ctx context.Context, c *ent.Client, r io.Reader) (Result, error) {
	entries, err := Parse(r)
	if err != nil {
		return Result{}, err
	}
	res := Result{Names: len(entries)}
	err = txn.Run(ctx, c, func(txc *ent.Client) error {
		return apply(ctx, txc, entries, &res)
	})
	return res, err
}

// apply writes the list's entries and records the import.
func apply(ctx context.Context, txc *ent.Client, entries []Entry, res *Result) error {
	existing, err := txc.UPLEntry.Query().All(ctx)
	if err != nil {
		return err
	}
	byURI := map[string]*ent.UPLEntry{}
	for _, e := range existing {
		byURI[e.URI] = e
	}
	var creates []*ent.UPLEntryCreate
	inFile := map[string]bool{}
	for _, e := range entries {
		inFile[e.URI] = true
		old, ok := byURI[e.URI]
		if !ok {
			q := txc.UPLEntry.Create().SetURI(e.URI)
			setEntry(q.Mutation(), e, true)
			creates = append(creates, q)
			res.Added++
			continue
		}
		if same(old, e) {
			res.Unchanged++
			continue
		}
		if !old.InList {
			res.Returned++
		} else {
			res.Updated++
		}
		q := txc.UPLEntry.UpdateOne(old)
		setEntry(q.Mutation(), e, false)
		if err := q.Exec(ctx); err != nil {
			return fmt.Errorf("updating %s: %w", e.URI, err)
		}
	}
	for chunk := range slices.Chunk(creates, 500) {
		if err := txc.UPLEntry.CreateBulk(chunk...).Exec(ctx); err != nil {
			return fmt.Errorf("adding names: %w", err)
		}
	}
	for _, old := range existing {
		if old.InList && !inFile[old.URI] {
			if err := txc.UPLEntry.UpdateOne(old).SetInList(false).Exec(ctx); err != nil {
				return fmt.Errorf("marking %s as left the list: %w", old.URI, err)
			}
			res.Withdrawn++
		}
	}
	actor := "unknown"
	if a, ok := changelog.ActorFrom(ctx); ok {
		actor = a.Name
	}
	return auth.Record(ctx, txc, auth.AdminAction, actor, "", "upl import: "+res.String())
}

// setEntry writes everything the list says about a name into a create or
// update, which both have these setters on their mutation.
func setEntry(m *ent.UPLEntryMutation, e Entry, create bool) {
	m.SetName(e.Name)
	m.SetNational(e.National)
	m.SetProvincial(e.Provincial)
	m.SetWaterAuthority(e.WaterAuthority)
	m.SetMunicipal(e.Municipal)
	m.SetResidents(e.Residents)
	m.SetBusinesses(e.Businesses)
	m.SetServicesDirective(e.ServicesDirective)
	m.SetAutonomous(e.Autonomous)
	m.SetCoGovernance(e.CoGovernance)
	m.SetRequest(e.Request)
	m.SetSubsidy(e.Subsidy)
	m.SetNotification(e.Notification)
	m.SetObligation(e.Obligation)
	m.SetDigidMandate(e.DigidMandate)
	switch {
	case e.SDGCode != "":
		m.SetSdgCode(e.SDGCode)
	case !create:
		m.ClearSdgCode()
	}
	switch {
	case e.LegalBases != nil:
		m.SetLegalBases(e.LegalBases)
	case !create:
		m.ClearLegalBases()
	}
	m.SetInList(true)
}

func same(old *ent.UPLEntry, e Entry) bool {
	o := Entry{URI: old.URI, Name: old.Name, National: old.National, Provincial: old.Provincial, WaterAuthority: old.WaterAuthority,
		Municipal: old.Municipal, Residents: old.Residents, Businesses: old.Businesses, ServicesDirective: old.ServicesDirective,
		Autonomous: old.Autonomous, CoGovernance: old.CoGovernance, Request: old.Request, Subsidy: old.Subsidy,
		Notification: old.Notification, Obligation: old.Obligation, DigidMandate: old.DigidMandate, SDGCode: old.SdgCode,
		LegalBases: old.LegalBases}
	return old.InList && o.Name == e.Name && o.SDGCode == e.SDGCode && flagsEqual(&o, &e) && slices.Equal(o.LegalBases, e.LegalBases)
}
