package lessons

import (
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// l36Span is the time a witness covers, from its first record to its last.
func l36Span(w history.History) (from, to int64) {
	return w[0].Time, w[len(w)-1].Time
}

// l36MostLeaders replays a seed and returns the largest number of nodes
// that said they led at the same moment between from and to, sampled every
// 10 ms.
func l36MostLeaders(t *testing.T, id, variant string, seed uint64, from, to int64) int {
	t.Helper()
	l, _ := Get(id)
	sc, err := l.Scenario(Options{Variant: variant, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Start(sc)
	if err != nil {
		t.Fatal(err)
	}
	most := 0
	for at := from; at <= to && !s.Done(); at += 10_000_000 {
		s.RunUntil(at)
		n := 0
		for _, v := range s.Cluster() {
			if v.Up && v.Status.Role == "leader" {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// TestSplitBrainDefaultFails also holds the witness to the text's story:
// while it happened, two nodes led at once.
func TestSplitBrainDefaultFails(t *testing.T) {
	t.Parallel()
	failing := assertFails(t, "split-brain", "", 150)
	for _, seed := range failing[:min(5, len(failing))] {
		_, res := runFailing(t, "split-brain", "", seed)
		from, to := l36Span(res.Witness)
		if n := l36MostLeaders(t, "split-brain", "", seed, from, to); n < 2 {
			t.Errorf("seed %d: at most %d leader during the witness (%v); the text says two", seed, n, res.Witness)
		}
	}
}

func BenchmarkHunt1000_SplitBrain(b *testing.B) { benchHunt1000(b, "split-brain", "") }

// TestSplitBrainSeed1IsTheTextsStory checks what "What happened" says
// about seed 1.
func TestSplitBrainSeed1IsTheTextsStory(t *testing.T) {
	t.Parallel()
	s, res := runFailing(t, "split-brain", "", 1)
	if got := l36Brief(res.Witness); !slices.Equal(got, []string{"p0 ok write 0 n2", "p2 fail cas [0 4] n1"}) {
		t.Errorf("the text says the witness is n2's write of 0 and n1's failed cas from 0: %v", got)
	}
	cut, _ := l36Fault(s, sim.FaultPartition)
	if g := cut.Fault.Groups; len(g) != 2 || len(g[0]) != 1 || g[0][0] != "n1" {
		t.Fatalf("the text says the cut leaves n1 alone: %v", g)
	}
	h := s.History()
	l36At(t, h, "p0 ok write 0 n2", 4.20)
	l36At(t, h, "p2 fail cas [0 4] n1", 4.58)
	lrTraced(t, s, "n2 leads term 2", "network healed", "n2 truncates its log from 27 to 12: 15 entries it had counted committed are gone")
}

var _ = tellsStory("split-brain", TestSplitBrainSeed1IsTheTextsStory)
