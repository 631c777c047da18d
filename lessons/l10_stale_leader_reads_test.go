package lessons

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

// The lr helpers serve the tests of lessons 10 to 12.

func TestStaleLeaderReadsDefaultFails(t *testing.T) {
	t.Parallel()
	assertFails(t, "stale-leader-reads", "", 100)
}

func TestStaleLeaderReadsLeaseFails(t *testing.T) {
	t.Parallel()
	assertFails(t, "stale-leader-reads", "lease", 100)
}

// Without the clock jump the lease holds: the leader's lease runs out
// before the others may elect anyone, as long as its clock does not jump.
// Seeds 1–40; 1–100 with FAULTLINE_LONG=1.
func TestStaleLeaderReadsLeaseHoldsWithTrueClocks(t *testing.T) {
	t.Parallel()
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
	for seed := uint64(1); seed <= sweep(5, 40, 100); seed++ {
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

func BenchmarkHunt1000_StaleLeaderReads(b *testing.B) { benchHunt1000(b, "stale-leader-reads", "") }

// Seed 1 is the run the text retells: n1 leads, is cut off and its clock
// stepped back; n3 wins term 2 and, through n2 and n3, 15 to 18 are
// acknowledged; n1 still answers 11, even to the process that wrote 18. In
// the fixed variant n1 answers no read meanwhile.
func TestStaleLeaderReadsSeed1IsTheTextsStory(t *testing.T) {
	t.Parallel()
	for _, variant := range []string{"local", "lease"} {
		s, res := runSeed(t, "stale-leader-reads", variant, 1)
		if res.Verdict != checker.NotLinearizable || res.Anomaly != checker.AnomalyStaleRead {
			t.Fatalf("%s: got %s / %q, want a stale read", variant, res.Verdict, res.Anomaly)
		}
		lrTraced(t, s, "partition {n1} | {n2 n3}", "clock-jump n1 -3s", "n3 leads term 2", "c3→n2 ok write 18", "c3→n1 ok read 11")
		w := lrPairs(t, res.Witness)
		last := w[len(w)-1]
		if last.Invoke.F != "read" || last.Invoke.Node != "n1" || last.Completion.Value != int64(11) {
			t.Fatalf("%s: the witness should end with n1's read of 11: %+v", variant, last)
		}
		if i := slices.IndexFunc(w, func(p history.Pair) bool { return p.Invoke.Value == int64(18) }); i < 0 || w[i].Invoke.Process != last.Invoke.Process {
			t.Fatalf("%s: the witness should hold the reader's own write of 18: %+v", variant, w)
		}
		if variant == "lease" {
			lrTraced(t, s, "clock-jump n1", "n1 read served on its lease: 1.47s left by its clock")
		}
	}
	s, res := runSeed(t, "stale-leader-reads", "fixed", 1)
	if res.Verdict != checker.Linearizable {
		t.Fatalf("fixed: %s", res.Verdict)
	}
	for _, p := range lrPairs(t, s.History()) {
		c := p.Completion
		if p.Invoke.Node == "n1" && p.Invoke.F == "read" && c.Type == history.OK && c.Time > 2_000_000_000 && c.Time < 4_500_000_000 {
			t.Fatalf("fixed: cut-off n1 answered a read at %d ns", c.Time)
		}
	}
}

// The lease survives every fault but the clock's, overlapping: its
// declared tolerance, tried.
func TestStaleLeaderReadsLeaseToleratesAllButClocks(t *testing.T) {
	t.Parallel()
	l, _ := Get("stale-leader-reads")
	var lease toydb.Variant
	for _, v := range l.Variants() {
		if v.Name == "lease" {
			lease = v
		}
	}
	if len(lease.Tolerates) == 0 || slices.Contains(lease.Tolerates, sim.NemesisClock) {
		t.Fatalf("lease declares %v", lease.Tolerates)
	}
	r := huntSeeds(t, "stale-leader-reads", Options{Variant: "lease", Nemesis: lease.Tolerates, Ops: 600}, sweep(2, 10, 100))
	if len(r.Failing) > 0 {
		t.Fatalf("with true clocks, the lease fails on seeds %v", r.Failing)
	}
}

var _ = tellsStory("stale-leader-reads", TestStaleLeaderReadsSeed1IsTheTextsStory)
