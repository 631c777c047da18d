package history

import (
	"os"
	"strings"
)

// writeOpValue writes a record's value as EDN. A transaction's micro-
// operations get their function as a keyword — [:append 3 1], [:r :x nil] —
// as Jepsen writes them, so that Elle (and Knossos, for [:read k v]) can
// check what faultline wrote; ReadEDN turns the keyword back into the same
// string.
func writeOpValue(b *strings.Builder, f string, v any) {
	list, ok := v.([]any)
	if f != "txn" || !ok {
		writeEDNValue(b, v)
		return
	}
	b.WriteByte('[')
	for i, e := range list {
		if i > 0 {
			b.WriteByte(' ')
		}
		m, ok := e.([]any)
		name := ""
		if ok && len(m) > 0 {
			name, _ = m[0].(string)
		}
		if !isKeywordName(name) {
			writeEDNValue(b, e)
			continue
		}
		b.WriteString("[:")
		b.WriteString(name)
		for _, x := range m[1:] {
			b.WriteByte(' ')
			writeEDNValue(b, x)
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
}

// ReadTxnFile reads a transactional history as ReadFile does, except that
// an EDN record may omit :process (then 0) and :f (then :txn), as Elle's
// example histories (histories/paper-example.edn) do; Jepsen reads such a
// history as one client's transactions.
func ReadTxnFile(path, format string) (History, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", &ParseError{File: path, Msg: err.Error()}
	}
	return ReadTxnBytes(data, path, format)
}

// ReadTxnBytes reads a transactional history held in memory; see
// ReadTxnFile.
func ReadTxnBytes(data []byte, name, format string) (History, string, error) {
	if format == "" || format == FormatAuto {
		f, err := DetectFormat(data)
		if err != nil {
			return nil, "", &ParseError{File: name, Msg: err.Error()}
		}
		format = f
	}
	if format != FormatEDN {
		return ReadBytes(data, name, format)
	}
	h, err := readTxnEDN(data, name)
	return h, format, err
}

// readTxnEDN reads an EDN history — a vector or list of op maps, or op
// maps one after another — filling in :process and :f where a record
// leaves them out, then converting each record as ReadEDN does.
func readTxnEDN(src []byte, name string) (History, error) {
	p := newEDNParser(src)
	wrap := func(e *ednError) error { return &ParseError{File: name, Line: e.line, Msg: e.msg} }
	var forms []any
	var lines []int
	for {
		end, perr := p.atEnd()
		if perr != nil {
			return nil, wrap(perr)
		}
		if end {
			break
		}
		line := p.line
		v, perr := p.value()
		if perr != nil {
			return nil, wrap(perr)
		}
		if l, ok := v.(*ednList); ok && len(forms) == 0 {
			forms, lines = l.items, l.lines
			if end, perr := p.atEnd(); perr != nil || !end {
				return nil, &ParseError{File: name, Line: p.line, Msg: "unexpected content after the history's closing bracket"}
			}
			break
		}
		forms, lines = append(forms, v), append(lines, line)
	}
	h := History{}
	for i, v := range forms {
		if m, ok := v.(*ednMap); ok {
			fillTxnDefaults(m)
		}
		op, err := recordFromEDN(v, lines[i], name)
		if err != nil {
			return nil, err
		}
		if op.Index < 0 {
			op.Index = int64(i)
		}
		h = append(h, op)
	}
	return h, nil
}

// fillTxnDefaults gives a record without :process process 0, and one
// without :f the function txn.
func fillTxnDefaults(m *ednMap) {
	has := map[string]bool{}
	for _, k := range m.keys {
		if s, ok := nameOf(k); ok {
			has[s] = true
		}
	}
	for _, d := range []struct {
		field string
		value any
	}{{"process", int64(0)}, {"f", keyword("txn")}} {
		if !has[d.field] {
			m.keys = append(m.keys, keyword(d.field))
			m.vals = append(m.vals, d.value)
			m.lines = append(m.lines, m.line)
		}
	}
}
