package maelstrom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// Message is one line of Maelstrom's protocol: a source, a destination and
// a JSON body whose "type" names it. Raw keeps the line as it was read, so
// a node-to-node message is forwarded byte for byte; routing reads only
// the Head, and the rest of the body is decoded only where it is needed
// (BodyJSON).
type Message struct {
	Src  string          `json:"src"`
	Dest string          `json:"dest"`
	Body json.RawMessage `json:"body"`
	Head Head            `json:"-"`
	Raw  []byte          `json:"-"`
}

// Head is the part of a body every message may carry: its type, its id,
// and for a reply the id of the request it answers (0 when absent: ids
// start at 1 in practice, and Maelstrom treats 0 as no reply).
type Head struct {
	Type      string `json:"type"`
	MsgID     int64  `json:"msg_id"`
	InReplyTo int64  `json:"in_reply_to"`
}

// envelope is what Decode reads in one pass.
type envelope struct {
	Src  string `json:"src"`
	Dest string `json:"dest"`
	Body *Head  `json:"body"`
}

// maxLine bounds one message, so a runaway node cannot exhaust memory.
const maxLine = 8 << 20

// Decode reads one protocol line. It checks what routing needs: an object
// with string src and dest and an object body with a string type; msg_id
// and in_reply_to, when present, must be integers. It never panics.
func Decode(line []byte) (Message, error) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return Message{}, fmt.Errorf("empty line")
	}
	if len(line) > maxLine {
		return Message{}, fmt.Errorf("line of %d bytes is longer than the limit of %d", len(line), maxLine)
	}
	if line[0] != '{' {
		return Message{}, fmt.Errorf("not a JSON object")
	}
	var e envelope
	if err := json.Unmarshal(line, &e); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field == "body" {
			return Message{}, fmt.Errorf(`"body" must be a JSON object`)
		}
		return Message{}, fmt.Errorf("not a Maelstrom message: %s", jsonReason(err))
	}
	switch {
	case e.Src == "":
		return Message{}, fmt.Errorf(`missing "src"`)
	case e.Dest == "":
		return Message{}, fmt.Errorf(`missing "dest"`)
	case e.Body == nil:
		return Message{}, fmt.Errorf(`"body" must be a JSON object`)
	case e.Body.Type == "":
		return Message{}, fmt.Errorf(`body has no "type"`)
	}
	return Message{Src: e.Src, Dest: e.Dest, Head: *e.Body, Raw: line}, nil
}

// BodyJSON is the message's body as JSON, read from Raw the first time.
func (m *Message) BodyJSON() json.RawMessage {
	if m.Body == nil && m.Raw != nil {
		var b struct {
			Body json.RawMessage `json:"body"`
		}
		json.Unmarshal(m.Raw, &b)
		m.Body = b.Body
	}
	return m.Body
}

// jsonReason says briefly why encoding/json refused a line.
func jsonReason(err error) string {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Sprintf("field %q must be %s, not %s", strings.TrimPrefix(typ.Field, "body."), kindName(typ.Type.Kind().String()), typ.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func kindName(k string) string {
	switch k {
	case "int64":
		return "an integer"
	case "string":
		return "a string"
	}
	return k
}

// Encode builds a protocol line (without the newline) from a body value.
func Encode(src, dest string, body any) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Message{Src: src, Dest: dest, Body: b})
}

// DecodeBody decodes a body into plain data (history values: int64,
// string, bool, nil, []any, map[string]any).
func DecodeBody(body json.RawMessage) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		n, err := history.Normalize(v)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", k, err)
		}
		out[k] = n
	}
	return out, nil
}

// Clip quotes what a node wrote, shortened to n characters, for an error
// message.
func Clip(b []byte, n int) string {
	return fmt.Sprintf("%q", clipText(string(b), n))
}

func clipText(s string, n int) string {
	s = strings.TrimRight(strings.ToValidUTF8(s, "?"), "\r\n")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}
