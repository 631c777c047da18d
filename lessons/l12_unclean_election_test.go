package lessons

import (
	"slices"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

func TestUncleanElectionDefaultFails(t *testing.T) {
	assertFails(t, "unclean-election", "", 150)
}

func TestUncleanElectionFixedPasses(t *testing.T) { assertFixedPasses(t, "unclean-election", false) }

func TestUncleanElectionFixedPasses1000(t *testing.T) {
	assertFixedPasses(t, "unclean-election", true)
}

func BenchmarkHunt1000_UncleanElection(b *testing.B) { benchHunt1000(b, "unclean-election", "") }

// Seed 1 is the run the text retells: n2 leads epoch 1 and is cut off; it
// shrinks its in-sync set to itself and acknowledges alone, 14 among
// others, while n3 wins epoch 2 and delivers 15 first. Healing truncates
// n2's log, and 18, 19, 24 and 25 never come out of the queue. The fixed
// n2 refuses instead.
func TestUncleanElectionSeed1IsTheTextsStory(t *testing.T) {
	s, res := runSeed(t, "unclean-election", "", 1)
	if res.Verdict != checker.NotLinearizable || res.Anomaly != checker.AnomalyReordered {
		t.Fatalf("got %s / %q, want out-of-order delivery", res.Verdict, res.Anomaly)
	}
	lrTraced(t, s, "partition {n2} | {n1 n3}", "n2 isr n1 n2 n3 → n2", "n3 leads epoch 2",
		"c1→n2 ok enqueue 14", "c1→n3 ok enqueue 15", "c2→n1 ok dequeue 15", "c2→n2 ok dequeue 14",
		"network healed", "n2 truncates its log from 33 to 20: 13 entries it had acknowledged are gone")
	var got []string
	for _, p := range lrPairs(t, res.Witness) {
		got = append(got, p.Invoke.F+" "+history.Format(p.Completion.Value)+" at "+p.Invoke.Node)
	}
	want := []string{"enqueue 14 at n2", "enqueue 15 at n3", "dequeue 15 at n1"}
	if !slices.Equal(got, want) {
		t.Fatalf("witness %q, want %q", got, want)
	}
	out := map[int64]bool{}
	for _, p := range lrPairs(t, s.History()) {
		if p.Completion.Type != history.OK {
			continue
		}
		switch p.Invoke.F {
		case "dequeue":
			out[p.Completion.Value.(int64)] = true
		case "drain":
			for _, x := range p.Completion.Value.([]any) {
				out[x.(int64)] = true
			}
		}
	}
	for _, x := range []int64{18, 19, 24, 25} {
		if out[x] {
			t.Errorf("%d came out of the queue; the story says it was lost", x)
		}
	}
	s, res = runSeed(t, "unclean-election", "fixed", 1)
	if res.Verdict != checker.Linearizable {
		t.Fatalf("fixed: %s", res.Verdict)
	}
	lrTraced(t, s, "partition {n2} | {n1 n3}", "n2 isr n1 n2 n3 → n2", "n2→c1 error not-enough-replicas")
	if slices.ContainsFunc(s.Trace(), func(e sim.TraceEvent) bool { return strings.Contains(e.Detail, "had acknowledged are gone") }) {
		t.Fatal("fixed: a node lost entries it had acknowledged")
	}
}

var _ = tellsStory("unclean-election", TestUncleanElectionSeed1IsTheTextsStory)
