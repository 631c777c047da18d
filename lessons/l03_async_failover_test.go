package lessons

import (
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// The helpers below serve the tests of lessons 3 to 6.

// TestAsyncFailoverDefaultFails also holds the witness to the text's
// story: an add acknowledged by the old primary — while it was cut off, or
// in the heartbeat before the cut — and the final read, which lacks it.
func TestAsyncFailoverDefaultFails(t *testing.T) {
	t.Parallel()
	failing := assertFails(t, "async-failover", "", 150)
	for _, seed := range failing[:min(5, len(failing))] {
		s, res := runFailing(t, "async-failover", "", seed)
		if res.Anomaly != "lost write" {
			t.Errorf("seed %d: anomaly %q, the text says lost write", seed, res.Anomaly)
		}
		ok := l36OK(res.Witness)
		if len(ok) != 2 || ok[0].Invoke.F != "add" || ok[1].Invoke.F != "read" {
			t.Fatalf("seed %d: want an add then a read in the witness, got %v", seed, res.Witness)
		}
		cut, _ := l36Fault(s, sim.FaultPartition)
		heal, _ := l36Fault(s, sim.FaultHeal)
		at := ok[0].Completion.Time
		if at < cut.Time-200_000_000 || at > heal.Time+200_000_000 {
			t.Errorf("seed %d: the lost add was acknowledged at %s, not around the partition (%s–%s)", seed,
				sim.FormatDuration(at), sim.FormatDuration(cut.Time), sim.FormatDuration(heal.Time))
		}
		if slices.ContainsFunc(ok[1].Completion.Value.([]any), func(x any) bool { return x == ok[0].Invoke.Value }) {
			t.Errorf("seed %d: the final read contains the lost add", seed)
		}
	}
}

func BenchmarkHunt1000_AsyncFailover(b *testing.B) { benchHunt1000(b, "async-failover", "") }

// TestAsyncFailoverSeed1IsTheTextsStory checks what "What happened" says
// about seed 1.
func TestAsyncFailoverSeed1IsTheTextsStory(t *testing.T) {
	t.Parallel()
	s, res := runFailing(t, "async-failover", "", 1)
	cut, _ := l36Fault(s, sim.FaultPartition)
	if cut.Time != 3_000_000_000 || len(cut.Fault.Groups) != 2 || len(cut.Fault.Groups[0]) != 1 || cut.Fault.Groups[0][0] != "n1" {
		t.Fatalf("the text says the cut at 3 s isolates n1: %+v", cut)
	}
	l36At(t, s.History(), "p2 ok add 20 n1", 2.93)
	var final []any
	acked := map[int64]int64{} // element → when acknowledged
	pairs, _ := s.History().Pairs()
	for _, p := range pairs {
		if c := p.Completion; c != nil && c.Type == history.OK {
			if p.Invoke.F == "read" {
				final = c.Value.([]any)
			} else {
				x, _ := history.Int(p.Invoke.Value)
				acked[x] = c.Time
			}
		}
	}
	lost, beforeCut := map[int64]bool{}, 0
	for x, at := range acked {
		if !slices.ContainsFunc(final, func(y any) bool { v, _ := history.Int(y); return v == x }) {
			lost[x] = true
			if at < cut.Time {
				beforeCut++
			}
		}
	}
	var lostList []int64
	for x := range lost {
		lostList = append(lostList, x)
	}
	slices.Sort(lostList)
	want := []int64{21, 22, 23, 25, 27, 32, 37, 39, 43, 49, 50, 52, 53}
	if !slices.Equal(lostList, want) || beforeCut != 1 {
		t.Errorf("the text says adds %v were lost, 1 of them acknowledged before the cut: got %v, %d", want, lostList, beforeCut)
	}
	if ok := l36OK(res.Witness); len(ok) != 2 || !lost[ok[0].Invoke.Value.(int64)] {
		t.Errorf("the text says the witness shows one of the lost adds and the final read: %v", l36Brief(res.Witness))
	}
	var elected bool
	for _, e := range s.Trace() {
		if e.Kind == sim.TraceLog && e.Src == "n3" && e.Time < 3_300_000_000 && e.Detail == "leads term 2" {
			elected = true
		}
	}
	if !elected {
		t.Error("the text says n3 leads term 2 from 3.28 s")
	}
}

var _ = tellsStory("async-failover", TestAsyncFailoverSeed1IsTheTextsStory)
