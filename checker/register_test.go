package checker

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/history"
)

func TestRegisterVerdicts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		h    history.History
		init any
		want Verdict
	}{
		{"sequential", hist(inv(0, "write", 1), ok(0, "write", 1), inv(1, "read", nil), ok(1, "read", 1)), nil, Linearizable},
		{"stale", hist(inv(0, "write", 1), ok(0, "write", 1), inv(0, "write", 2), ok(0, "write", 2), inv(1, "read", nil), ok(1, "read", 1)), nil, NotLinearizable},
		{"concurrent read sees either", hist(inv(0, "write", 1), inv(1, "read", nil), ok(1, "read", nil), ok(0, "write", 1)), nil, Linearizable},
		{"nil read after write", hist(inv(0, "write", 1), ok(0, "write", 1), inv(1, "read", nil), ok(1, "read", nil)), nil, NotLinearizable},
		{"nil read constrains nothing when init is set", hist(inv(0, "write", 1), ok(0, "write", 1), inv(1, "read", nil), ok(1, "read", nil)), 0, Linearizable},
		{"init value read", hist(inv(1, "read", nil), ok(1, "read", 0)), 0, Linearizable},
		{"failed write did not happen", hist(inv(0, "write", 1), fail(0, "write", 1), inv(1, "read", nil), ok(1, "read", 1)), nil, NotLinearizable},
		{"info write may happen later", hist(inv(0, "write", 1), info(0, "write", 1), inv(1, "read", nil), ok(1, "read", nil), inv(1, "read", nil), ok(1, "read", 1)), nil, Linearizable},
		{"info write cannot happen before its invocation", hist(inv(1, "read", nil), ok(1, "read", 1), inv(0, "write", 1), info(0, "write", 1)), nil, NotLinearizable},
		{"open write may happen", hist(inv(0, "write", 1), inv(1, "read", nil), ok(1, "read", 1)), nil, Linearizable},
		{"nemesis is skipped", hist(inv(0, "write", 1), history.Op{Process: history.Nemesis, Type: history.Info, F: "start-partition", Value: "majority"}, ok(0, "write", 1)), nil, Linearizable},
	}
	for _, c := range cases {
		res := mustCheck(t, c.h, Options{Model: "register", Init: c.init})
		if res.Verdict != c.want {
			t.Errorf("%s: got %s, want %s", c.name, res.Verdict, c.want)
		}
	}
}

func TestCASRegisterVerdicts(t *testing.T) {
	t.Parallel()
	mismatch := func(p int, v any) history.Op {
		o := fail(p, "cas", v)
		o.Error = history.ErrorMismatch
		return o
	}
	cases := []struct {
		name string
		h    history.History
		want Verdict
	}{
		{"cas then read", hist(inv(0, "cas", []any{0, 1}), ok(0, "cas", []any{0, 1}), inv(1, "read", nil), ok(1, "read", 1)), Linearizable},
		{"cas from the wrong value", hist(inv(0, "cas", []any{5, 1}), ok(0, "cas", []any{5, 1})), NotLinearizable},
		{"lost update", hist(inv(0, "cas", []any{0, 1}), ok(0, "cas", []any{0, 1}), inv(1, "cas", []any{0, 2}), ok(1, "cas", []any{0, 2})), NotLinearizable},
		{"a plain failed cas did not happen", hist(inv(0, "cas", []any{0, 1}), fail(0, "cas", []any{0, 1}), inv(1, "read", nil), ok(1, "read", 0)), Linearizable},
		{"a mismatch observes the value", hist(inv(0, "cas", []any{0, 1}), mismatch(0, []any{0, 1})), NotLinearizable},
		{"a mismatch on another value is fine", hist(inv(0, "cas", []any{7, 1}), mismatch(0, []any{7, 1})), Linearizable},
		{"info cas may apply", hist(inv(0, "cas", []any{0, 1}), info(0, "cas", []any{0, 1}), inv(1, "read", nil), ok(1, "read", 1)), Linearizable},
	}
	for _, c := range cases {
		res := mustCheck(t, c.h, Options{Model: "cas-register", Init: 0})
		if res.Verdict != c.want {
			t.Errorf("%s: got %s, want %s", c.name, res.Verdict, c.want)
		}
	}
}

