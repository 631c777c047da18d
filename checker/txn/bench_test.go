package txn

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestSimulatedHistories(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(14, 3))
	h := simulate(r, 2000, 10, false)
	res := check(t, h, Options{Workload: ListAppend})
	if res.Verdict != Valid {
		t.Fatalf("a strictly serializable database: %s %v\n%s", res.Verdict, res.Types, res.Explanation)
	}
	// Snapshot isolation taken at the start of each transaction is strong
	// snapshot isolation, and not serializable: write skew.
	h = simulate(r, 2000, 10, true)
	res = check(t, h, Options{Workload: ListAppend, Consistency: StrongSI})
	if res.Verdict != Valid {
		t.Fatalf("snapshot isolation: %s %v\n%s", res.Verdict, res.Types, res.Explanation)
	}
	skew := func(a string) bool { return !strings.HasPrefix(a, G2Item) }
	if !slices.Equal(res.Not, []string{RepeatableRead}) || res.Types[0] != G2Item || slices.ContainsFunc(res.Types, skew) || !slices.Contains(res.Satisfies, StrongSI) {
		t.Fatalf("snapshot isolation: found %v, violates %v, satisfies %v", res.Types, res.Not, res.Satisfies)
	}
}

// BenchmarkCheckListAppend10k checks a 10,000-transaction list-append
// history from ten clients against strict serializability (the target: a
// second at most).
func BenchmarkCheckListAppend10k(b *testing.B) {
	benchCheck(b, false)
}

// BenchmarkCheckListAppend10kAnomalies does the same for a snapshot-
// isolated history, which has write skew.
func BenchmarkCheckListAppend10kAnomalies(b *testing.B) {
	benchCheck(b, true)
}

func benchCheck(b *testing.B, snapshot bool) {
	h := simulate(rand.New(rand.NewPCG(14, 4)), 10_000, 10, snapshot)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		res, err := Check(context.Background(), h, Options{Workload: ListAppend})
		if err != nil || res.Verdict == Unknown || (res.Verdict == Valid) == snapshot {
			b.Fatal(err, res.Verdict, res.Types)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}

// The same history always gets the same answer, to the word.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	h := simulate(rand.New(rand.NewPCG(14, 5)), 1500, 8, true)
	var first string
	for i := range 3 {
		res := check(t, h, Options{Workload: ListAppend})
		got := fmt.Sprintf("%+v", res.Anomalies) + res.Explanation
		if i == 0 {
			first = got
		} else if got != first {
			t.Fatal("two checks of one history differ")
		}
	}
}

// A search that runs out of budget says so, and a verdict that rests on it
// is unknown, never valid.
func TestBudgetAndCancel(t *testing.T) {
	t.Parallel()
	h := simulate(rand.New(rand.NewPCG(14, 6)), 1000, 8, true)
	res := check(t, h, Options{Workload: ListAppend, Consistency: SnapshotIsolation, Budget: 1})
	if res.Verdict != Unknown || !slices.Contains(res.Types, CycleSearchLimit) || !strings.Contains(res.Explanation, "ran out of budget") {
		t.Fatalf("%s %v: %s", res.Verdict, res.Types, res.Explanation)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Check(ctx, h, Options{Workload: ListAppend, Consistency: SnapshotIsolation})
	if err != nil || res.Verdict != Unknown {
		t.Fatalf("cancelled: %v %s", err, res.Verdict)
	}
	// Without a workload, appends say list-append.
	res = check(t, h, Options{})
	if res.Workload != ListAppend || res.Verdict != Invalid {
		t.Fatalf("guessed %s: %s", res.Workload, res.Verdict)
	}
}
