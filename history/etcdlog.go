package history

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// etcdMarker starts the op part of a Jepsen 2014 log line.
const etcdMarker = "jepsen.util - "

// ReadEtcdLog reads a text log of Jepsen's 2014 etcd test, one op a line:
//
//	INFO  jepsen.util - 3	:invoke	:cas	[1 4]
//
// (tabs or spaces). Lines without "jepsen.util - " are log noise and are
// skipped, and counted: a log with no record, or with more noise than
// records, is an error (it is most likely another format). The test's own
// conventions become the history's:
//   - :fail :read :timed-out — the read's outcome is unknown: an info read;
//   - :fail :cas [a b] — the compare did not match: a fail with Error
//     "mismatch" (see ErrorMismatch);
//   - :info :write :timed-out — may or may not have happened: an info whose
//     value is the invocation's, Error "timed-out".
//
// Records carry their position as Index and no Time.
func ReadEtcdLog(r io.Reader, name string) (History, error) {
	h, _, err := ReadContext(context.Background(), r, name, FormatEtcdLog)
	return h, err
}

func (r *reader) etcdLog(src io.Reader) error {
	open := map[Process]int{} // process → index of its open invocation in r.h
	return r.lines(src, func(line int, text []byte) error {
		if len(bytes.TrimSpace(text)) == 0 {
			return nil
		}
		r.nonBlank++
		at := bytes.Index(text, []byte(etcdMarker))
		if at < 0 {
			r.skip(line, text)
			return nil
		}
		op, perr := parseEtcdLine(string(text[at+len(etcdMarker):]))
		if perr != nil {
			perr.File, perr.Line = r.name, line
			return perr
		}
		if op.Process != Nemesis {
			switch op.Type {
			case Invoke:
				open[op.Process] = len(r.h)
			default:
				if j, ok := open[op.Process]; ok {
					completeEtcd(&op, r.h[j])
					delete(open, op.Process)
				}
			}
		}
		op.Index = int64(len(r.h))
		return r.add(op, line)
	})
}

// parseEtcdLine reads "PROCESS :TYPE :F VALUE".
func parseEtcdLine(s string) (Op, *ParseError) {
	var fields [3]string
	rest := s
	for i := range fields {
		fields[i], rest = nextField(rest)
		if fields[i] == "" {
			return Op{}, &ParseError{Msg: fmt.Sprintf("want PROCESS :TYPE :F VALUE; got %s", Excerpt(s))}
		}
	}
	var op Op
	for i, field := range []string{"process", "type", "f"} {
		v, perr := parseEDNScalar(fields[i])
		if perr != nil {
			return op, &ParseError{Field: field, Msg: perr.msg}
		}
		if _, isInt := v.(int64); field == "process" && !isInt && v != keyword("nemesis") {
			return op, &ParseError{Field: field, Msg: fmt.Sprintf("want a number or :nemesis; got %s", Excerpt(fields[i]))}
		}
		if msg := setField(&op, field, v); msg != "" {
			return op, &ParseError{Field: field, Msg: msg}
		}
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return op, &ParseError{Field: "value", Msg: "missing"}
	}
	p := newEDNParser([]byte(rest))
	v, perr := p.value()
	if perr == nil {
		if end, e := p.atEnd(); e != nil || !end {
			perr = p.fail("unexpected text after the value")
		}
	}
	if perr != nil {
		return op, &ParseError{Field: "value", Msg: perr.msg}
	}
	if k, ok := v.(keyword); ok && op.Type != Invoke {
		op.Error = string(k) // :timed-out and the like: an outcome, not a value
		return op, nil
	}
	if msg := setField(&op, "value", v); msg != "" {
		return op, &ParseError{Field: "value", Msg: msg}
	}
	return op, nil
}

// nextField splits off the first blank-separated field of s.
func nextField(s string) (field, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	end := strings.IndexFunc(s, unicode.IsSpace)
	if end < 0 {
		return s, ""
	}
	return s[:end], s[end:]
}

func parseEDNScalar(tok string) (any, *ednError) {
	p := newEDNParser([]byte(tok))
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	if end, e := p.atEnd(); e != nil || !end {
		return nil, p.fail("unexpected text in %s", Excerpt(tok))
	}
	return v, nil
}

// completeEtcd applies the etcd test's conventions to a completion, given
// its invocation.
func completeEtcd(c *Op, inv Op) {
	switch {
	case c.Error != "" && c.Type != OK:
		// An outcome the client never learnt: the op may have happened.
		c.Type = Info
		c.Value = inv.Value
		if c.F == "read" {
			c.Value = nil
		}
	case c.Type == Fail && c.F == "cas":
		c.Error = ErrorMismatch
	}
}
