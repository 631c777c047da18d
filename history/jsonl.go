package history

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
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

// ReadJSONL reads a JSON-lines history. name is used in error messages.
// Blank lines are skipped. It never panics on malformed input.
func ReadJSONL(r io.Reader, name string) (History, error) {
	h, _, err := ReadContext(context.Background(), r, name, FormatJSONL)
	return h, err
}

// jsonl reads one JSON object a line; every line that is not blank must be
// a record.
func (r *reader) jsonl(src io.Reader) error {
	return r.lines(src, func(line int, text []byte) error {
		text = bytes.TrimSpace(text)
		if len(text) == 0 {
			return nil
		}
		r.nonBlank++
		op, err := decodeJSONRecord(text)
		if err != nil {
			err.File, err.Line = r.name, line
			return err
		}
		return r.add(op, line)
	})
}

// jsonRecord holds a record's fields undecoded: one pass over the line
// finds them, and each is then read by the fastest means that fits it.
type jsonRecord struct {
	Index   json.RawMessage `json:"index"`
	Time    json.RawMessage `json:"time"`
	Process json.RawMessage `json:"process"`
	Type    json.RawMessage `json:"type"`
	F       json.RawMessage `json:"f"`
	Key     json.RawMessage `json:"key"`
	Value   json.RawMessage `json:"value"`
	Node    json.RawMessage `json:"node"`
	Error   json.RawMessage `json:"error"`
}

func decodeJSONRecord(text []byte) (Op, *ParseError) {
	var raw jsonRecord
	if err := json.Unmarshal(text, &raw); err != nil {
		return Op{}, &ParseError{Msg: "not a JSON object: " + clip(err.Error())}
	}
	var op Op
	for _, f := range []struct {
		name string
		v    json.RawMessage
	}{{"type", raw.Type}, {"process", raw.Process}, {"f", raw.F}} {
		if f.v == nil {
			return op, &ParseError{Field: f.name, Msg: "missing"}
		}
	}
	if s, ok := jsonString(raw.Type); !ok || !Type(s).Valid() {
		return op, &ParseError{Field: "type", Msg: fmt.Sprintf("want invoke, ok, fail or info; got %s", clip(string(raw.Type)))}
	} else {
		op.Type = Type(s)
	}
	p, err := decodeProcess(raw.Process)
	if err != nil {
		return op, &ParseError{Field: "process", Msg: err.Error()}
	}
	op.Process = p
	f, ok := jsonString(raw.F)
	if !ok {
		return op, &ParseError{Field: "f", Msg: fmt.Sprintf("want a string; got %s", clip(string(raw.F)))}
	}
	op.F = f
	for _, f := range []struct {
		name string
		v    json.RawMessage
		dst  *int64
	}{{"index", raw.Index, &op.Index}, {"time", raw.Time, &op.Time}} {
		if f.v == nil {
			continue
		}
		n, err := strconv.ParseInt(string(f.v), 10, 64)
		if err != nil {
			return op, &ParseError{Field: f.name, Msg: fmt.Sprintf("want an integer; got %s", clip(string(f.v)))}
		}
		*f.dst = n
	}
	for _, f := range []struct {
		name string
		v    json.RawMessage
		dst  *string
	}{{"key", raw.Key, &op.Key}, {"node", raw.Node, &op.Node}, {"error", raw.Error, &op.Error}} {
		if f.v == nil || string(f.v) == "null" {
			continue
		}
		s, ok := jsonString(f.v)
		switch {
		case ok:
			*f.dst = s
		case f.name == "error":
			*f.dst = string(f.v) // Jepsen errors are often structured; keep them readable as text
		default:
			return op, &ParseError{Field: f.name, Msg: fmt.Sprintf("want a string; got %s", clip(string(f.v)))}
		}
	}
	if raw.Value != nil {
		v, err := decodeJSONValue(raw.Value)
		if err != nil {
			return op, &ParseError{Field: "value", Msg: clip(err.Error())}
		}
		op.Value = v
	}
	return op, nil
}

// jsonString reads a JSON string, without the decoder when it holds no
// escape (as nearly every string in a history).
func jsonString(v json.RawMessage) (string, bool) {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' && bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1]), true
	}
	var s string
	if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}

// decodeJSONValue reads a value as Normalize leaves it: null and integers
// directly, anything else through the decoder.
func decodeJSONValue(v json.RawMessage) (any, error) {
	if string(v) == "null" {
		return nil, nil
	}
	if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
		return n, nil
	}
	if s, ok := jsonString(v); ok {
		return s, nil
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, err
	}
	return Normalize(x)
}

func decodeProcess(v json.RawMessage) (Process, error) {
	if n, err := strconv.ParseInt(string(v), 10, 64); err == nil && n >= 0 {
		return Process(n), nil
	}
	if s, ok := jsonString(v); ok {
		if strings.EqualFold(s, "nemesis") {
			return Nemesis, nil
		}
		return 0, fmt.Errorf("want a number or \"nemesis\"; got %s", Excerpt(s))
	}
	return 0, fmt.Errorf("want a non-negative integer or \"nemesis\"; got %s", clip(string(v)))
}
