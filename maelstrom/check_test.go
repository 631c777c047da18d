package maelstrom

import (
	"context"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
)

func mustCheck(t *testing.T, workload string, h history.History, finalFrom int) Result {
	t.Helper()
	res, err := Check(context.Background(), workload, h, finalFrom, 0)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func wantVerdict(t *testing.T, res Result, v Verdict, anomaly string) {
	t.Helper()
	if res.Verdict != v || res.Anomaly != anomaly {
		t.Fatalf("verdict %s (%q), want %s (%q): %s", res.Verdict, res.Anomaly, v, anomaly, res.Explanation)
	}
}

func TestCheckEcho(t *testing.T) {
	good := hist(inv(0, "echo", "Please echo 3", "n1"), end(0, history.OK, "echo", "Please echo 3", "n1"),
		inv(1, "echo", "Please echo 4", "n2"), end(1, history.Info, "echo", "Please echo 4", "n2"))
	wantVerdict(t, mustCheck(t, "echo", good, -1), Valid, "")
	bad := hist(inv(0, "echo", "Please echo 3", "n1"), end(0, history.OK, "echo", "Please echo 4", "n1"))
	res := mustCheck(t, "echo", bad, -1)
	wantVerdict(t, res, Invalid, "wrong echo")
	if !strings.Contains(res.Explanation, `n1 to echo "Please echo 3"`) || len(res.Witness) != 2 {
		t.Fatalf("explanation %q, witness %v", res.Explanation, res.Witness)
	}
}

func TestCheckUniqueIDs(t *testing.T) {
	h := hist(inv(0, "generate", nil, "n1"), end(0, history.OK, "generate", "n1-1", "n1"),
		inv(1, "generate", nil, "n2"), end(1, history.OK, "generate", int64(7), "n2"),
		inv(0, "generate", nil, "n1"), end(0, history.Info, "generate", nil, "n1"))
	wantVerdict(t, mustCheck(t, "unique-ids", h, -1), Valid, "")
	h = append(h, inv(2, "generate", nil, "n3"), end(2, history.OK, "generate", int64(7), "n3"))
	res := mustCheck(t, "unique-ids", hist(h...), -1)
	wantVerdict(t, res, Invalid, "duplicate id")
	if !strings.Contains(res.Explanation, "The id 7 was generated twice: by n2") || len(res.Witness) != 4 {
		t.Fatalf("explanation %q, witness %v", res.Explanation, res.Witness)
	}
}

// A broadcast run: values 0 and 1 broadcast (1's outcome unknown), reads
// that lag during the run, final reads on both nodes from record 8 on.
func broadcastRun(finalN1, finalN2 []any) history.History {
	return hist(
		inv(0, "broadcast", int64(0), "n1"), end(0, history.OK, "broadcast", int64(0), "n1"),
		inv(1, "broadcast", int64(1), "n2"), end(1, history.Info, "broadcast", int64(1), "n2"),
		inv(0, "read", nil, "n2"), end(0, history.OK, "read", list(), "n2"), // lagging: fine
		inv(0, "read", nil, "n1"), end(0, history.OK, "read", list(0), "n1"),
		inv(0, "read", nil, "n1"), end(0, history.OK, "read", finalN1, "n1"),
		inv(3, "read", nil, "n2"), end(3, history.OK, "read", finalN2, "n2"),
	)
}

func TestCheckBroadcast(t *testing.T) {
	wantVerdict(t, mustCheck(t, "broadcast", broadcastRun(list(0), list(0)), 8), Valid, "")
	wantVerdict(t, mustCheck(t, "broadcast", broadcastRun(list(0, 1), list(1, 0)), 8), Valid, "")

	res := mustCheck(t, "broadcast", broadcastRun(list(0), list()), 8)
	wantVerdict(t, res, Invalid, "lost broadcast")
	if !strings.Contains(res.Explanation, "The value 0 was acknowledged at 1ms, but n2's final read at 11ms") {
		t.Fatalf("explanation: %s", res.Explanation)
	}
	// A value of unknown outcome, once read, must stay.
	res = mustCheck(t, "broadcast", broadcastRun(list(0, 1), list(0)), 8)
	wantVerdict(t, res, Invalid, "lost broadcast")
	if !strings.Contains(res.Explanation, "The value 1 was read by n1") {
		t.Fatalf("explanation: %s", res.Explanation)
	}
	wantVerdict(t, mustCheck(t, "broadcast", broadcastRun(list(0, 7), list(0)), 8), Invalid, "read of a value never broadcast")
	wantVerdict(t, mustCheck(t, "broadcast", broadcastRun(list(0, 0), list(0)), 8), Invalid, "duplicated value")

	// A final read that never returned leaves the verdict open.
	h := broadcastRun(list(0), list(0))
	h[11].Type, h[11].Value = history.Info, nil
	res = mustCheck(t, "broadcast", h, 8)
	wantVerdict(t, res, Unknown, "")
	if !strings.Contains(res.Explanation, "final read on n2 did not complete") {
		t.Fatalf("explanation: %s", res.Explanation)
	}
	wantVerdict(t, mustCheck(t, "broadcast", broadcastRun(list(0), list(0)), -1), Unknown, "")
}

func counterRun(finals ...int64) history.History {
	recs := []history.Op{
		inv(0, "add", int64(3), "n1"), end(0, history.OK, "add", int64(3), "n1"),
		inv(1, "add", int64(2), "n2"), end(1, history.Info, "add", int64(2), "n2"),
		inv(2, "add", int64(4), "n3"), end(2, history.Info, "add", int64(4), "n3"),
		inv(0, "add", int64(1), "n1"), end(0, history.Fail, "add", int64(1), "n1"),
		inv(0, "read", nil, "n2"), end(0, history.OK, "read", int64(0), "n2"), // stale: fine
	}
	for i, v := range finals {
		p := int64(10 + i)
		recs = append(recs, inv(p, "read", nil, "n1"), end(p, history.OK, "read", v, "n1"))
	}
	return hist(recs...)
}

func TestCheckGCounter(t *testing.T) {
	for _, ok := range []int64{3, 5, 7, 9} { // 3 plus any of {2, 4}
		wantVerdict(t, mustCheck(t, "g-counter", counterRun(ok, ok), 10), Valid, "")
	}
	res := mustCheck(t, "g-counter", counterRun(3, 2), 10)
	wantVerdict(t, res, Invalid, "lost increment")
	if !strings.Contains(res.Explanation, "returned 2. The acknowledged adds total 3, and the 2 adds whose outcome is unknown could add 0 to 6 more") {
		t.Fatalf("explanation: %s", res.Explanation)
	}
	wantVerdict(t, mustCheck(t, "g-counter", counterRun(8), 10), Invalid, "read of adds never made")
	// A read counting more than every add invoked before it returned.
	h := counterRun(9)
	h[9].Value = int64(10)
	wantVerdict(t, mustCheck(t, "g-counter", h, 10), Invalid, "read of adds never made")
}

func TestCheckLinKVUsesTheKVModel(t *testing.T) {
	kv := func(p int64, t history.Type, f string, v any) history.Op {
		return history.Op{Process: history.Process(p), Type: t, F: f, Key: "0", Value: v, Node: "n1"}
	}
	good := hist(kv(0, history.Invoke, "write", int64(1)), kv(0, history.OK, "write", int64(1)),
		kv(1, history.Invoke, "read", nil), kv(1, history.OK, "read", int64(1)))
	res := mustCheck(t, "lin-kv", good, -1)
	if res.Name() != string(checker.Linearizable) || res.Verdict != Valid {
		t.Fatalf("verdict %s / %s", res.Name(), res.Verdict)
	}
	stale := hist(kv(0, history.Invoke, "write", int64(1)), kv(0, history.OK, "write", int64(1)),
		kv(0, history.Invoke, "write", int64(2)), kv(0, history.OK, "write", int64(2)),
		kv(1, history.Invoke, "read", nil), kv(1, history.OK, "read", int64(1)))
	res = mustCheck(t, "lin-kv", stale, -1)
	if res.Name() != string(checker.NotLinearizable) || res.Verdict != Invalid || res.Anomaly == "" || len(res.Witness) == 0 {
		t.Fatalf("verdict %s, anomaly %q, witness %v", res.Name(), res.Anomaly, res.Witness)
	}
	if !strings.Contains(FormatText(res), "NOT linearizable (kv)") {
		t.Fatalf("text: %s", FormatText(res))
	}
}

func TestCheckRefusesBrokenHistories(t *testing.T) {
	h := hist(end(0, history.OK, "read", list(), "n1"))
	if _, err := Check(context.Background(), "broadcast", h, -1, 0); err == nil {
		t.Fatal("a completion without an invocation was accepted")
	}
	if _, err := Check(context.Background(), "kafka", nil, -1, 0); err == nil || !strings.Contains(err.Error(), "unknown") {
		t.Fatalf("unknown workload: %v", err)
	}
}

func TestFormatTextSaysWhatWasChecked(t *testing.T) {
	res := mustCheck(t, "g-counter", counterRun(3, 2), 10)
	text := FormatText(res)
	for _, want := range []string{"INVALID (g-counter): lost increment", "Checked: every node's final read", "Witness:", "read"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if text := FormatText(mustCheck(t, "g-counter", counterRun(3, 3), 10)); !strings.HasPrefix(text, "valid (g-counter): 7 operations checked") {
		t.Errorf("valid text: %s", text)
	}
}
