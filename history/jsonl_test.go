package history

import (
	"bytes"
	"strings"
	"testing"
)

const sampleJSONL = `{"index":0,"time":1200000,"process":3,"type":"invoke","f":"write","key":"x","value":2,"node":"n2"}
{"index":1,"time":1300000,"process":3,"type":"ok","f":"write","key":"x","value":2,"node":"n2"}
{"index":2,"time":1400000,"process":"nemesis","type":"info","f":"start-partition","value":{"desc":"partition {n1} | {n2 n3}"}}
{"index":3,"time":1500000,"process":1,"type":"invoke","f":"cas","value":[1,2]}
{"index":4,"time":1600000,"process":1,"type":"fail","f":"cas","value":[1,2],"error":"cas-mismatch"}
`

func TestJSONLRoundTrip(t *testing.T) {
	t.Parallel()
	h, err := ReadJSONL(strings.NewReader(sampleJSONL), "sample.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 5 || h[2].Process != Nemesis || h[0].Key != "x" || h[0].Node != "n2" {
		t.Fatalf("read %+v", h)
	}
	if cas, ok := h[3].Value.([]any); !ok || len(cas) != 2 || cas[0] != int64(1) {
		t.Fatalf("cas value %#v", h[3].Value)
	}
	var out bytes.Buffer
	if err := WriteJSONL(&out, h); err != nil {
		t.Fatal(err)
	}
	if out.String() != sampleJSONL {
		t.Fatalf("round trip changed the history:\n%s", out.String())
	}
}

func TestJSONLErrorsNameLineAndField(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{`{"process":1,"type":"ok","f":"read"}` + "\n" + `{"process":1,"type":"done","f":"read"}`, `x.jsonl:2: field "type"`},
		{`{"type":"ok","f":"read"}`, `x.jsonl:1: field "process": missing`},
		{`{"process":-4,"type":"ok","f":"read"}`, `field "process"`},
		{`{"process":1,"type":"ok","f":7}`, `field "f"`},
		{`{"process":1,"type":"ok","f":"read","time":"soon"}`, `field "time"`},
		{"\n\n[1,2]", `x.jsonl:3: not a JSON object`},
		{`{"process":1,"type":"ok","f":"read","value":1e999}`, `field "value"`},
	}
	for _, c := range cases {
		_, err := ReadJSONL(strings.NewReader(c.in), "x.jsonl")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
}

func TestPairs(t *testing.T) {
	t.Parallel()
	h, _ := ReadJSONL(strings.NewReader(sampleJSONL), "")
	pairs, err := h.Pairs()
	if err != nil || len(pairs) != 2 || pairs[1].Completion.Type != Fail {
		t.Fatalf("pairs %+v, %v", pairs, err)
	}
	if pairs[1].InvokeAt != 3 || pairs[1].CompletionAt != 4 {
		t.Fatalf("positions %d and %d, want 3 and 4", pairs[1].InvokeAt, pairs[1].CompletionAt)
	}
	other := History{{Process: 1, Type: Invoke, F: "read"}, {Process: 1, Type: OK, F: "write"}}
	if _, err := other.Pairs(); err == nil || !strings.Contains(err.Error(), `invoked "read"`) {
		t.Fatalf("a completion of another function: %v", err)
	}
	open := History{{Process: 1, Type: Invoke, F: "read"}}
	if p, err := open.Pairs(); err != nil || p[0].Completion != nil || p[0].CompletionAt != -1 {
		t.Fatalf("an open operation: %+v %v", p, err)
	}
	bad := History{{Process: 1, Type: Invoke, F: "read"}, {Process: 1, Type: Invoke, F: "read"}}
	if _, err := bad.Pairs(); err == nil {
		t.Fatal("two open invocations of one process accepted")
	}
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(sampleJSONL))
	f.Add([]byte(`{"process":"nemesis","type":"info","f":"x","value":[[1],{"a":null}]}`))
	f.Add([]byte("{\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ReadJSONL(bytes.NewReader(b), "fuzz")
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		var out bytes.Buffer
		if err := WriteJSONL(&out, h); err != nil {
			t.Fatal(err)
		}
		h2, err := ReadJSONL(&out, "again")
		if err != nil || len(h2) != len(h) {
			t.Fatalf("what we wrote does not read back: %v", err)
		}
	})
}
