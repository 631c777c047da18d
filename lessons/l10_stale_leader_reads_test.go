package lessons

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// The lr helpers serve the tests of lessons 10 to 12.

// lrTraced reports whether some trace line contains each of want, in order.
func lrTraced(t *testing.T, s *sim.Sim, want ...string) {
	t.Helper()
	i := 0
	for _, e := range s.Trace() {
		if i < len(want) && strings.Contains(e.String(), want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("the trace never shows %q (after %q)", want[i], want[:i])
	}
}

// lrPairs lists a history's completed operations.
func lrPairs(t *testing.T, h history.History) []history.Pair {
	t.Helper()
	pairs, err := h.Pairs()
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(pairs, func(p history.Pair) bool { return p.Completion == nil })
}

func TestStaleLeaderReadsDefaultFails(t *testing.T) {
	assertFails(t, "stale-leader-reads", "", 100)
}

func TestStaleLeaderReadsLeaseFails(t *testing.T) {
	assertFails(t, "stale-leader-reads", "lease", 100)
}

// Without the clock jump the lease holds: the leader's lease runs out
// before the others may elect anyone, as long as its clock does not jump.
func TestStaleLeaderReadsLeaseHoldsWithTrueClocks(t *testing.T) {
	l, _ := Get("stale-leader-reads")
	var sched sim.Schedule
	sched.CycleNs = l.Faults.CycleNs
	for _, f := range l.Faults.Faults {
		if !strings.HasPrefix(string(f.Kind), "clock") {
			sched.Faults = append(sched.Faults, f)
		}
	}
	if len(sched.Faults) == len(l.Faults.Faults) {
		t.Fatal("the lesson's faults have no clock fault to leave out")
	}
	for seed := uint64(1); seed <= 100; seed++ {
		sc, err := l.Scenario(Options{Variant: "lease", Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		sc.Faults = sched
		s, _, err := Run(sc)
		if err != nil {
			t.Fatal(err)
		}
		r, err := l.Check(context.Background(), s.History(), checker.Options{VerdictOnly: true})
		if err != nil || r.Verdict != checker.Linearizable {
			t.Fatalf("seed %d: with true clocks the lease variant gives %s (%v)", seed, r.Verdict, err)
		}
	}
}

func TestStaleLeaderReadsFixedPasses(t *testing.T) { assertFixedPasses(t, "stale-leader-reads", false) }

func TestStaleLeaderReadsFixedPasses1000(t *testing.T) {
	assertFixedPasses(t, "stale-leader-reads", true)
}

func BenchmarkHunt1000_StaleLeaderReads(b *testing.B) { benchHunt1000(b, "stale-leader-reads", "") }

// Seed 1 is the run the text retells: n2 leads, is cut off and its clock
// stepped back; n1 wins term 2 with n3's vote and acknowledges 15 and 17;
// n2 still answers 11, even to the process that wrote 17. In the fixed
// variant n2 answers no read meanwhile.
func TestStaleLeaderReadsSeed1IsTheTextsStory(t *testing.T) {
	for _, variant := range []string{"local", "lease"} {
		s, res := runSeed(t, "stale-leader-reads", variant, 1)
		if res.Verdict != checker.NotLinearizable || res.Anomaly != checker.AnomalyStaleRead {
			t.Fatalf("%s: got %s / %q, want a stale read", variant, res.Verdict, res.Anomaly)
		}
		lrTraced(t, s, "partition {n2} | {n1 n3}", "clock-jump n2 -3s", "n1 leads term 2", "c3→n3 ok write 17", "c3→n2 ok read 11")
		w := lrPairs(t, res.Witness)
		last := w[len(w)-1]
		if last.Invoke.F != "read" || last.Invoke.Node != "n2" || last.Completion.Value != int64(11) {
			t.Fatalf("%s: the witness should end with n2's read of 11: %+v", variant, last)
		}
		if i := slices.IndexFunc(w, func(p history.Pair) bool { return p.Invoke.Value == int64(17) }); i < 0 || w[i].Invoke.Process != last.Invoke.Process {
			t.Fatalf("%s: the witness should hold the reader's own write of 17: %+v", variant, w)
		}
		if variant == "lease" {
			lrTraced(t, s, "clock-jump n2", "n2 read served on its lease: 1.01s left by its clock")
		}
	}
	s, res := runSeed(t, "stale-leader-reads", "fixed", 1)
	if res.Verdict != checker.Linearizable {
		t.Fatalf("fixed: %s", res.Verdict)
	}
	for _, p := range lrPairs(t, s.History()) {
		c := p.Completion
		if p.Invoke.Node == "n2" && p.Invoke.F == "read" && c.Type == history.OK && c.Time > 2_000_000_000 && c.Time < 4_500_000_000 {
			t.Fatalf("fixed: cut-off n2 answered a read at %d ns", c.Time)
		}
	}
}
