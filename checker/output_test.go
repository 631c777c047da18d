package checker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/history"
)

func staleHistory() history.History {
	nem := func(f string) history.Op {
		return history.Op{Process: history.Nemesis, Type: history.Info, F: f, Value: "n1"}
	}
	return hist(
		inv(0, "write", 1), ok(0, "write", 1),
		nem("start-partition"),
		inv(0, "write", 2), ok(0, "write", 2),
		inv(1, "read", nil), ok(1, "read", 1),
		nem("stop-partition"),
		inv(2, "read", nil), ok(2, "read", 2),
	)
}

func TestFormatText(t *testing.T) {
	t.Parallel()
	res := mustCheck(t, staleHistory(), Options{Model: "register"})
	if res.Prefix != 6 || res.Tip == nil || res.Tip.Index != 6 || res.Tip.Type != history.OK || res.Failing == nil || res.Failing.Index != 5 {
		t.Errorf("prefix %d, tip %v, failing %v: want 6 records, the read's return at 6, invoked at 5", res.Prefix, res.Tip, res.Failing)
	}
	text := FormatText(res)
	for _, want := range []string{
		"NOT linearizable (register): stale read",
		"Records 0 to 5 linearize; record 6, where process 1's\nread (invoked at record 5) returns, is the first that cannot be added.",
		"Witness: 3 operations",
		"process 0 | write 1 | | write 2 |",
		"| read → 1 |  ← cannot be linearized",
		"In time order: process 0 wrote 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("FormatText lacks %q:\n%s", want, text)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "In time") && len([]rune(line)) > 78 {
			t.Errorf("explanation not wrapped: %q", line)
		}
	}
	ok := FormatText(Result{Verdict: Linearizable, Model: "kv", Ops: 12, Partitions: 3})
	if ok != "linearizable (kv): 12 operations checked in 3 partitions.\n" {
		t.Errorf("linearizable text: %q", ok)
	}
	if u := FormatText(Result{Verdict: Unknown, Model: "set", Ops: 1}); !strings.Contains(u, "unknown (set)") || !strings.Contains(u, "--timeout") {
		t.Errorf("unknown text: %q", u)
	}
}

func TestTimelineMarksOutcomes(t *testing.T) {
	t.Parallel()
	h := hist(inv(0, "write", 1), inv(1, "write", 2), info(1, "write", 2), inv(2, "write", 3), fail(2, "write", 3), ok(0, "write", 1))
	got := Timeline(h, nil)
	for _, want := range []string{"write 1 ", "write 2 ", "?", "x"} {
		if !strings.Contains(got, want) {
			t.Errorf("timeline lacks %q:\n%s", want, got)
		}
	}
	open := Timeline(hist(inv(0, "write", 1)), nil)
	if !strings.Contains(open, ">") {
		t.Errorf("an operation that never completes should end in >:\n%s", open)
	}
}

func TestWriteHTML(t *testing.T) {
	t.Parallel()
	h := staleHistory()
	opts := Options{Model: "register"}
	res := mustCheck(t, h, opts)
	var buf bytes.Buffer
	if err := WriteHTML(t.Context(), &buf, h, res, opts); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{"<html", "start-partition", "cannot be linearized: stale read", "witness: stale read"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	kv := hist(keyed("a", inv(0, "write", 1)), keyed("b", inv(1, "write", 2)), keyed("a", ok(0, "write", 1)), keyed("b", ok(1, "write", 2)))
	kres := mustCheck(t, kv, Options{Model: "kv"})
	buf.Reset()
	if err := WriteHTML(t.Context(), &buf, kv, kres, Options{Model: "kv"}); err != nil || !strings.Contains(buf.String(), "<html") {
		t.Fatalf("kv HTML: %v", err)
	}
	if err := WriteHTML(t.Context(), &buf, kv, kres, Options{Model: "nope"}); err == nil {
		t.Error("unknown model: want an error")
	}
}

func TestProgress(t *testing.T) {
	t.Parallel()
	var calls [][2]int
	h := hist(
		keyed("a", inv(0, "write", 1)), keyed("a", ok(0, "write", 1)),
		keyed("b", inv(0, "write", 1)), keyed("b", ok(0, "write", 1)),
		keyed("b", inv(0, "read", nil)), keyed("b", ok(0, "read", 5)),
	)
	res, err := Check(context.Background(), h, Options{Model: "kv", Progress: func(done, total int) {
		calls = append(calls, [2]int{done, total})
	}})
	if err != nil || res.Verdict != NotLinearizable || res.Key != "b" || res.Partitions != 2 {
		t.Fatalf("%v %+v", err, res)
	}
	want := [][2]int{{1, 3}, {2, 3}, {3, 3}}
	if fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("progress calls %v, want %v", calls, want)
	}
}

