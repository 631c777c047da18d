package checker

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

func TestRegisterAnomalies(t *testing.T) {
	t.Parallel()
	mismatch := fail(1, "cas", []any{1, 2})
	mismatch.Error = history.ErrorMismatch
	runAnomalyCases(t, []anomalyCase{
		{"never written", "register", nil, hist(inv(0, "write", 1), ok(0, "write", 1), inv(1, "read", nil), ok(1, "read", 7)),
			NotLinearizable, AnomalyNeverWritten, []string{"process 1", "7"}},
		{"failed write", "register", nil, hist(inv(0, "write", 1), fail(0, "write", 1), inv(1, "read", nil), ok(1, "read", 1)),
			NotLinearizable, AnomalyFailedWrite, []string{"failed", "process 0"}},
		{"future read", "register", nil, hist(inv(1, "read", nil), ok(1, "read", 1), inv(0, "write", 1), ok(0, "write", 1)),
			NotLinearizable, AnomalyFutureRead, nil},
		{"stale read, later seen", "register", nil, hist(
			inv(0, "write", 1), ok(0, "write", 1), inv(0, "write", 2), ok(0, "write", 2),
			inv(1, "read", nil), ok(1, "read", 1), inv(2, "read", nil), ok(2, "read", 2)),
			NotLinearizable, AnomalyStaleRead, []string{"process 0", "process 1", "stale"}},
		{"stale empty read", "register", nil, hist(inv(0, "write", 1), ok(0, "write", 1), inv(1, "read", nil), ok(1, "read", nil), inv(1, "read", nil), ok(1, "read", 1)),
			NotLinearizable, AnomalyStaleRead, nil},
		{"lost update", "cas-register", 0, hist(
			inv(0, "cas", []any{0, 1}), inv(1, "cas", []any{0, 2}), ok(0, "cas", []any{0, 1}), ok(1, "cas", []any{0, 2})),
			NotLinearizable, AnomalyLostUpdate, []string{"process 0", "process 1"}},
		{"false cas failure", "cas-register", 0, hist(
			inv(0, "write", 1), ok(0, "write", 1), inv(1, "cas", []any{1, 2}), mismatch),
			NotLinearizable, AnomalyFalseCASFailure, []string{"did not hold 1"}},
		{"kv per key", "kv", nil, hist(
			keyed("x", inv(0, "write", 1)), keyed("x", ok(0, "write", 1)),
			keyed("y", inv(1, "write", 1)), keyed("y", ok(1, "write", 1)),
			keyed("y", inv(1, "read", nil)), keyed("y", ok(1, "read", 2))),
			NotLinearizable, AnomalyNeverWritten, []string{"Key y"}},
		{"kv append lost", "kv", "", hist(
			keyed("k", inv(0, "append", "a")), keyed("k", ok(0, "append", "a")),
			keyed("k", inv(0, "append", "b")), keyed("k", ok(0, "append", "b")),
			keyed("k", inv(1, "get", nil)), keyed("k", ok(1, "get", "a"))),
			NotLinearizable, AnomalyLostWrite, []string{`"b"`}},
	})
}

