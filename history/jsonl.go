package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// MarshalJSON writes a process as a number, or "nemesis".
func (p Process) MarshalJSON() ([]byte, error) {
	if p == Nemesis {
		return []byte(`"nemesis"`), nil
	}
	return []byte(p.String()), nil
}

// WriteJSONL writes one JSON object a line, in Jepsen's field names.
func WriteJSONL(w io.Writer, h History) error {
	bw := bufio.NewWriter(w)
	for _, o := range h {
		b, err := json.Marshal(o)
		if err != nil {
			return fmt.Errorf("record %d: %w", o.Index, err)
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// maxLine bounds one record, so a corrupt file cannot exhaust memory.
const maxLine = 16 << 20

// ReadJSONL reads a JSON-lines history. name is used in error messages.
// Blank lines are skipped. It never panics on malformed input.
func ReadJSONL(r io.Reader, name string) (History, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var h History
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		op, err := decodeJSONRecord(text)
		if err != nil {
			err.File, err.Line = name, line
			return nil, err
		}
		h = append(h, op)
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{File: name, Line: line + 1, Msg: err.Error()}
	}
	return h, nil
}

func decodeJSONRecord(text []byte) (Op, *ParseError) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(text, &raw); err != nil {
		return Op{}, &ParseError{Msg: "not a JSON object: " + err.Error()}
	}
	var op Op
	var perr *ParseError
	need := func(field string) json.RawMessage {
		v, ok := raw[field]
		if !ok && perr == nil {
			perr = &ParseError{Field: field, Msg: "missing"}
		}
		return v
	}
	if v := need("type"); v != nil {
		var s string
		if err := json.Unmarshal(v, &s); err != nil || !Type(s).Valid() {
			return op, &ParseError{Field: "type", Msg: fmt.Sprintf("want invoke, ok, fail or info; got %s", v)}
		}
		op.Type = Type(s)
	}
	if v := need("process"); v != nil {
		p, err := decodeProcess(v)
		if err != nil {
			return op, &ParseError{Field: "process", Msg: err.Error()}
		}
		op.Process = p
	}
	if v := need("f"); v != nil {
		if err := json.Unmarshal(v, &op.F); err != nil {
			return op, &ParseError{Field: "f", Msg: fmt.Sprintf("want a string; got %s", v)}
		}
	}
	if perr != nil {
		return op, perr
	}
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"index", &op.Index}, {"time", &op.Time}} {
		if v, ok := raw[f.name]; ok {
			if err := json.Unmarshal(v, f.dst); err != nil {
				return op, &ParseError{Field: f.name, Msg: fmt.Sprintf("want an integer; got %s", v)}
			}
		}
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"key", &op.Key}, {"node", &op.Node}, {"error", &op.Error}} {
		if v, ok := raw[f.name]; ok && string(v) != "null" {
			if err := json.Unmarshal(v, f.dst); err != nil {
				// Jepsen errors are often structured; keep them readable as text.
				if f.name == "error" {
					*f.dst = string(v)
					continue
				}
				return op, &ParseError{Field: f.name, Msg: fmt.Sprintf("want a string; got %s", v)}
			}
		}
	}
	if v, ok := raw["value"]; ok {
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var x any
		if err := dec.Decode(&x); err != nil {
			return op, &ParseError{Field: "value", Msg: err.Error()}
		}
		n, err := Normalize(x)
		if err != nil {
			return op, &ParseError{Field: "value", Msg: err.Error()}
		}
		op.Value = n
	}
	return op, nil
}

func decodeProcess(v json.RawMessage) (Process, error) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		if strings.EqualFold(s, "nemesis") {
			return Nemesis, nil
		}
		return 0, fmt.Errorf("want a number or \"nemesis\"; got %q", s)
	}
	var n int64
	if err := json.Unmarshal(v, &n); err != nil || n < 0 {
		return 0, fmt.Errorf("want a non-negative integer or \"nemesis\"; got %s", v)
	}
	return Process(n), nil
}
