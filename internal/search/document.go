package search

import (
	"strconv"
	"strings"
)

// Field is a part of a searchable record, in the order of its weight.
type Field int

// The fields of a document: a product's name, keywords, summary and
// description; an answer's question, keywords, answer and channel variants.
const (
	FieldName Field = iota
	FieldKeywords
	FieldSummary
	FieldDescription
	numFields
)

// Kind tells products and answers apart in the index.
type Kind byte

// The kinds of searchable records.
const (
	KindProduct Kind = 'p'
	KindAnswer  Kind = 'a'
)

func (k Kind) String() string {
	if k == KindAnswer {
		return "answer"
	}
	return "product"
}

// Document is a record as the index holds it: per field its tokens.
type Document struct {
	Fields [numFields][]Token
}

// NewDocument analyzes the texts of a record's fields.
func NewDocument(name string, keywords []string, summary, description string) Document {
	var d Document
	d.Fields[FieldName] = Analyze(name)
	for _, k := range keywords {
		d.Fields[FieldKeywords] = append(d.Fields[FieldKeywords], Analyze(k)...)
	}
	d.Fields[FieldSummary] = Analyze(summary)
	d.Fields[FieldDescription] = Analyze(description)
	return d
}

// scopeToken is the word the index holds for a record's municipality and
// kind (m123p). It mixes letters and digits, which no analyzed word does, so
// a search narrows to one municipality inside the index itself.
func scopeToken(municipality int, k Kind) string {
	return "m" + strconv.Itoa(municipality) + string(k)
}

// Encode writes a document as the text the index holds: a line with its
// scope, then per field a line of forms and a line of their stems. Both
// databases split it on spaces and line ends into the same words (they are
// all [a-z0-9]), so SQLite's FTS5 and PostgreSQL's text search index the very
// same terms; the lines keep the fields apart for ranking.
func (d Document) Encode(municipality int, k Kind) string {
	var b strings.Builder
	b.WriteString(scopeToken(municipality, k))
	for _, f := range d.Fields {
		b.WriteByte('\n')
		for i, t := range f {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t.Form)
		}
		b.WriteByte('\n')
		for i, t := range f {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t.Stem)
		}
	}
	return b.String()
}

// Decode reads a document written by Encode; a text in another shape gives
// an empty document.
func Decode(s string) Document {
	var d Document
	lines := strings.Split(s, "\n")
	if len(lines) != 1+2*int(numFields) {
		return d
	}
	for f := range d.Fields {
		forms, stems := strings.Fields(lines[1+2*f]), strings.Fields(lines[2+2*f])
		if len(forms) != len(stems) {
			continue
		}
		toks := make([]Token, len(forms))
		for i := range forms {
			toks[i] = Token{Form: forms[i], Stem: stems[i]}
		}
		d.Fields[f] = toks
	}
	return d
}
