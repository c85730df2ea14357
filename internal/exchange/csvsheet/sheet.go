// Package csvsheet exchanges the catalogue with spreadsheets: one row per
// product, with its main fields and, per channel, the status (PLANNED with its
// date) and the public reason. Product owners export it, edit it in Excel and
// import it again; the import checks every row first and then applies all of
// it or nothing, through the ordinary hooks, so the change log records each
// change with the importer as actor.
package csvsheet

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
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

// bom starts every export: without it Excel reads UTF-8 as Windows-1252 and
// garbles ë, é and the like.
const bom = "\uFEFF"

// separator is what Export writes: Excel in a Dutch locale splits on
// semicolons (the comma is the decimal sign there).
const separator = ';'

// Problem is one thing wrong in an imported sheet, where a product owner
// finds it: the row as the spreadsheet numbers it (the header is row 1), the
// column's header and letter, and a plain message.
type Problem struct {
	Row int
	// Column is the column's header ("balie", "status"); empty when the
	// problem concerns the whole row or file.
	Column string
	// Cell is the spreadsheet's name for the cell, e.g. "D5"; empty with Column.
	Cell string
	// Code is stable and machine-readable: "required", "format", "unknown", …
	Code    string
	Message string
	// col orders the problems of a row; -1 for the whole row.
	col int
}

func (p Problem) String() string {
	switch {
	case p.Row == 0:
		return p.Message
	case p.Column == "":
		return fmt.Sprintf("row %d: %s", p.Row, p.Message)
	}
	return fmt.Sprintf("row %d, column %s (%s): %s", p.Row, p.Column, p.Cell, p.Message)
}

// Result says what an import did, or in a dry run would do.
type Result struct {
	// Rows is the number of product rows read.
	Rows int
	// Created, Changed and Unchanged count products; Cells counts the
	// channel cells that change.
	Created, Changed, Unchanged, Cells int
	// Problems lists everything wrong; when there is any, nothing changed.
	Problems []Problem
	// Applied is true when the changes were committed.
	Applied bool
}

// columnLetter names a column as spreadsheets do: 0 → A, 26 → AA.
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
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

// NewReader reads an uploaded sheet as Import does: without its byte order
// mark, with ; or , as found in the header, rows of any length. Other
// importers of spreadsheets (survey results, contact volumes) share it.
func NewReader(data []byte) *csv.Reader {
	data = bytes.TrimPrefix(data, []byte(bom))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectSeparator(data)
	cr.FieldsPerRecord = -1
	return cr
}

// CellProblem is a problem in one cell: row as the spreadsheet numbers it,
// the column's index (from 0) and header.
func CellProblem(row, index int, header, code, message string) Problem {
	return Problem{Row: row, Column: header, Cell: fmt.Sprintf("%s%d", columnLetter(index), row), Code: code,
		Message: message, col: index}
}

// RowProblem is a problem of a whole row (0: of the file).
func RowProblem(row int, code, message string) Problem {
	return Problem{Row: row, Code: code, Message: message, col: -1}
}

// ReadProblem explains why the CSV reader stopped.
func ReadProblem(err error) Problem { return csvProblem(err) }

// SortProblems puts problems in reading order: row by row, left to right.
func SortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.col - b.col
	})
}

// IsBlank reports whether a row holds nothing but spaces.
func IsBlank(rec []string) bool { return blank(rec) }
