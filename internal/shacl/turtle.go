package shacl

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseTurtle reads the Turtle subset described in the package comment into
// a graph. Anything outside it (blank node property lists, collections,
// @base) is refused with its line, never skipped silently.
func ParseTurtle(src string) (*Graph, error) {
	p := &turtle{src: src, line: 1, prefixes: map[string]string{}, g: NewGraph()}
	if err := p.document(); err != nil {
		return nil, fmt.Errorf("turtle line %d: %w", p.line, err)
	}
	return p.g, nil
}

type turtle struct {
	src      string
	pos      int
	line     int
	prefixes map[string]string
	g        *Graph
}

func (p *turtle) document() error {
	for {
		p.space()
		if p.pos >= len(p.src) {
			return nil
		}
		if p.keyword("@prefix") || p.keyword("PREFIX") {
			if err := p.prefix(); err != nil {
				return err
			}
			continue
		}
		if err := p.statement(); err != nil {
			return err
		}
	}
}

func (p *turtle) prefix() error {
	sparql := p.src[p.pos-len("PREFIX"):p.pos] == "PREFIX"
	p.space()
	i := strings.IndexByte(p.src[p.pos:], ':')
	if i < 0 {
		return fmt.Errorf("a prefix declaration without ':'")
	}
	name := strings.TrimSpace(p.src[p.pos : p.pos+i])
	p.pos += i + 1
	p.space()
	iri, err := p.iriRef()
	if err != nil {
		return err
	}
	p.prefixes[name] = iri
	if !sparql {
		return p.expect('.')
	}
	return nil
}

func (p *turtle) statement() error {
	subj, err := p.subject()
	if err != nil {
		return err
	}
	for {
		p.space()
		pred, err := p.verb()
		if err != nil {
			return err
		}
		for {
			obj, err := p.object()
			if err != nil {
				return err
			}
			p.g.Add(subj, pred, obj)
			p.space()
			if !p.consume(',') {
				break
			}
		}
		p.space()
		if p.consume(';') {
			p.space()
			for p.consume(';') { // repeated semicolons are allowed
				p.space()
			}
			if p.consume('.') {
				return nil
			}
			continue
		}
		return p.expect('.')
	}
}

func (p *turtle) subject() (string, error) {
	t, err := p.object()
	if err != nil {
		return "", err
	}
	if t.Literal {
		return "", fmt.Errorf("a literal cannot be a subject")
	}
	return t.IRI, nil
}

func (p *turtle) verb() (string, error) {
	if strings.HasPrefix(p.src[p.pos:], "a") && p.pos+1 < len(p.src) && isSpace(p.src[p.pos+1]) {
		p.pos++
		return RDFType, nil
	}
	t, err := p.object()
	if err != nil {
		return "", err
	}
	if t.Literal || strings.HasPrefix(t.IRI, "_:") {
		return "", fmt.Errorf("a predicate must be an IRI")
	}
	return t.IRI, nil
}

func (p *turtle) object() (Term, error) {
	p.space()
	if p.pos >= len(p.src) {
		return Term{}, fmt.Errorf("unexpected end of file")
	}
	switch c := p.src[p.pos]; {
	case c == '<':
		iri, err := p.iriRef()
		return IRITerm(iri), err
	case c == '"' || c == '\'':
		return p.literal()
	case c == '[' || c == '(':
		return Term{}, fmt.Errorf("%q: blank node lists and collections are outside the subset this reader knows", c)
	case c == '_' && strings.HasPrefix(p.src[p.pos:], "_:"):
		start := p.pos
		p.pos += 2
		for p.pos < len(p.src) && isNameChar(p.src[p.pos]) {
			p.pos++
		}
		token := p.src[start:p.pos]
		p.unread(token)
		return IRITerm(strings.TrimRight(token, ".")), nil
	case c == '-' || c == '+' || (c >= '0' && c <= '9'):
		return p.number()
	}
	for _, b := range []string{"true", "false"} {
		if p.keyword(b) {
			return Text(b, "", XSD+"boolean"), nil
		}
	}
	return p.prefixedName()
}

// unread steps back over a trailing '.' that ended a statement rather than
// a name.
func (p *turtle) unread(token string) {
	p.pos -= len(token) - len(strings.TrimRight(token, "."))
}

func (p *turtle) prefixedName() (Term, error) {
	start := p.pos
	for p.pos < len(p.src) && (isNameChar(p.src[p.pos]) || p.src[p.pos] == ':') {
		p.pos++
	}
	token := p.src[start:p.pos]
	p.unread(token)
	token = strings.TrimRight(token, ".")
	prefix, local, ok := strings.Cut(token, ":")
	if !ok {
		return Term{}, fmt.Errorf("%q is not an IRI, prefixed name or literal", token)
	}
	ns, known := p.prefixes[prefix]
	if !known {
		return Term{}, fmt.Errorf("prefix %q is not declared", prefix)
	}
	return IRITerm(ns + local), nil
}

