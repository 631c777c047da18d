package lessons

import (
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/sim"
)

// l36SkewedAt is the node whose clock the nemesis had skewed at time t, or
// "" when every clock was true.
func l36SkewedAt(s *sim.Sim, t int64) string {
	skewed := ""
	for _, a := range s.Applied() {
		if a.Time > t {
			break
		}
		switch a.Fault.Kind {
		case sim.FaultClockSkew:
			skewed = a.Fault.Nodes[0]
		case sim.FaultClockReset, sim.FaultHealAll:
			skewed = ""
		}
	}
	return skewed
}

// TestLWWClocksDefaultFails also holds the witness to the text's story:
// two acknowledged writes and a read; the later write went through the
// node with the slow clock, and the read returned the earlier one.
func TestLWWClocksDefaultFails(t *testing.T) {
	t.Parallel()
	failing := assertFails(t, "lww-clocks", "", 150)
	for _, seed := range failing[:min(5, len(failing))] {
		s, res := runFailing(t, "lww-clocks", "", seed)
		ok := l36OK(res.Witness)
		if len(ok) != 3 || ok[0].Invoke.F != "write" || ok[1].Invoke.F != "write" || ok[2].Invoke.F != "read" {
			t.Fatalf("seed %d: want write, write, read in the witness, got %v", seed, res.Witness)
		}
		first, later, read := ok[0], ok[1], ok[2]
		if slow := l36SkewedAt(s, later.Invoke.Time); later.Invoke.Node != slow {
			t.Errorf("seed %d: the later write went through %s, but the slow clock was %q's", seed, later.Invoke.Node, slow)
		}
		if !(first.Completion.Time < later.Invoke.Time && later.Completion.Time < read.Invoke.Time) ||
			read.Completion.Value != first.Invoke.Value {
			t.Errorf("seed %d: want the read, after both writes, to return the first: %v", seed, res.Witness)
		}
	}
}

// TestLWWClocksTrueClocksPass shows the clock is the culprit: without the
// skew, the same design passes.
func TestLWWClocksTrueClocksPass(t *testing.T) {
	t.Parallel()
	l, _ := Get("lww-clocks")
	if r := Hunt(t.Context(), l, Options{Nemesis: []sim.Nemesis{}}, 1, sweep(5, 40, 100), 0, 0); len(r.Failing) > 0 || len(r.Errors) > 0 {
		t.Fatalf("with true clocks, seeds %v fail (errors %v)", r.Failing, r.Errors)
	}
}

func BenchmarkHunt1000_LWWClocks(b *testing.B) { benchHunt1000(b, "lww-clocks", "") }

// TestLWWClocksSeed1IsTheTextsStory checks what "What happened" says
// about seed 1.
func TestLWWClocksSeed1IsTheTextsStory(t *testing.T) {
	t.Parallel()
	s, res := runFailing(t, "lww-clocks", "", 1)
	skew, _ := l36Fault(s, sim.FaultClockSkew)
	if skew.Time != 2_000_000_000 || skew.Fault.Nodes[0] != "n3" || skew.Fault.DeltaNs != -2_000_000_000 {
		t.Fatalf("the text says n3's clock goes two seconds slow at 2 s: %+v", skew)
	}
	h := s.History()
	l36At(t, h, "p0 ok write 0 n2", 3.83)
	l36At(t, h, "p0 ok write 5 n3", 4.01)
	l36At(t, h, "p1 ok write 7 n3", 4.04)
	l36At(t, h, "p2 ok read 0 n1", 4.06)
	ok := l36OK(res.Witness)
	if len(ok) != 3 || ok[0].Invoke.Value != int64(0) || ok[1].Invoke.Node != "n3" || ok[2].Completion.Value != int64(0) {
		t.Errorf("the text says the witness is the write of 0, one of n3's writes, and the read of 0: %v", l36Brief(res.Witness))
	}
}

// With every clock true, pauses alone once failed 42 of 300 seeds: two
// writes stamped at the same instant, and a tie broken by node id that
// let replicas keep different values. Ties now go to the greater value,
// as Cassandra breaks them, and every replica agrees. Seeds 1–60; all 300
// with FAULTLINE_LONG=1.
func TestLWWClocksPausesAloneWithTrueClocks(t *testing.T) {
	t.Parallel()
	r := huntSeeds(t, "lww-clocks", Options{Nemesis: []sim.Nemesis{sim.NemesisPause}, Mix: MixCycle}, sweep(5, 60, 300))
	if len(r.Failing) > 0 {
		t.Fatalf("with true clocks, pauses alone break last-write-wins on seeds %v", r.Failing)
	}
}

// The wall clock is the bug and nothing else: under every fault but the
// clock's, overlapping, the buggy design holds.
func TestLWWClocksWallClockToleratesAllButClocks(t *testing.T) {
	t.Parallel()
	l, _ := Get("lww-clocks")
	v := l.Variants()[0]
	if len(v.Tolerates) == 0 || slices.Contains(v.Tolerates, sim.NemesisClock) {
		t.Fatalf("%s declares %v", v.Name, v.Tolerates)
	}
	r := huntSeeds(t, "lww-clocks", Options{Variant: v.Name, Nemesis: v.Tolerates, Ops: 600}, sweep(2, 10, 100))
	if len(r.Failing) > 0 {
		t.Fatalf("with true clocks, %s fails on seeds %v", v.Name, r.Failing)
	}
}

var _ = tellsStory("lww-clocks", TestLWWClocksSeed1IsTheTextsStory)