func TestOtherModelAnomalies(t *testing.T) {
	t.Parallel()
	runAnomalyCases(t, []anomalyCase{
		{"counter duplicated by a failed add", "counter", nil, hist(
			inv(0, "add", 1), fail(0, "add", 1), inv(1, "add", 1), ok(1, "add", 1), inv(2, "read", nil), ok(2, "read", 2)),
			NotLinearizable, AnomalyDuplicated, []string{"failed", "2"}},
		{"counter with a timed-out add is fine", "counter", nil, hist(
			inv(0, "add", 1), info(0, "add", 1), inv(1, "add", 1), ok(1, "add", 1), inv(2, "read", nil), ok(2, "read", 2)),
			Linearizable, "", nil},
		{"counter lost increment", "counter", nil, hist(
			inv(0, "add", 1), ok(0, "add", 1), inv(1, "add", 1), ok(1, "add", 1), inv(2, "read", nil), ok(2, "read", 1)),
			NotLinearizable, AnomalyLostIncrement, []string{"lost"}},
		{"set lost add", "set", nil, hist(
			inv(0, "add", 1), ok(0, "add", 1), inv(0, "add", 2), ok(0, "add", 2), inv(0, "add", 3), ok(0, "add", 3),
			inv(1, "read", nil), ok(1, "read", []any{1, 3})),
			NotLinearizable, AnomalyLostWrite, []string{"Only element 2"}},
		{"set stale read", "set", nil, hist(
			inv(0, "add", 1), ok(0, "add", 1), inv(1, "read", nil), ok(1, "read", []any{}), inv(1, "read", nil), ok(1, "read", []any{1})),
			NotLinearizable, AnomalyStaleRead, nil},
		{"set element never added", "set", nil, hist(
			inv(0, "add", 1), ok(0, "add", 1), inv(1, "read", nil), ok(1, "read", []any{1, 9})),
			NotLinearizable, AnomalyNeverWritten, []string{"9"}},
		{"queue lost message", "queue", nil, hist(
			inv(0, "enqueue", 1), ok(0, "enqueue", 1), inv(0, "enqueue", 2), ok(0, "enqueue", 2),
			inv(1, "drain", nil), ok(1, "drain", []any{1})),
			NotLinearizable, AnomalyLostWrite, []string{"2"}},
		{"queue duplicate", "queue", nil, hist(
			inv(0, "enqueue", 1), ok(0, "enqueue", 1), inv(1, "dequeue", nil), ok(1, "dequeue", 1), inv(2, "dequeue", nil), ok(2, "dequeue", 1)),
			NotLinearizable, AnomalyDuplicated, nil},
		{"queue order", "queue", nil, hist(
			inv(0, "enqueue", 1), ok(0, "enqueue", 1), inv(0, "enqueue", 2), ok(0, "enqueue", 2),
			inv(1, "dequeue", nil), ok(1, "dequeue", 2), inv(1, "dequeue", nil), ok(1, "dequeue", 1)),
			NotLinearizable, AnomalyReordered, nil},
		{"queue dequeue of nothing fails", "queue", nil, hist(inv(1, "dequeue", nil), fail(1, "dequeue", nil), inv(0, "enqueue", 1), ok(0, "enqueue", 1)),
			Linearizable, "", nil},
		{"two lock holders", "lock", nil, hist(
			inv(0, "acquire", nil), ok(0, "acquire", nil), inv(1, "acquire", nil), ok(1, "acquire", nil)),
			NotLinearizable, AnomalyTwoHolders, []string{"process 0", "process 1"}},
		{"lock handed over", "lock", nil, hist(
			inv(0, "acquire", nil), ok(0, "acquire", 1), inv(0, "release", nil), ok(0, "release", nil),
			inv(1, "acquire", nil), ok(1, "acquire", 2), inv(0, "release", nil), fail(0, "release", nil)),
			Linearizable, "", nil},
		{"fencing token backwards", "lock", nil, hist(
			inv(0, "acquire", nil), ok(0, "acquire", 5), inv(0, "release", nil), ok(0, "release", nil),
			inv(1, "acquire", nil), ok(1, "acquire", 3)),
			NotLinearizable, AnomalyStaleToken, []string{"5", "3"}},
		{"multi-register never written", "multi-register", map[string]any{"x": 0, "y": 0}, hist(
			inv(0, "txn", []any{[]any{"write", "x", 1}}), ok(0, "txn", []any{[]any{"write", "x", 1}}),
			inv(1, "txn", []any{[]any{"read", "x", nil}, []any{"read", "y", nil}}), ok(1, "txn", []any{[]any{"read", "x", 1}, []any{"read", "y", 5}})),
			NotLinearizable, AnomalyNeverWritten, []string{"y"}},
		{"multi-register atomic", "multi-register", map[string]any{"x": 0, "y": 0}, hist(
			inv(0, "txn", []any{[]any{"write", "x", 1}, []any{"write", "y", 1}}),
			inv(1, "txn", []any{[]any{"read", "x", nil}, []any{"read", "y", nil}}), ok(1, "txn", []any{[]any{"read", "x", 1}, []any{"read", "y", 1}}),
			ok(0, "txn", []any{[]any{"write", "x", 1}, []any{"write", "y", 1}})),
			Linearizable, "", nil},
		{"multi-register torn read", "multi-register", map[string]any{"x": 0, "y": 0}, hist(
			inv(0, "txn", []any{[]any{"write", "x", 1}, []any{"write", "y", 1}}), ok(0, "txn", []any{[]any{"write", "x", 1}, []any{"write", "y", 1}}),
			inv(1, "txn", []any{[]any{"read", "x", nil}, []any{"read", "y", nil}}), ok(1, "txn", []any{[]any{"read", "x", 1}, []any{"read", "y", 0}})),
			NotLinearizable, AnomalyStaleRead, []string{"y"}},
	})
}

