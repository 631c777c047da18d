package history

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is a small EDN parser that keeps line numbers, so that the EDN
// readers can name the line and field of a malformed record. It reads the
// subset of EDN that Jepsen writes: nil, booleans, integers (with an optional
// N), floats (with an optional M), strings, characters, keywords, symbols,
// vectors, lists, maps, sets, tagged literals (the tag is dropped), #_ and ;
// comments.

// keyword is an EDN keyword, without its colon.
type keyword string

// symbol is an EDN symbol.
type symbol string

// ednSet is an EDN set (#{...}), in source order.
type ednSet []any

// ednMap is an EDN map in source order; its keys may be any EDN value.
type ednMap struct {
	keys  []any
	vals  []any
	lines []int // the line of each value
	line  int   // the line of the opening brace
}

// ednList is an EDN vector or list with the line each element starts on.
type ednList struct {
	items []any
	lines []int
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 512

type ednParser struct {
	src   []byte
	pos   int
	line  int
	depth int
}

type ednError struct {
	line int
	msg  string
}

func (e *ednError) Error() string { return e.msg }

func newEDNParser(src []byte) *ednParser {
	return &ednParser{src: src, line: 1}
}

func (p *ednParser) fail(format string, args ...any) *ednError {
	return &ednError{line: p.line, msg: fmt.Sprintf(format, args...)}
}

// skip moves past whitespace, commas, ; comments and #_ discarded forms.
func (p *ednParser) skip() *ednError {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\n':
			p.line++
			p.pos++
		case c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '\f' || c == '\v':
			p.pos++
		case c == ';':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		case c == '#' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '_':
			p.pos += 2
			if _, err := p.value(); err != nil {
				return err
			}
		case c == 0xEF && p.pos+2 < len(p.src) && p.src[p.pos+1] == 0xBB && p.src[p.pos+2] == 0xBF:
			p.pos += 3 // a byte-order mark
		default:
			return nil
		}
	}
	return nil
}

// atEnd skips blanks and reports whether only blanks remained.
func (p *ednParser) atEnd() (bool, *ednError) {
	if err := p.skip(); err != nil {
		return false, err
	}
	return p.pos >= len(p.src), nil
}

// value parses one form. Blanks before it are skipped.
func (p *ednParser) value() (any, *ednError) {
	if err := p.skip(); err != nil {
		return nil, err
	}
	if p.pos >= len(p.src) {
		return nil, p.fail("unexpected end of input")
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.fail("nested more than %d levels deep", maxDepth)
	}
	c := p.src[p.pos]
	switch c {
	case '[':
		p.pos++
		return p.list(']')
	case '(':
		p.pos++
		return p.list(')')
	case '{':
		p.pos++
		return p.mapForm()
	case '"':
		return p.str()
	case '\\':
		return p.char()
	case ':':
		p.pos++
		tok := p.token()
		if tok == "" || strings.HasPrefix(tok, ":") && len(tok) == 1 {
			return nil, p.fail("empty keyword")
		}
		return keyword(strings.TrimPrefix(tok, ":")), nil
	case '#':
		return p.dispatch()
	case ']', ')', '}':
		return nil, p.fail("unexpected %q", c)
	}
	tok := p.token()
	if tok == "" {
		r, _ := utf8.DecodeRune(p.src[p.pos:])
		return nil, p.fail("unexpected character %q", r)
	}
	return atom(tok, p)
}

func (p *ednParser) dispatch() (any, *ednError) {
	p.pos++ // '#'
	if p.pos >= len(p.src) {
		return nil, p.fail("unexpected end of input after #")
	}
	switch p.src[p.pos] {
	case '{':
		p.pos++
		l, err := p.list('}')
		if err != nil {
			return nil, err
		}
		return ednSet(l.(*ednList).items), nil
	case '#':
		p.pos++
		switch tok := p.token(); tok {
		case "NaN":
			return math.NaN(), nil
		case "Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		default:
			return nil, p.fail("unknown symbolic value ##%s", clip(tok))
		}
	}
	tag := p.token()
	if tag == "" {
		return nil, p.fail("bad # dispatch")
	}
	// A tagged literal: #inst "...", #jepsen.history.Op{...}. Keep the form.
	return p.value()
}

func isDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', '\f', '\v', '[', ']', '(', ')', '{', '}', '"', ';':
		return true
	}
	return false
}

// token reads up to the next delimiter.
func (p *ednParser) token() string {
	start := p.pos
	for p.pos < len(p.src) && !isDelim(p.src[p.pos]) {
		if p.src[p.pos] == '#' && p.pos == start {
			break
		}
		p.pos++
	}
	return string(p.src[start:p.pos])
}

func atom(tok string, p *ednParser) (any, *ednError) {
	switch tok {
	case "nil":
		return nil, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	c := tok[0]
	if c >= '0' && c <= '9' || (c == '-' || c == '+') && len(tok) > 1 && tok[1] >= '0' && tok[1] <= '9' {
		return number(tok, p)
	}
	return symbol(tok), nil
}

func number(tok string, p *ednParser) (any, *ednError) {
	s := strings.TrimSuffix(tok, "N")
	if i, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64); err == nil {
		return i, nil
	}
	if strings.HasSuffix(tok, "N") || !strings.ContainsAny(tok, ".eE") {
		return nil, p.fail("bad or out-of-range integer %s", Excerpt(tok))
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(tok, "M"), 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, p.fail("bad number %s", Excerpt(tok))
	}
	return f, nil
}

func (p *ednParser) list(closer byte) (any, *ednError) {
	l := &ednList{}
	for {
		if err := p.skip(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) {
			return nil, p.fail("unclosed %q", opener(closer))
		}
		if p.src[p.pos] == closer {
			p.pos++
			return l, nil
		}
		line := p.line
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		l.items = append(l.items, v)
		l.lines = append(l.lines, line)
	}
}

func opener(closer byte) string {
	switch closer {
	case ']':
		return "["
	case ')':
		return "("
	}
	return "{"
}

func (p *ednParser) mapForm() (any, *ednError) {
	m := &ednMap{line: p.line}
	for {
		if err := p.skip(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) {
			return nil, &ednError{line: m.line, msg: "unclosed \"{\""}
		}
		if p.src[p.pos] == '}' {
			p.pos++
			return m, nil
		}
		k, err := p.value()
		if err != nil {
			return nil, err
		}
		if err := p.skip(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) || p.src[p.pos] == '}' {
			return nil, p.fail("map key %s has no value", ednExcerpt(k))
		}
		line := p.line
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m.keys = append(m.keys, k)
		m.vals = append(m.vals, v)
		m.lines = append(m.lines, line)
	}
}

func (p *ednParser) str() (any, *ednError) {
	p.pos++ // opening quote
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return nil, p.fail("unterminated string")
		}
		c := p.src[p.pos]
		switch c {
		case '"':
			p.pos++
			return b.String(), nil
		case '\n':
			p.line++
		case '\\':
			p.pos++
			if p.pos >= len(p.src) {
				return nil, p.fail("unterminated string")
			}
			e := p.src[p.pos]
			switch e {
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'n':
				b.WriteByte('\n')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case '\\', '"', '\'':
				b.WriteByte(e)
			case 'u':
				if p.pos+4 >= len(p.src) {
					return nil, p.fail("bad \\u escape")
				}
				n, err := strconv.ParseUint(string(p.src[p.pos+1:p.pos+5]), 16, 32)
				if err != nil {
					return nil, p.fail("bad \\u escape")
				}
				b.WriteRune(rune(n))
				p.pos += 4
			default:
				return nil, p.fail("unknown escape %s in string", Excerpt("\\"+string([]byte{e})))
			}
			p.pos++
			continue
		}
		b.WriteByte(c)
		p.pos++
	}
}

var namedChars = map[string]string{
	"newline": "\n", "space": " ", "tab": "\t", "return": "\r", "backspace": "\b", "formfeed": "\f",
}

