package catalog

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// The catalogue stores text as UTF-8, and every importer reads its files as
// UTF-8 only. A file in another encoding is refused whole, before anything is
// written, rather than stored as bytes the API would send on raw inside its
// JSON. The usual cause is Excel's plain "CSV", which saves in Windows-1252:
// ë and é become bytes that are not UTF-8.

// saveAsUTF8 says how to fix the usual cause.
const saveAsUTF8 = `in Excel save the sheet as "CSV UTF-8" (not plain "CSV"); in other programs choose the encoding UTF-8`

// NotTextCell is the spreadsheet import's word for a cell that is not text.
const NotTextCell = "the cell holds bytes that are not UTF-8 text; " + saveAsUTF8

// IsText accepts UTF-8 without NUL bytes, which PostgreSQL refuses in text.
func IsText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// TextError says where a file stops being UTF-8 text.
type TextError struct {
	// Line and Column (in characters, from 1) of the first byte that is not
	// text.
	Line, Column int
	// NUL is set when that byte is a NUL rather than a byte that is not UTF-8.
	NUL bool
}

func (e *TextError) Error() string {
	what := "bytes that are not UTF-8 text"
	if e.NUL {
		what = "a NUL byte, which is not text"
	}
	return fmt.Sprintf("line %d, character %d: the file holds %s; %s", e.Line, e.Column, what, saveAsUTF8)
}

// CheckText refuses data that is not UTF-8 text, naming where it stops being.
func CheckText(data []byte) error {
	var p textPos
	_, err := p.scan(data, true)
	return err
}

// TextReader reads r, failing with a *TextError at the first byte that is not
// UTF-8 text: for files too large to check before they are read, whose reader
// (a JSON decoder) then fails before anything is written.
func TextReader(r io.Reader) io.Reader {
	return &textReader{r: r, buf: make([]byte, 32<<10)}
}

// textPos is the position of the next byte to check.
type textPos struct{ line, col int }

// scan checks data from the position on and returns how many bytes of it
// are whole characters; an incomplete character at the end is left for the
// next call unless the data is final.
func (p *textPos) scan(data []byte, final bool) (int, error) {
	if p.line == 0 {
		p.line, p.col = 1, 1
	}
	i := 0
	for i < len(data) {
		r, size := rune(data[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				if !final && !utf8.FullRune(data[i:]) {
					return i, nil
				}
				return i, &TextError{Line: p.line, Column: p.col}
			}
		}
		if r == 0 {
			return i, &TextError{Line: p.line, Column: p.col, NUL: true}
		}
		if r == '\n' {
			p.line, p.col = p.line+1, 1
		} else {
			p.col++
		}
		i += size
	}
	return i, nil
}

type textReader struct {
	r   io.Reader
	pos textPos
	// buf holds what was read; buf[:held] the bytes of an incomplete
	// character that the next read completes.
	buf  []byte
	held int
	// out is checked text not handed on yet, in its own array outBuf.
	out, outBuf []byte
	err         error
}

func (t *textReader) Read(p []byte) (int, error) {
	for len(t.out) == 0 {
		if t.err != nil {
			return 0, t.err
		}
		n, err := t.r.Read(t.buf[t.held:])
		data := t.buf[:t.held+n]
		ok, serr := t.pos.scan(data, err != nil)
		t.outBuf = append(t.outBuf[:0], data[:ok]...)
		t.out = t.outBuf
		t.held = copy(t.buf, data[ok:])
		if serr != nil {
			t.err = serr
		} else if err != nil {
			t.err = err
		}
	}
	n := copy(p, t.out)
	t.out = t.out[n:]
	return n, nil
}
