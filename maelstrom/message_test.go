package maelstrom

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestDecodeReadsTheProtocol(t *testing.T) {
	line := `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":123,"key":3}}`
	m, err := Decode([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if m.Src != "c1" || m.Dest != "n1" || m.Head.Type != "read" || m.Head.MsgID != 123 || m.Head.InReplyTo != 0 {
		t.Fatalf("decoded %+v", m)
	}
	if string(m.Raw) != line {
		t.Fatalf("raw %q, want the line itself (messages are forwarded byte for byte)", m.Raw)
	}
	body, err := DecodeBody(m.BodyJSON())
	if err != nil {
		t.Fatal(err)
	}
	if body["key"] != int64(3) {
		t.Fatalf("key decoded as %#v, want int64 3", body["key"])
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	bodies := []map[string]any{
		{"type": "init", "msg_id": int64(1), "node_id": "n3", "node_ids": []any{"n1", "n2", "n3"}},
		{"type": "init_ok", "in_reply_to": int64(1)},
		{"type": "error", "in_reply_to": int64(5), "code": int64(11), "text": "waiting for quorum"},
		{"type": "cas", "msg_id": int64(9), "key": "x", "from": nil, "to": []any{int64(1), "a"}, "create_if_not_exists": true},
	}
	for _, b := range bodies {
		line, err := Encode("n1", "n2", b)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Decode(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		got, err := DecodeBody(m.BodyJSON())
		if err != nil {
			t.Fatal(err)
		}
		if kvKey(got) != kvKey(b) {
			t.Errorf("round trip of %s gave %s", kvKey(b), kvKey(got))
		}
		if m.Head.Type != b["type"] || m.Src != "n1" || m.Dest != "n2" {
			t.Errorf("head %+v from %s", m.Head, line)
		}
	}
}

func TestDecodeNamesWhatIsWrong(t *testing.T) {
	cases := map[string]string{
		`hello world`:                               "not a JSON object",
		``:                                          "empty line",
		`{"src":"n1","dest":"n2"`:                   "not a Maelstrom message",
		`{"dest":"n2","body":{"type":"x"}}`:         `missing "src"`,
		`{"src":"n1","body":{"type":"x"}}`:          `missing "dest"`,
		`{"src":"n1","dest":"n2","body":[1]}`:       `"body" must be a JSON object`,
		`{"src":"n1","dest":"n2"}`:                  `"body" must be a JSON object`,
		`{"src":"n1","dest":"n2","body":{}}`:        `no "type"`,
		`{"src":1,"dest":"n2","body":{"type":"x"}}`: `field "src" must be a string`,
		`{"src":"n1","dest":"n2","body":{"type":"x","msg_id":"7"}}`:      `field "msg_id" must be an integer`,
		`{"src":"n1","dest":"n2","body":{"type":"x","in_reply_to":1.5}}`: `field "in_reply_to" must be an integer`,
	}
	for line, want := range cases {
		_, err := Decode([]byte(line))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Decode(%q) = %v, want an error saying %q", line, err, want)
		}
	}
}

func TestErrorCodesAreDefiniteAsMaelstromSays(t *testing.T) {
	definite := map[int64]bool{0: false, 1: true, 10: true, 11: true, 12: true, 13: false, 14: true, 20: true, 21: true, 22: true, 30: true,
		1000: false, 999: false}
	for code, want := range definite {
		if got := LookupCode(code).Definite; got != want {
			t.Errorf("code %d definite = %v, want %v", code, got, want)
		}
	}
	if LookupCode(11).Name != "temporarily-unavailable" || LookupCode(1234).Name != "error-1234" {
		t.Errorf("names: %q %q", LookupCode(11).Name, LookupCode(1234).Name)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":123,"key":3}}`))
	f.Add([]byte(`{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":5,"code":11}}`))
	f.Add([]byte(`{"src":"","dest":"n1","body":{"type":"x"}}`))
	f.Add([]byte(`not json`))
	f.Add([]byte(`{"src":"n1","dest":"n2","body":{"type":"x","msg_id":1e400}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := Decode(line)
		if err != nil {
			return
		}
		if m.Src == "" || m.Dest == "" || m.Head.Type == "" {
			t.Fatalf("accepted %q with an empty src, dest or type", line)
		}
		// What was accepted can be re-encoded and reads the same.
		var body any
		dec := json.NewDecoder(bytes.NewReader(m.BodyJSON()))
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			t.Fatalf("accepted a body that is not JSON: %q", m.BodyJSON())
		}
		again, err := Encode(m.Src, m.Dest, body)
		if err != nil {
			return // a number encoding/json can read but not write back
		}
		m2, err := Decode(again)
		if err != nil {
			t.Fatalf("re-encoded %q does not decode: %v", again, err)
		}
		if m2.Src != m.Src || m2.Dest != m.Dest || m2.Head != m.Head {
			t.Fatalf("re-encoding changed %+v into %+v", m.Head, m2.Head)
		}
	})
}