func TestFailureDetails(t *testing.T) {
	t.Parallel()
	h := hist(
		inv(0, "write", 1), ok(0, "write", 1), // 0 1
		inv(0, "write", 2), ok(0, "write", 2), // 2 3
		inv(2, "read", nil), ok(2, "read", 2), // 4 5
		inv(1, "read", nil), ok(1, "read", 1), // 6 7: stale
		inv(2, "read", nil), ok(2, "read", 2), // 8 9
	)
	res := mustCheck(t, h, Options{Model: "register"})
	if res.Verdict != NotLinearizable {
		t.Fatalf("verdict %s", res.Verdict)
	}
	if res.Prefix != 7 {
		t.Errorf("prefix %d, want 7", res.Prefix)
	}
	if res.Failing == nil || res.Failing.Index != 6 {
		t.Errorf("failing %+v, want record 6", res.Failing)
	}
	if res.Anomaly != AnomalyStaleRead {
		t.Errorf("anomaly %q", res.Anomaly)
	}
	if len(res.Witness) != 6 {
		t.Errorf("witness has %d records, want 6: %v", len(res.Witness), res.Witness)
	}
	for _, want := range []string{"process 0", "process 1", "1", "2"} {
		if !strings.Contains(res.Explanation, want) {
			t.Errorf("explanation lacks %q: %s", want, res.Explanation)
		}
	}
	if res.Ops != 5 || res.Partitions != 1 {
		t.Errorf("ops %d partitions %d", res.Ops, res.Partitions)
	}
}

func TestLostWriteVersusStaleRead(t *testing.T) {
	t.Parallel()
	lost := hist(
		inv(0, "write", 1), ok(0, "write", 1),
		inv(0, "write", 2), ok(0, "write", 2),
		inv(1, "read", nil), ok(1, "read", 1),
		inv(1, "read", nil), ok(1, "read", 1),
	)
	if res := mustCheck(t, lost, Options{}); res.Anomaly != AnomalyLostWrite {
		t.Errorf("got %q, want %q: %s", res.Anomaly, AnomalyLostWrite, res.Explanation)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		h    history.History
		opts Options
		want string
	}{
		{"unknown model", hist(), Options{Model: "graph"}, "unknown model"},
		{"unmatched completion", hist(ok(0, "write", 1)), Options{}, "no open invocation"},
		{"double invoke", hist(inv(0, "write", 1), inv(0, "write", 2)), Options{}, "still open"},
		{"cas shape", hist(inv(0, "cas", 3), ok(0, "cas", 3)), Options{Model: "cas-register"}, "[from to]"},
		{"no cas on a plain register", hist(inv(0, "cas", []any{1, 2})), Options{Model: "register"}, "no operation \"cas\""},
		{"kv needs keys", hist(inv(0, "write", 1)), Options{Model: "kv"}, "key"},
	}
	for _, c := range cases {
		_, err := Check(context.Background(), c.h, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestCancelledContextGivesUnknown(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := hist(inv(0, "write", 1), ok(0, "write", 1), inv(1, "read", nil), ok(1, "read", 2))
	res, err := Check(ctx, h, Options{})
	if err != nil || res.Verdict != Unknown {
		t.Fatalf("got %v %v, want unknown", res.Verdict, err)
	}
}

func TestTimeoutGivesUnknownPromptly(t *testing.T) {
	t.Parallel()
	h := hardHistory(24)
	start := time.Now()
	res, err := Check(context.Background(), h, Options{Model: "counter", Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// A hang guard, not a speed target: ignoring the limit would search
	// far longer than this, and parallel tests share two cores.
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("took %v", el)
	}
	if res.Verdict != Unknown {
		t.Fatalf("verdict %s, want unknown (the search cannot finish in 100ms)", res.Verdict)
	}
}

func TestCancelDuringSearch(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	res, err := Check(ctx, hardHistory(24), Options{Model: "counter", Timeout: time.Minute})
	if err != nil || res.Verdict != Unknown {
		t.Fatalf("%v %v, want unknown", res.Verdict, err)
	}
	if el := time.Since(start); el > 10*time.Second { // a hang guard: the limit is a minute
		t.Fatalf("took %v to notice the cancel", el)
	}
}