func (p *ednParser) char() (any, *ednError) {
	p.pos++ // backslash
	if p.pos >= len(p.src) {
		return nil, p.fail("bad character literal")
	}
	start := p.pos
	_, size := utf8.DecodeRune(p.src[p.pos:])
	p.pos += size
	for p.pos < len(p.src) && !isDelim(p.src[p.pos]) {
		p.pos++
	}
	tok := string(p.src[start:p.pos])
	if utf8.RuneCountInString(tok) == 1 {
		return tok, nil
	}
	if s, ok := namedChars[tok]; ok {
		return s, nil
	}
	if strings.HasPrefix(tok, "u") && len(tok) == 5 {
		if n, err := strconv.ParseUint(tok[1:], 16, 32); err == nil {
			return string(rune(n)), nil
		}
	}
	return nil, p.fail("bad character literal %s", Excerpt("\\"+tok))
}

// plain turns a parsed EDN value into a history value: keywords and symbols
// become strings, vectors, lists and sets become []any, maps map[string]any.
func plain(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, int64, string:
		return x, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%v is not a usable value", x)
		}
		return x, nil
	case keyword:
		return string(x), nil
	case symbol:
		return string(x), nil
	case *ednList:
		return plainSlice(x.items)
	case ednSet:
		return plainSlice(x)
	case *ednMap:
		out := make(map[string]any, len(x.keys))
		for i, k := range x.keys {
			ks, err := keyText(k)
			if err != nil {
				return nil, err
			}
			pv, err := plain(x.vals[i])
			if err != nil {
				return nil, err
			}
			out[ks] = pv
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported value %T", v)
}

func plainSlice(items []any) (any, error) {
	out := make([]any, len(items))
	for i, e := range items {
		pv, err := plain(e)
		if err != nil {
			return nil, err
		}
		out[i] = pv
	}
	return out, nil
}

// keyText renders a scalar map key or :key field as a string.
func keyText(k any) (string, error) {
	switch x := k.(type) {
	case string:
		return x, nil
	case keyword:
		return string(x), nil
	case symbol:
		return string(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case bool:
		return strconv.FormatBool(x), nil
	case nil:
		return "nil", nil
	}
	return "", fmt.Errorf("want a keyword, string or integer key; got %s", ednExcerpt(k))
}

// ednString renders a parsed EDN value back as EDN text, for the
// free-form :error field.
func ednString(v any) string {
	var b strings.Builder
	writeParsed(&b, v, 0)
	return b.String()
}

// excerptBytes bounds the EDN text rendered for a message before clip cuts
// it: a huge set or string is never rendered whole.
const excerptBytes = 256

// ednExcerpt renders a parsed value for a message: short, valid, printable.
func ednExcerpt(v any) string {
	var b strings.Builder
	writeParsed(&b, v, excerptBytes)
	return clip(b.String())
}

// writeParsed writes v as EDN; with limit > 0 it stops soon after b holds
// limit bytes (for messages).
func writeParsed(b *strings.Builder, v any, limit int) {
	if limit > 0 && b.Len() > limit {
		return
	}
	switch x := v.(type) {
	case keyword:
		b.WriteByte(':')
		b.WriteString(clipTo(string(x), limit))
	case symbol:
		b.WriteString(clipTo(string(x), limit))
	case string:
		writeEDNValue(b, clipTo(x, limit))
	case *ednList:
		writeSeq(b, "[", x.items, "]", limit)
	case ednSet:
		writeSeq(b, "#{", x, "}", limit)
	case *ednMap:
		b.WriteByte('{')
		for i, k := range x.keys {
			if limit > 0 && b.Len() > limit {
				b.WriteString(" ...")
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			writeParsed(b, k, limit)
			b.WriteByte(' ')
			writeParsed(b, x.vals[i], limit)
		}
		b.WriteByte('}')
	default:
		writeEDNValue(b, x)
	}
}

// clipTo cuts s to limit bytes when limit > 0 (the message clips again,
// at a rune boundary).
func clipTo(s string, limit int) string {
	if limit > 0 && len(s) > limit {
		return s[:limit]
	}
	return s
}

func writeSeq(b *strings.Builder, open string, items []any, closer string, limit int) {
	b.WriteString(open)
	for i, e := range items {
		if limit > 0 && b.Len() > limit {
			b.WriteString(" ...")
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		writeParsed(b, e, limit)
	}
	b.WriteString(closer)
}
