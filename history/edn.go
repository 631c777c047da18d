package history

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ReadEDN reads a Jepsen EDN history: a vector or list of op maps, or op
// maps one after another (Jepsen's history.edn). Keys may come in any order;
// ; comments, #_ forms and tagged literals are allowed. Keywords become
// strings (:read → "read"), nil stays nil, integers are int64. A :process
// that is not a number (:nemesis) marks a fault record. Records without
// :index get their position. name is used in error messages; errors are
// *ParseError naming the line and field. It never panics.
func ReadEDN(r io.Reader, name string) (History, error) {
	h, _, err := ReadContext(context.Background(), r, name, FormatEDN)
	return h, err
}

// edn reads the whole text (a history may be one vector spanning the
// file), then converts it one record at a time, so that only one record's
// parse tree is held at once.
func (r *reader) edn(src io.Reader) error {
	text, err := io.ReadAll(src)
	if err != nil {
		return readError(r.name, 0, err)
	}
	p := newEDNParser(text)
	wrap := func(e *ednError) error {
		return &ParseError{File: r.name, Line: e.line, Msg: e.msg}
	}
	end, perr := p.atEnd()
	if perr != nil {
		return wrap(perr)
	}
	if end {
		return nil
	}
	closer := byte(0) // the bracket that ends a vector or list of records
	switch p.src[p.pos] {
	case '[':
		closer = ']'
	case '(':
		closer = ')'
	}
	openLine := p.line
	if closer != 0 {
		p.pos++
	}
	for {
		end, perr := p.atEnd()
		if perr != nil {
			return wrap(perr)
		}
		switch {
		case end && closer != 0:
			return &ParseError{File: r.name, Line: openLine, Msg: fmt.Sprintf("unclosed %q", opener(closer))}
		case end:
			return r.numberEDN()
		case closer != 0 && p.src[p.pos] == closer:
			p.pos++
			if end, perr := p.atEnd(); perr != nil {
				return wrap(perr)
			} else if !end {
				return &ParseError{File: r.name, Line: p.line, Msg: "unexpected content after the history's closing bracket"}
			}
			return r.numberEDN()
		}
		line := p.line
		v, perr := p.value()
		if perr != nil {
			return wrap(perr)
		}
		if _, isMap := v.(*ednMap); !isMap && closer == 0 && len(r.h) == 0 {
			return &ParseError{File: r.name, Line: line, Msg: fmt.Sprintf("want a vector or list of op maps, or op maps; got %s", ednExcerpt(v))}
		}
		op, err := recordFromEDN(v, line, r.name)
		if err != nil {
			return err
		}
		if err := r.add(op, line); err != nil {
			return err
		}
	}
}

// numberEDN gives records without :index their position.
func (r *reader) numberEDN() error {
	for i := range r.h {
		if r.h[i].Index < 0 {
			r.h[i].Index = int64(i)
		}
	}
	return nil
}

// recordFromEDN converts one op map. An op without :index gets Index -1,
// replaced by its position once the whole history is read.
func recordFromEDN(v any, line int, name string) (Op, error) {
	m, ok := v.(*ednMap)
	if !ok {
		return Op{}, &ParseError{File: name, Line: line, Msg: fmt.Sprintf("want an op map {:type ... :f ...}; got %s", ednExcerpt(v))}
	}
	op := Op{Index: -1}
	seen := map[string]bool{}
	for i, k := range m.keys {
		field, err := keyText(k)
		if err != nil {
			return Op{}, &ParseError{File: name, Line: m.lines[i], Msg: err.Error()}
		}
		if seen[field] {
			return Op{}, &ParseError{File: name, Line: m.lines[i], Field: clip(field), Msg: "appears twice"}
		}
		seen[field] = true
		if msg := setField(&op, field, m.vals[i]); msg != "" {
			return Op{}, &ParseError{File: name, Line: m.lines[i], Field: field, Msg: msg}
		}
	}
	for _, f := range []string{"type", "process", "f"} {
		if !seen[f] {
			return Op{}, &ParseError{File: name, Line: m.line, Field: f, Msg: "missing"}
		}
	}
	return op, nil
}

