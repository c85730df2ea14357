// Package csvsheet exchanges the catalogue with spreadsheets: one row per
// product, with its main fields and, per channel, the status (PLANNED with its
// date) and the public reason. Product owners export it, edit it in Excel and
// import it again; the import checks every row first and then applies all of
// it or nothing, through the ordinary hooks, so the change log records each
// change with the importer as actor.
package csvsheet

import (
	"strings"

	"github.com/gemeente-rotterdam/catalogus/internal/exchange/csvfile"
)

// Product columns, in the order Export writes them. The channel columns
// follow: per channel its code (the status) and "<code> reason".
const (
	colSlug      = "slug"
	colName      = "name"
	colTheme     = "theme"
	colAudiences = "audiences"
	colOwner     = "owner"
	colStatus    = "status"
	colUplURI    = "uplUri"
	colSummary   = "summary"
	colVersion   = "version"

	reasonSuffix = " reason"
)

var productColumns = []string{colSlug, colName, colTheme, colAudiences, colOwner, colStatus, colUplURI, colSummary, colVersion}

// bom starts every export (csvfile.BOM).
const bom = csvfile.BOM

// separator is what Export writes: Excel in a Dutch locale splits on
// semicolons (the comma is the decimal sign there).
const separator = ';'

// Result says what an import did, or in a dry run would do.
type Result struct {
	// Rows is the number of product rows read.
	Rows int
	// Created, Changed and Unchanged count products; Cells counts the
	// channel cells that change.
	Created, Changed, Unchanged, Cells int
	// Problems lists everything wrong; when there is any, nothing changed.
	Problems []csvfile.Problem
	// Applied is true when the changes were committed.
	Applied bool
}

// Spreadsheet programs run a cell that starts with one of these as a
// formula (CSV injection); Export puts an apostrophe before such free text
// and Import takes it off again.
const formulaStarts = "=+-@"

func escapeFormula(s string) string {
	if s != "" && strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

func unescapeFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStarts, rune(s[1])) {
		return s[1:]
	}
	return s
}

func columnLetter(i int) string { return csvfile.ColumnLetter(i) }
