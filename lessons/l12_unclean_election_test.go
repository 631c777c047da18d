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
	t.Parallel()
	assertFails(t, "unclean-election", "", 150)
}

func BenchmarkHunt1000_UncleanElection(b *testing.B) { benchHunt1000(b, "unclean-election", "") }

// Seed 1 is the run the text retells: n1 leads term 1 and is cut off; it
// shrinks its in-sync set to itself and acknowledges alone, 20 and 21
// among others, while n2 wins term 2 and takes 19 first; n1 hands 20 to a
// dequeue while 19 waits. Healing truncates n1's log, and 21 never comes
// out of the queue; nor does 62, which n2 acknowledges alone in a second
// cut at 10 s. The fixed n1 refuses instead.
func TestUncleanElectionSeed1IsTheTextsStory(t *testing.T) {
	t.Parallel()
	s, res := runSeed(t, "unclean-election", "", 1)
	if res.Verdict != checker.NotLinearizable || res.Anomaly != checker.AnomalyReordered {
		t.Fatalf("got %s / %q, want out-of-order delivery", res.Verdict, res.Anomaly)
	}
	lrTraced(t, s, "partition {n1} | {n2 n3}", "n1 isr n1 n2 n3 → n1", "n2 leads term 2",
		"c3→n2 ok enqueue 19", "c2→n1 ok enqueue 20", "c3→n1 ok dequeue 20",
		"network healed", "n1 truncates its log from 34 to 25: 9 entries it had counted committed are gone")
	var got []string
	for _, p := range lrPairs(t, res.Witness) {
		got = append(got, p.Invoke.F+" "+history.Format(p.Completion.Value)+" at "+p.Invoke.Node)
	}
	want := []string{"enqueue 19 at n2", "enqueue 20 at n1", "dequeue 20 at n1"}
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
	for _, x := range []int64{21, 62} {
		if out[x] {
			t.Errorf("%d came out of the queue; the story says it was lost", x)
		}
	}
	s, res = runSeed(t, "unclean-election", "fixed", 1)
	if res.Verdict != checker.Linearizable {
		t.Fatalf("fixed: %s", res.Verdict)
	}
	lrTraced(t, s, "partition {n1} | {n2 n3}", "n1 isr n1 n2 n3 → n1", "n1→c3 error not-enough-replicas")
	if slices.ContainsFunc(s.Trace(), func(e sim.TraceEvent) bool { return strings.Contains(e.Detail, "counted committed are gone") }) {
		t.Fatal("fixed: a node lost entries it had counted committed")
	}
}

var _ = tellsStory("unclean-election", TestUncleanElectionSeed1IsTheTextsStory)
