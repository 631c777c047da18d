package history

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestReadEDNVectorListAndComments(t *testing.T) {
	t.Parallel()
	src := `; a comment
[{:process 0, :type :invoke, :f :write, :value 3}
 ; between records
 {:value 3, :f :write, :type :ok, :process 0}
 {:type :info, :process :nemesis, :f :start-partition, :value [:n1 :n2]}
 #_{:ignored true}
 {:process 1 :type :invoke :f :cas :value [3 4] :time 12 :index 9}
 {:process 1 :type :fail :f :cas :value [3 4] :error [:temporarily-unavailable nil]}]`
	h, err := ReadEDN(strings.NewReader(src), "x.edn")
	if err != nil {
		t.Fatal(err)
	}
	want := History{
		{Index: 0, Process: 0, Type: Invoke, F: "write", Value: int64(3)},
		{Index: 1, Process: 0, Type: OK, F: "write", Value: int64(3)},
		{Index: 2, Process: Nemesis, Type: Info, F: "start-partition", Value: []any{"n1", "n2"}},
		{Index: 9, Time: 12, Process: 1, Type: Invoke, F: "cas", Value: []any{int64(3), int64(4)}},
		{Index: 4, Process: 1, Type: Fail, F: "cas", Value: []any{int64(3), int64(4)}, Error: "[:temporarily-unavailable nil]"},
	}
	if !reflect.DeepEqual(h, want) {
		t.Fatalf("got\n%#v\nwant\n%#v", h, want)
	}
	list, err := ReadEDN(strings.NewReader("({:process 0, :type :invoke, :f :read, :value nil})"), "l.edn")
	if err != nil || len(list) != 1 || list[0].Value != nil || list[0].F != "read" {
		t.Fatalf("list form: %v %#v", err, list)
	}
}

func TestReadEDNBareMaps(t *testing.T) {
	t.Parallel()
	src := "{:index 0, :type :invoke, :process 0, :f :read, :value nil}\n{:index 1, :type :ok, :process 0, :f :read, :value {:x 1, \"y\" [1 2.5 \"s\" true]}}\n"
	h, err := ReadEDN(strings.NewReader(src), "h.edn")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"x": int64(1), "y": []any{int64(1), 2.5, "s", true}}
	if len(h) != 2 || !reflect.DeepEqual(h[1].Value, want) {
		t.Fatalf("got %#v", h)
	}
}

func TestReadEDNErrorsNameLineAndField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src         string
		line        int
		field, text string
	}{
		{"[{:process 0, :type :invoke, :f :read}\n {:process 0, :type :okay, :f :read}]", 2, "type", "want :invoke"},
		{"[{:process 0, :type :invoke, :f :read}\n\n {:type :ok, :f :read}]", 3, "process", "missing"},
		{"[{:process -1, :type :invoke, :f :read}]", 1, "process", "non-negative"},
		{"[{:process 0, :type :invoke, :f :read, :value [1 2}]", 1, "", "unexpected"},
		{"[{:process 0, :type :invoke,\n :f :read, :time :soon}]", 2, "time", "integer"},
		{"[{:process 0, :type :invoke, :f :read}", 1, "", "unclosed"},
		{"[1 2]", 1, "", "op map"},
		{"{:process 0, :type :invoke, :f :read, :f :write}", 1, "f", "twice"},
		{"[{:process 0, :type :invoke, :f :read, :value \"abc}]", 1, "", "unterminated"},
		{"[{:process 99999999999999999999, :type :invoke, :f :read}]", 1, "", "integer"},
	}
	for _, c := range cases {
		_, err := ReadEDN(strings.NewReader(c.src), "bad.edn")
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: want a *ParseError, got %v", c.src, err)
			continue
		}
		if pe.File != "bad.edn" || pe.Line != c.line || pe.Field != c.field || !strings.Contains(pe.Msg, c.text) {
			t.Errorf("%q: got %+v (%v), want line %d field %q containing %q", c.src, *pe, err, c.line, c.field, c.text)
		}
	}
}

func TestWriteEDNRoundTrip(t *testing.T) {
	t.Parallel()
	h := History{
		{Index: 0, Time: 1200000, Process: 3, Type: Invoke, F: "write", Value: int64(2), Node: "n2"},
		{Index: 1, Time: 1300000, Process: 3, Type: OK, F: "write", Value: int64(2)},
		{Index: 2, Time: 1400000, Process: Nemesis, Type: Info, F: "start-partition", Value: map[string]any{"n1": []any{"n2", "n3"}, "odd key": nil}},
		{Index: 3, Time: 1500000, Process: 4, Type: Invoke, F: "cas", Key: "x y", Value: []any{int64(1), "a\"b\\c\n"}},
		{Index: 4, Time: 1600000, Process: 4, Type: Fail, F: "cas", Key: "x y", Value: []any{1.5, false}, Error: "mismatch"},
		{Index: 5, Time: 1700000, Process: 5, Type: Invoke, F: "odd f", Value: "\x00\xff"},
	}
	var buf bytes.Buffer
	if err := WriteEDN(&buf, h); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "[{:index 0, :time 1200000, :process 3, :type :invoke, :f :write, :value 2, :node \"n2\"}\n") {
		t.Fatalf("unexpected layout:\n%s", buf.String())
	}
	back, err := ReadEDN(&buf, "rt.edn")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, h) {
		t.Fatalf("round trip:\n%#v\n%#v", back, h)
	}
}

func TestWriteEDNRejectsNaN(t *testing.T) {
	t.Parallel()
	var nan float64
	nan = nan / nan
	err := WriteEDN(&bytes.Buffer{}, History{{Process: 0, Type: Invoke, F: "write", Value: nan}})
	if err == nil {
		t.Fatal("want an error for NaN")
	}
}
