package history

import (
	"bytes"
	"context"
	"fmt"
	"io"
)

// kvLogOps are the operations of porcupine's key-value logs.
var kvLogOps = map[string]bool{"get": true, "put": true, "append": true}

// ReadKVLog reads a key-value log as in porcupine's test_data/kv: one EDN op
// map a line,
//
//	{:process 9, :type :invoke, :f :append, :key "0", :value "x 9 0 y"}
//
// with ops get, put and append on string values (which start as "").
// Every client record needs a :key; values are strings or nil. Records
// carry their position as Index. Errors name the line and field.
func ReadKVLog(r io.Reader, name string) (History, error) {
	h, _, err := ReadContext(context.Background(), r, name, FormatKVLog)
	return h, err
}

func (r *reader) kvLog(src io.Reader) error {
	return r.lines(src, func(line int, text []byte) error {
		text = bytes.TrimSpace(text)
		if len(text) == 0 || text[0] == ';' {
			return nil
		}
		r.nonBlank++
		op, err := parseKVLine(text)
		if err != nil {
			err.File = r.name
			if err.Line == 0 {
				err.Line = line
			} else {
				err.Line += line - 1
			}
			return err
		}
		op.Index = int64(len(r.h))
		return r.add(op, line)
	})
}

func parseKVLine(text []byte) (Op, *ParseError) {
	p := newEDNParser(text)
	v, perr := p.value()
	if perr == nil {
		if end, e := p.atEnd(); e != nil || !end {
			perr = p.fail("want one op map a line; found more after it")
		}
	}
	if perr != nil {
		return Op{}, &ParseError{Line: perr.line, Msg: perr.msg}
	}
	op, err := recordFromEDN(v, 1, "")
	if err != nil {
		return Op{}, err.(*ParseError)
	}
	if op.IsNemesis() {
		return op, nil
	}
	if !kvLogOps[op.F] {
		return op, &ParseError{Field: "f", Msg: fmt.Sprintf("want :get, :put or :append; got :%s", op.F)}
	}
	m := v.(*ednMap)
	hasKey := false
	for i, k := range m.keys {
		if name, _ := keyText(k); name == "key" {
			hasKey = true
		} else if name == "value" {
			switch m.vals[i].(type) {
			case nil, string:
			default:
				return op, &ParseError{Field: "value", Msg: fmt.Sprintf("want a string or nil; got %s", ednExcerpt(m.vals[i]))}
			}
		}
	}
	if !hasKey {
		return op, &ParseError{Field: "key", Msg: "missing"}
	}
	return op, nil
}