// setField stores one EDN field into op; it returns a message when the
// value does not fit.
func setField(op *Op, field string, v any) string {
	switch field {
	case "index", "time":
		n, ok := v.(int64)
		if !ok || n < 0 {
			return fmt.Sprintf("want a non-negative integer; got %s", ednExcerpt(v))
		}
		if field == "index" {
			op.Index = n
		} else {
			op.Time = n
		}
	case "process":
		switch x := v.(type) {
		case int64:
			if x < 0 {
				return fmt.Sprintf("want a non-negative integer or :nemesis; got %d", x)
			}
			op.Process = Process(x)
		case keyword, symbol, string:
			op.Process = Nemesis // Knossos: a non-numeric process is not a client
		default:
			return fmt.Sprintf("want an integer or :nemesis; got %s", ednExcerpt(v))
		}
	case "type":
		s, ok := nameOf(v)
		if !ok || !Type(s).Valid() {
			return fmt.Sprintf("want :invoke, :ok, :fail or :info; got %s", ednExcerpt(v))
		}
		op.Type = Type(s)
	case "f":
		s, ok := nameOf(v)
		if !ok {
			return fmt.Sprintf("want a keyword; got %s", ednExcerpt(v))
		}
		op.F = s
	case "key":
		s, err := keyText(v)
		if err != nil {
			return err.Error()
		}
		op.Key = s
	case "node":
		s, ok := nameOf(v)
		if !ok {
			return fmt.Sprintf("want a string or keyword; got %s", ednExcerpt(v))
		}
		op.Node = s
	case "error":
		if s, ok := nameOf(v); ok {
			op.Error = s
		} else if v != nil {
			op.Error = ednString(v)
		}
	case "value":
		pv, err := plain(v)
		if err != nil {
			return err.Error()
		}
		op.Value = pv
	}
	return ""
}

// nameOf reads a keyword, symbol or string as a plain string.
func nameOf(v any) (string, bool) {
	switch x := v.(type) {
	case keyword:
		return string(x), true
	case symbol:
		return string(x), true
	case string:
		return x, true
	}
	return "", false
}

// WriteEDN writes h as a Jepsen EDN vector, one op map a line:
// {:index 0, :time 1200000, :process 3, :type :invoke, :f :write, :value 2}.
// ReadEDN reads it back to the same history.
func WriteEDN(w io.Writer, h History) error {
	bw := bufio.NewWriter(w)
	var b strings.Builder
	bw.WriteString("[")
	for i, o := range h {
		b.Reset()
		if i > 0 {
			b.WriteString("\n ")
		}
		if err := writeEDNOp(&b, o); err != nil {
			return fmt.Errorf("record %d: %w", o.Index, err)
		}
		bw.WriteString(b.String())
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

func writeEDNOp(b *strings.Builder, o Op) error {
	fmt.Fprintf(b, "{:index %d, :time %d, :process ", o.Index, o.Time)
	if o.IsNemesis() {
		b.WriteString(":nemesis")
	} else if o.Process < 0 {
		return fmt.Errorf("process %d is negative", int64(o.Process))
	} else {
		b.WriteString(strconv.FormatInt(int64(o.Process), 10))
	}
	b.WriteString(", :type ")
	writeName(b, string(o.Type))
	b.WriteString(", :f ")
	writeName(b, o.F)
	if o.Key != "" {
		b.WriteString(", :key ")
		writeEDNValue(b, o.Key)
	}
	b.WriteString(", :value ")
	v, err := Normalize(o.Value)
	if err != nil {
		return err
	}
	if err := checkWritable(v); err != nil {
		return err
	}
	writeOpValue(b, o.F, v)
	if o.Node != "" {
		b.WriteString(", :node ")
		writeEDNValue(b, o.Node)
	}
	if o.Error != "" {
		b.WriteString(", :error ")
		writeEDNValue(b, o.Error)
	}
	b.WriteByte('}')
	return nil
}

func checkWritable(v any) error {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("value %v cannot be read back", x)
		}
	case []any:
		for _, e := range x {
			if err := checkWritable(e); err != nil {
				return err
			}
		}
	case map[string]any:
		for _, e := range x {
			if err := checkWritable(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeName writes s as a keyword when it is a plain keyword name, else as a
// string; ReadEDN turns both into the same string.
func writeName(b *strings.Builder, s string) {
	if isKeywordName(s) {
		b.WriteByte(':')
		b.WriteString(s)
		return
	}
	writeEDNValue(b, s)
}

// isKeywordName reports whether :s reads back as the keyword s.
func isKeywordName(s string) bool {
	if s == "" || s[0] == ':' || s[0] == '#' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-_.*+!?<>=/'&%$", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// writeEDNValue writes a history value (nil, bool, int64, float64, string,
// []any, map[string]any) as EDN.
func writeEDNValue(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("nil")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEnI") {
			s += ".0"
		}
		b.WriteString(s)
	case string:
		writeEDNString(b, x)
	default:
		if !writeComposite(b, v, ", ", writeName, writeEDNValue) {
			writeEDNString(b, fmt.Sprint(x))
		}
	}
}

func writeEDNString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteByte(s[i]) // not UTF-8: keep the byte, as ReadEDN does
			i++
			continue
		}
		i += size
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}