func (p *turtle) iriRef() (string, error) {
	if err := p.expect('<'); err != nil {
		return "", err
	}
	end := strings.IndexByte(p.src[p.pos:], '>')
	if end < 0 {
		return "", fmt.Errorf("an IRI without '>'")
	}
	iri := p.src[p.pos : p.pos+end]
	p.pos += end + 1
	if !strings.Contains(iri, ":") {
		return "", fmt.Errorf("relative IRI <%s>: @base is outside the subset this reader knows", iri)
	}
	return iri, nil
}

func (p *turtle) literal() (Term, error) {
	q := p.src[p.pos : p.pos+1]
	long := strings.HasPrefix(p.src[p.pos:], q+q+q)
	delim := q
	if long {
		delim = q + q + q
	}
	p.pos += len(delim)
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return Term{}, fmt.Errorf("a string without its closing quote")
		}
		if strings.HasPrefix(p.src[p.pos:], delim) {
			p.pos += len(delim)
			break
		}
		c := p.src[p.pos]
		switch {
		case c == '\\':
			r, n, err := unescape(p.src[p.pos:])
			if err != nil {
				return Term{}, err
			}
			b.WriteRune(r)
			p.pos += n
			continue
		case c == '\n' && !long:
			return Term{}, fmt.Errorf("a line break in a short string")
		case c == '\n':
			p.line++
		}
		b.WriteByte(c)
		p.pos++
	}
	t := Text(b.String(), "", "")
	switch {
	case p.consume('@'):
		start := p.pos
		for p.pos < len(p.src) && (isLetter(p.src[p.pos]) || p.src[p.pos] == '-' || isDigit(p.src[p.pos])) {
			p.pos++
		}
		t.Lang = strings.ToLower(p.src[start:p.pos])
	case strings.HasPrefix(p.src[p.pos:], "^^"):
		p.pos += 2
		dt, err := p.object()
		if err != nil {
			return Term{}, err
		}
		t.Datatype = dt.IRI
	}
	return t, nil
}

func unescape(s string) (rune, int, error) {
	if len(s) < 2 {
		return 0, 0, fmt.Errorf("a lone backslash")
	}
	switch s[1] {
	case 't':
		return '\t', 2, nil
	case 'n':
		return '\n', 2, nil
	case 'r':
		return '\r', 2, nil
	case 'b':
		return '\b', 2, nil
	case 'f':
		return '\f', 2, nil
	case '"', '\'', '\\':
		return rune(s[1]), 2, nil
	case 'u', 'U':
		n := 4
		if s[1] == 'U' {
			n = 8
		}
		if len(s) < 2+n {
			return 0, 0, fmt.Errorf("a short \\%c escape", s[1])
		}
		v, err := strconv.ParseUint(s[2:2+n], 16, 32)
		if err != nil || !utf8.ValidRune(rune(v)) {
			return 0, 0, fmt.Errorf("a bad \\%c escape", s[1])
		}
		return rune(v), 2 + n, nil
	}
	return 0, 0, fmt.Errorf("unknown escape \\%c", s[1])
}

func (p *turtle) number() (Term, error) {
	start := p.pos
	if c := p.src[p.pos]; c == '-' || c == '+' {
		p.pos++
	}
	dt := XSD + "integer"
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '.' && p.pos+1 < len(p.src) && isDigit(p.src[p.pos+1]) {
			dt = XSD + "decimal"
		} else if c == 'e' || c == 'E' {
			dt = XSD + "double"
		} else if !isDigit(c) && !((c == '-' || c == '+') && dt == XSD+"double") {
			break
		}
		p.pos++
	}
	return Text(p.src[start:p.pos], "", dt), nil
}

// space skips white space and comments, counting lines.
func (p *turtle) space() {
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == '\n':
			p.line++
			p.pos++
		case isSpace(c):
			p.pos++
		case c == '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

func (p *turtle) keyword(k string) bool {
	if !strings.HasPrefix(p.src[p.pos:], k) {
		return false
	}
	if end := p.pos + len(k); end < len(p.src) && isNameChar(p.src[end]) {
		return false
	}
	p.pos += len(k)
	return true
}

func (p *turtle) consume(c byte) bool {
	if p.pos < len(p.src) && p.src[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *turtle) expect(c byte) error {
	p.space()
	if !p.consume(c) {
		got := "end of file"
		if p.pos < len(p.src) {
			r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
			got = strconv.QuoteRune(r)
		}
		return fmt.Errorf("expected %q, found %s", c, got)
	}
	return nil
}

func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c < utf8.RuneSelf && unicode.IsLetter(rune(c)) }
func isNameChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c >= utf8.RuneSelf
}
