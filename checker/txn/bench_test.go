package txn

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// simulate runs n list-append transactions from procs concurrent clients
// against an in-memory database and records the history, Jepsen style: an
// invocation, then a completion. Keys rotate as Jepsen's generator rotates
// them: a few are active, and each retires after 32 appends.
//
// The database applies a transaction atomically when it completes, so the
// history is strictly serializable — unless snapshot is set: then it runs
// snapshot isolation, reads seeing the state as of the transaction's
// invocation (and its own appends), and a transaction whose appends meet a
// key another transaction changed since then fails (first committer
// wins). A few transactions time out (info): half of them took effect.
func simulate(r *rand.Rand, n, procs int, snapshot bool) history.History {
	type client struct {
		proc int64
		mops []history.MicroOp
		snap map[int64][]any
		busy bool
	}
	state := map[int64][]any{}
	active := []int64{0, 1, 2, 3, 4, 5, 6, 7}
	nextKey, appended := int64(8), map[int64]int64{}
	clients := make([]client, procs)
	for i := range clients {
		clients[i].proc = int64(i)
	}
	nextProc := int64(procs)
	var h history.History
	rec := func(c *client, typ history.Type, v []history.MicroOp) {
		h = append(h, history.Op{Index: int64(len(h)), Time: int64(len(h)) * 1000, Process: history.Process(c.proc), Type: typ, F: "txn", Value: history.TxnValue(v)})
	}
	started := 0
	for started < n || slices.ContainsFunc(clients, func(c client) bool { return c.busy }) {
		c := &clients[r.IntN(procs)]
		if !c.busy {
			if started == n {
				continue
			}
			started++
			c.mops = nil
			for range 1 + r.IntN(6) {
				k := active[r.IntN(len(active))]
				if r.IntN(2) == 0 {
					c.mops = append(c.mops, history.MicroOp{F: history.MopRead, Key: k})
					continue
				}
				appended[k]++
				c.mops = append(c.mops, history.MicroOp{F: history.MopAppend, Key: k, Value: appended[k]})
				if appended[k] == 32 {
					i := slices.Index(active, k)
					active[i], nextKey = nextKey, nextKey+1
				}
			}
			c.snap = map[int64][]any{}
			for k, v := range state {
				c.snap[k] = v
			}
			c.busy = true
			rec(c, history.Invoke, c.mops)
			continue
		}
		view := state
		if snapshot {
			view = c.snap
		}
		own := map[int64][]any{}
		done := slices.Clone(c.mops)
		for i, m := range done {
			k := m.Key.(int64)
			cur, mine := own[k]
			if !mine {
				cur = view[k]
			}
			if m.F == history.MopRead {
				done[i].Value = append([]any{}, cur...) // [] rather than a nil list, as JSON reads it back
				continue
			}
			own[k] = append(slices.Clone(cur), m.Value)
		}
		conflict := false
		for _, m := range c.mops {
			if k := m.Key.(int64); snapshot && m.F == history.MopAppend && len(state[k]) != len(c.snap[k]) {
				conflict = true
			}
		}
		if conflict {
			c.busy = false
			rec(c, history.Fail, c.mops)
			continue
		}
		timeout := r.IntN(100) == 0
		if !timeout || r.IntN(2) == 0 {
			for _, m := range c.mops {
				if m.F == history.MopAppend {
					k := m.Key.(int64)
					state[k] = append(slices.Clone(state[k]), m.Value)
				}
			}
		}
		c.busy = false
		if timeout {
			rec(c, history.Info, c.mops)
			c.proc, nextProc = nextProc, nextProc+1 // Jepsen retires a process that timed out
			continue
		}
		rec(c, history.OK, done)
	}
	return h
}

func TestSimulatedHistories(t *testing.T) {
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