func TestModelsList(t *testing.T) {
	t.Parallel()
	want := []string{"cas-register", "counter", "kv", "lock", "multi-register", "queue", "register", "set"}
	if got := ModelNames(); !slices.Equal(got, want) {
		t.Fatalf("ModelNames() = %v, want %v", got, want)
	}
	for _, name := range want {
		m, err := ParseModel(name)
		if err != nil || m.Doc() == "" {
			t.Errorf("model %s: %v, or no description", name, err)
		}
		if mm := models[m]; mm.explain == nil || mm.promise == "" {
			t.Errorf("model %s has no explanation hook or promise", name)
		}
	}
	if _, err := ParseModel("registr"); err == nil || !strings.Contains(err.Error(), "cas-register") {
		t.Errorf("ParseModel of a typo: %v, want an error listing the models", err)
	}
}

func TestGuessModelAndFormatDefaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		h    history.History
		want Model
	}{
		{hist(inv(0, "write", 1)), "register"},
		{hist(inv(0, "cas", []any{1, 2})), "cas-register"},
		{hist(keyed("x", inv(0, "write", 1))), "kv"},
		{hist(inv(0, "add", 1), inv(1, "read", nil), ok(1, "read", []any{1})), "set"},
		{hist(inv(0, "add", 1), inv(1, "read", nil), ok(1, "read", 1)), "counter"},
		{hist(inv(0, "enqueue", 1)), "queue"},
		{hist(inv(0, "acquire", nil)), "lock"},
		{hist(inv(0, "txn", []any{})), "multi-register"},
	}
	for _, c := range cases {
		if got := GuessModel(c.h); got != c.want {
			t.Errorf("GuessModel(%v) = %s, want %s", c.h, got, c.want)
		}
	}
	if m, init := FormatDefaults(history.FormatKVLog); m != "kv" || init != "" {
		t.Errorf("kv-log defaults: %s %v", m, init)
	}
	if m, init := FormatDefaults(history.FormatEtcdLog); m != "cas-register" || init != nil {
		t.Errorf("etcd defaults: %s %v", m, init)
	}
}

