// Package csvfile is what the spreadsheet importers share (the catalogue's
// sheet, survey results and contact volumes): reading an uploaded CSV as
// Excel writes it, and problems named by row, column and cell.
package csvfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// BOM starts every export: without it Excel reads UTF-8 as Windows-1252 and
// garbles ë, é and the like.
const BOM = "\uFEFF"

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

// ColumnLetter names a column as spreadsheets do: 0 → A, 26 → AA.
func ColumnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// NewReader reads an uploaded sheet as Import does: without its byte order
// mark, with ; or , as found in the header, rows of any length. Other
// importers of spreadsheets (survey results, contact volumes) share it.
func NewReader(data []byte) *csv.Reader {
	data = bytes.TrimPrefix(data, []byte(BOM))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = DetectSeparator(data)
	cr.FieldsPerRecord = -1
	return cr
}

// CellProblem is a problem in one cell: row as the spreadsheet numbers it,
// the column's index (from 0) and header.
func CellProblem(row, index int, header, code, message string) Problem {
	return Problem{Row: row, Column: header, Cell: fmt.Sprintf("%s%d", ColumnLetter(index), row), Code: code,
		Message: message, col: index}
}

// RowProblem is a problem of a whole row (0: of the file).
func RowProblem(row int, code, message string) Problem {
	return Problem{Row: row, Code: code, Message: message, col: -1}
}

// SortProblems puts problems in reading order: row by row, left to right.
func SortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.col - b.col
	})
}

// DetectSeparator picks ; or , by counting both in the header line, outside
// quotes: Excel writes ; in Dutch and , in English locales.
func DetectSeparator(data []byte) rune {
	semi, comma, quoted := 0, 0, false
	for _, b := range data {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\n':
			if comma > semi {
				return ','
			}
			return ';'
		case b == ';':
			semi++
		case b == ',':
			comma++
		}
	}
	if comma > semi {
		return ','
	}
	return ';'
}

// ReadProblem explains why the CSV reader stopped.
func ReadProblem(err error) Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Problem{Row: pe.StartLine, Code: "format", Message: fmt.Sprintf("the file is not valid CSV here (line %d, character %d): %v", pe.Line, pe.Column, pe.Err)}
	}
	return Problem{Code: "format", Message: fmt.Sprintf("the file cannot be read as CSV: %v", err)}
}

// IsBlank reports whether a row holds nothing but spaces.
func IsBlank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}