// ExampleCheck checks a history with a stale read and prints the verdict,
// the anomaly and the witness.
func ExampleCheck() {
	h := history.History{
		{Index: 0, Process: 0, Type: history.Invoke, F: "write", Value: int64(1)},
		{Index: 1, Process: 0, Type: history.OK, F: "write", Value: int64(1)},
		{Index: 2, Process: 0, Type: history.Invoke, F: "write", Value: int64(2)},
		{Index: 3, Process: 0, Type: history.OK, F: "write", Value: int64(2)},
		{Index: 4, Process: 1, Type: history.Invoke, F: "read"},
		{Index: 5, Process: 1, Type: history.OK, F: "read", Value: int64(1)},
		{Index: 6, Process: 2, Type: history.Invoke, F: "read"},
		{Index: 7, Process: 2, Type: history.OK, F: "read", Value: int64(2)},
	}
	res, err := Check(context.Background(), h, Options{Model: "register"})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Verdict, "—", res.Anomaly)
	fmt.Print(Timeline(res.Witness, res.Failing))
	// Output:
	// not-linearizable — stale read
	//   process 0 | write 1 | | write 2 |
	//   process 1                         | read → 1 |  ← cannot be linearized
	//   (|--| ok  --? info: may or may not have happened  --x failed: did not happen  --> never completed)
}

// TestWriteHTMLAfterATimeOut: a page asked for after the check ran out of
// time used to panic inside porcupine's visualisation ("valid partial
// linearization returned non-ok result"), its search reusing a model whose
// steps fail once the limit passed. Now it is written from a finished
// search or not at all.
func TestWriteHTMLAfterATimeOut(t *testing.T) {
	t.Parallel()
	h := hardHistory(24) // beyond the counter sweep's grid: left to the search
	opts := Options{Model: ModelCounter, Timeout: 20 * time.Millisecond}
	res := mustCheck(t, h, opts)
	if res.Verdict != Unknown {
		t.Fatalf("the hard history was decided in 20ms: %s", res.Verdict)
	}
	var page bytes.Buffer
	err := WriteHTML(t.Context(), &page, h, res, opts)
	if !errors.Is(err, ErrHTMLUnfinished) || page.Len() != 0 || !strings.Contains(err.Error(), "time limit") {
		t.Fatalf("got %v and %d bytes; want ErrHTMLUnfinished naming the time limit, and nothing written", err, page.Len())
	}
	// With time to finish, the page is written, witness and all.
	small := hardHistory(6)
	opts.Timeout = time.Minute
	res = mustCheck(t, small, opts)
	if err := WriteHTML(t.Context(), &page, small, res, opts); err != nil || !strings.Contains(page.String(), "cannot be linearized") {
		t.Fatalf("finished page: %v", err)
	}
}

// Every branch of the headline's prefix sentence, read whole.
func TestPrefixTextBranches(t *testing.T) {
	t.Parallel()
	read := history.Op{Index: 8, Process: 1, Type: history.Invoke, F: "read"}
	cases := []struct {
		res  Result
		want string
	}{
		{Result{Prefix: 9, Tip: &history.Op{Index: 9, Process: 1, Type: history.OK, F: "read"}, Failing: &read},
			"Records 0 to 8 linearize; record 9, where process 1's read (invoked at record 8) returns, is the first that cannot be added."},
		{Result{Prefix: 9, Key: "x", Tip: &history.Op{Index: 9, Process: 1, Type: history.OK, F: "read"}, Failing: &read},
			"Taking key x's operations alone, records 0 to 8 linearize; record 9, where process 1's read (invoked at record 8) returns, is the first that cannot be added."},
		{Result{Prefix: 9, Tip: &history.Op{Index: 40, Process: 2, Type: history.OK, F: "write"}, Failing: &read},
			"The first 9 records of the history linearize; record 40, where process 2's write completes, is the first that cannot be added. The witness is explained through process 1's read, invoked at record 8."},
		{Result{Prefix: -1, Failing: &read},
			"Where the history stops being linearizable was not determined; the witness ends in process 1's read, invoked at record 8."},
		{Result{Prefix: -1}, "Where the history stops being linearizable was not determined."},
	}
	for _, c := range cases {
		if got := prefixText(c.res); got != c.want {
			t.Errorf("prefixText:\n got %s\nwant %s", got, c.want)
		}
	}
}