func TestFaultIntervals(t *testing.T) {
	t.Parallel()
	nem := func(typ history.Type, f string, v any) history.Op {
		return history.Op{Process: history.Nemesis, Type: typ, F: f, Value: v}
	}
	h := hist(
		inv(0, "write", 1),
		nem(history.Invoke, "start-partition", "majority"), nem(history.Info, "start-partition", []any{"n1"}),
		ok(0, "write", 1),
		nem(history.Info, "pause", "n2"),
		nem(history.Invoke, "stop-partition", nil), nem(history.Info, "stop-partition", nil),
		nem(history.Info, "crash", "n3"),
	)
	got := FaultIntervals(h)
	want := []Fault{
		{Name: "start-partition", Detail: `"majority"`, Start: 1, End: 5, Ended: true, From: 1, To: 5},
		{Name: "pause", Detail: `"n2"`, Start: 4, End: 7, From: 4, To: 7},
		{Name: "crash", Detail: `"n3"`, Start: 7, End: 7, From: 7, To: 7},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

// TestFaultIntervalsByNode: an end that names nodes ends the faults on
// them; one that names none ends them all; net faults end with net-reset.
func TestFaultIntervalsByNode(t *testing.T) {
	t.Parallel()
	nem := func(f string, nodes ...any) history.Op {
		v := map[string]any{"desc": f}
		if nodes != nil {
			v["nodes"] = nodes
		}
		return history.Op{Process: history.Nemesis, Type: history.Info, F: f, Value: v}
	}
	h := hist(nem("pause", "n1"), nem("pause", "n2"), nem("resume", "n2"), nem("net-delay"),
		nem("resume", "n1"), nem("crash", "n1"), nem("crash", "n3"), nem("restart"), nem("net-reset"))
	var got []string
	for _, f := range FaultIntervals(h) {
		got = append(got, fmt.Sprintf("%s %d-%d", f.Name, f.Start, f.End))
	}
	want := []string{"pause 0-4", "pause 1-2", "net-delay 3-8", "crash 5-7", "crash 6-7"}
	if !slices.Equal(got, want) {
		t.Errorf("intervals %q, want %q", got, want)
	}
}

// TestFaultsDuring: the faults listed beside a witness are exactly those
// in force at some moment of its operations. A partition healed just
// before an operation began is not (issue 9: one healed at 5.000 s was
// named for an operation at 5.035 s).
func TestFaultsDuring(t *testing.T) {
	t.Parallel()
	nem := func(f string, v any) history.Op {
		return history.Op{Process: history.Nemesis, Type: history.Info, F: f, Value: v}
	}
	h := hist(
		nem("start-partition", map[string]any{"desc": "partition {n3} | {n1 n2}"}),
		inv(0, "write", 1), ok(0, "write", 1),
		nem("stop-partition", map[string]any{"desc": "network healed"}),
		inv(1, "read", nil), // begins after the heal
		nem("pause", map[string]any{"desc": "paused n1"}),
		ok(1, "read", 2),
		nem("resume", map[string]any{"desc": "resumed n1"}),
		nem("crash", map[string]any{"desc": "crashed n2"}), // after everything
	)
	p, err := prepare(h, models[ModelRegister], nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range faultsDuring(h, p.calls[1:]) {
		names = append(names, f.String())
	}
	if want := []string{"pause (paused n1), records 5 to 7"}; !slices.Equal(names, want) {
		t.Errorf("faults during the read: %q, want %q", names, want)
	}
	names = nil
	for _, f := range faultsDuring(h, p.calls) {
		names = append(names, f.Name)
	}
	if want := []string{"start-partition", "pause"}; !slices.Equal(names, want) {
		t.Errorf("faults during both: %q, want %q", names, want)
	}
	res := mustCheck(t, h, Options{Model: ModelRegister})
	if len(res.Faults) != 1 || res.Faults[0].Name != "pause" {
		t.Errorf("Result.Faults = %+v, want the pause alone (the witness is the read of a value never written)", res.Faults)
	}
}

// A projected witness says which elements it keeps (Result.Shown), and
// ProjectedWords words a read by them as the explanation does; a witness
// of whole values keeps Shown nil.
func TestShownNamesTheProjection(t *testing.T) {
	t.Parallel()
	set := mustCheck(t, hist(
		inv(0, "add", 1), ok(0, "add", 1), inv(0, "add", 2), ok(0, "add", 2), inv(0, "add", 3), ok(0, "add", 3),
		inv(1, "read", nil), ok(1, "read", []any{1, 3})), Options{Model: "set"})
	if !slices.Equal(set.Shown, []string{"2"}) {
		t.Fatalf("Shown %q, want [2]: %s", set.Shown, set.Explanation)
	}
	if got := ProjectedWords(set.Shown, []any{int64(1), int64(3)}); got != "without 2" || !strings.Contains(set.Explanation, "read a set "+got) {
		t.Errorf("ProjectedWords %q; explanation: %s", got, set.Explanation)
	}
	if got := ProjectedWords([]string{"2", "4", "5"}, []any{int64(4)}); got != "with 4 but not 2 and 5" {
		t.Errorf("ProjectedWords of three: %q", got)
	}
	reg := mustCheck(t, hist(inv(0, "write", 1), ok(0, "write", 1), inv(1, "read", nil), ok(1, "read", 2)), Options{Model: "register"})
	if reg.Verdict != NotLinearizable || reg.Shown != nil {
		t.Errorf("a register's witness: %s, Shown %q, want not linearizable and nil", reg.Verdict, reg.Shown)
	}
}
