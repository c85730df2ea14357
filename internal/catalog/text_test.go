package catalog_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name      string
		data      string
		line, col int // 0: text
		nul       bool
	}{
		{"UTF-8 with a byte order mark", "\uFEFFnaam;één\r\nCafé ë 😀\n", 0, 0, false},
		{"empty", "", 0, 0, false},
		{"Windows-1252 ë on line 2", "naam\ncaf\xe9 \xeb\n", 2, 4, false},
		{"Latin-1 at the very end", "ab\xe9", 1, 3, false},
		{"a character cut off at the end", "ab\xe2\x82", 1, 3, false},
		{"a NUL", "a\n\nb\x00c", 3, 2, true},
		{"after wide characters", "😀é\xff", 1, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check := func(how string, err error) {
				t.Helper()
				if tc.line == 0 {
					if err != nil {
						t.Errorf("%s: %v", how, err)
					}
					return
				}
				var te *catalog.TextError
				if !errors.As(err, &te) || te.Line != tc.line || te.Column != tc.col || te.NUL != tc.nul {
					t.Errorf("%s: %v, want line %d, character %d (NUL %v)", how, err, tc.line, tc.col, tc.nul)
				}
			}
			check("CheckText", catalog.CheckText([]byte(tc.data)))
			// Read whole, and one byte at a time, so that every character
			// is split across reads somewhere.
			for how, r := range map[string]io.Reader{
				"TextReader":              catalog.TextReader(bytes.NewReader([]byte(tc.data))),
				"TextReader, bytewise":    catalog.TextReader(iotest.OneByteReader(bytes.NewReader([]byte(tc.data)))),
				"TextReader, small reads": iotest.OneByteReader(catalog.TextReader(iotest.HalfReader(bytes.NewReader([]byte(tc.data))))),
			} {
				got, err := io.ReadAll(r)
				check(how, err)
				if tc.line == 0 && string(got) != tc.data {
					t.Errorf("%s passed on %q, want %q", how, got, tc.data)
				}
			}
		})
	}
	if catalog.IsText("caf\xe9") || catalog.IsText("a\x00") || !catalog.IsText("café") {
		t.Error("IsText")
	}
}
