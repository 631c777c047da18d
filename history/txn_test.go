package history

import (
	"bytes"
	"strings"
	"testing"
)

func TestTxnsPairsAndParses(t *testing.T) {
	t.Parallel()
	h, _, err := ReadTxnBytes([]byte(`
{:index 0 :process 1 :type :invoke :f :txn :value [[:append :x 1] [:r :y nil]]}
{:index 1 :process :nemesis :type :info :f :start-partition :value nil}
{:index 2 :process 2 :type :invoke :f :txn :value [[:w 3 4] [:r 3]]}
{:index 3 :process 1 :type :ok :f :txn :value [[:append :x 1] [:r :y [1 2]]]}
{:index 4 :process 2 :type :info :f :txn :value nil}
{:index 5 :process 3 :type :fail :f :txn :value [[:append :x 9]]}
{:index 6 :process 4 :type :invoke :f :txn :value [[:r :x nil]]}
`), "t", "auto")
	if err != nil {
		t.Fatal(err)
	}
	txns, err := Txns(h)
	if err != nil {
		t.Fatal(err)
	}
	if len(txns) != 4 {
		t.Fatalf("%d transactions", len(txns))
	}
	a, b, c, d := txns[0], txns[1], txns[2], txns[3]
	if a.Type != OK || a.InvokeAt != 0 || a.CompleteAt != 3 || Format(a.Mops[1].Value) != "[1 2]" || a.Mops[0].Key != "x" {
		t.Errorf("ok transaction: %+v", a)
	}
	// An info completion without a value keeps the invocation's
	// micro-operations; a two-element read has no value.
	if b.Type != Info || len(b.Mops) != 2 || b.Mops[0].Key != int64(3) || b.Mops[1].Value != nil {
		t.Errorf("info transaction: %+v", b)
	}
	// A completion with no invocation stands alone (Elle's examples).
	if c.Type != Fail || c.InvokeAt != -1 || c.CompleteAt != 5 || c.Record().Index != 5 {
		t.Errorf("lone completion: %+v", c)
	}
	// An invocation the history never completes is info.
	if d.Type != Info || d.CompleteAt != -1 || d.Record().Index != 6 || len(d.Records()) != 1 {
		t.Errorf("open invocation: %+v", d)
	}
}

func TestTxnsErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ edn, want string }{
		{`{:process 0 :type :ok :f :txn :value 3}`, `record 0 (process 0, ok): field "value": want a transaction`},
		{`{:process 0 :type :ok :f :txn :value [[:append :x]]}`, "micro-operation 0: append needs a value"},
		{`{:process 0 :type :ok :f :txn :value [[:inc :x 1]]}`, "want append, r or w; got \"inc\""},
		{`{:process 0 :type :ok :f :txn :value [[:w {:a 1} 1]]}`, "is not a number, string or list"},
		{`{:process 0 :type :ok :f :txn :value [[:r :x 1] [:w :x nil]]}`, "micro-operation 1: w of nil: want a number or string"},
		{`{:process 0 :type :invoke :f :txn :value []} {:process 0 :type :invoke :f :txn :value []}`, "still open"},
		{`{:process 0 :type :invoke :f :txn :value []} {:process 0 :type :ok :f :read :value []}`, `completes "read" but invoked "txn"`},
	} {
		h, _, err := ReadTxnBytes([]byte(c.edn), "t", "edn")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Txns(h); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.edn, err, c.want)
		}
	}
}

// Elle's example histories leave out :process and :f; read as a
// transactional history they are one client's transactions.
func TestReadTxnDefaults(t *testing.T) {
	t.Parallel()
	src := "{:index 0 :type :invoke :value [[:append 1 2]]}\n{:index 1 :type :ok :value [[:append 1 2]]}\n"
	if _, _, err := ReadBytes([]byte(src), "t", "auto"); err == nil {
		t.Fatal("the general reader accepts a record without :process")
	}
	h, format, err := ReadTxnBytes([]byte(src), "t", "auto")
	if err != nil || format != FormatEDN {
		t.Fatal(err, format)
	}
	if h[0].Process != 0 || h[0].F != "txn" || h[1].F != "txn" {
		t.Fatalf("%+v", h)
	}
	// Other formats read as ReadBytes reads them.
	j := `{"process":0,"type":"ok","f":"txn","value":[["append","x",1],["r","x",[1]]]}`
	h, format, err = ReadTxnBytes([]byte(j), "t", "auto")
	if err != nil || format != FormatJSONL || len(h) != 1 {
		t.Fatal(err, format, h)
	}
}

// WriteEDN writes micro-operation functions as keywords, as Jepsen does and
// Elle reads them, and the result reads back to the same transactions.
func TestWriteTxnEDN(t *testing.T) {
	t.Parallel()
	h := History{
		{Index: 0, Process: 1, Type: Invoke, F: "txn", Value: []any{[]any{"append", "x", int64(1)}, []any{"r", int64(7), nil}}},
		{Index: 1, Process: 1, Type: OK, F: "txn", Value: []any{[]any{"append", "x", int64(1)}, []any{"r", int64(7), []any{int64(1), int64(2)}}}},
		{Index: 2, Process: 2, Type: OK, F: "read", Value: []any{"append", "x"}},
	}
	var buf bytes.Buffer
	if err := WriteEDN(&buf, h); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`:value [[:append "x" 1] [:r 7 nil]]`, `:value [[:append "x" 1] [:r 7 [1 2]]]`, `:f :read, :value ["append" "x"]`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in\n%s", want, out)
		}
	}
	back, err := ReadEDN(strings.NewReader(out), "t")
	if err != nil {
		t.Fatal(err)
	}
	for i := range h {
		if Format(back[i].Value) != Format(h[i].Value) {
			t.Errorf("record %d: %s, want %s", i, Format(back[i].Value), Format(h[i].Value))
		}
	}
}
