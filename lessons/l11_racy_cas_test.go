package lessons

import (
	"reflect"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

func TestRacyCASDefaultFails(t *testing.T) {
	t.Parallel()
	assertFails(t, "racy-cas", "", 100)
}

// The race needs no fault at all.
func TestRacyCASFailsWithoutFaults(t *testing.T) {
	t.Parallel()
	t.Logf("without faults, first fails on seed %d", firstFailingWith(t, "racy-cas", Options{Nemesis: []sim.Nemesis{}}, 50))
}

func BenchmarkHunt1000_RacyCAS(b *testing.B) { benchHunt1000(b, "racy-cas", "") }

// Seed 8 is the run the text retells: process 3 writes 25, then processes
// 2 and 0 both change 25 through n3 — to 26 and to 27 —: n3 reads 25 from
// n1 twice, writes 27, then 26, and both are told they succeeded.
func TestRacyCASSeed8IsTheTextsStory(t *testing.T) {
	t.Parallel()
	s, res := runSeed(t, "racy-cas", "", 8)
	if res.Verdict != checker.NotLinearizable {
		t.Fatalf("got %s", res.Verdict)
	}
	var cases [][]any
	var write any
	for _, p := range lrPairs(t, res.Witness) {
		if p.Completion.Type != history.OK {
			continue
		}
		switch p.Invoke.F {
		case "cas":
			cases = append(cases, p.Invoke.Value.([]any))
		case "write":
			write = p.Invoke.Value
		}
	}
	want := [][]any{{int64(25), int64(26)}, {int64(25), int64(27)}}
	if write != int64(25) || !reflect.DeepEqual(cases, want) {
		t.Fatalf("witness: write %v, cas %v; want write 25 and cas %v", write, cases, want)
	}
	lrTraced(t, s, "ok write 25", "n3→n1 read", "n3→n1 read", "n1→n3 ok 25", "n1→n3 ok 25",
		"n3→n1 write 27", "n3→n1 write 26", "ok cas [25 27]", "ok cas [25 26]")
	_, res = runSeed(t, "racy-cas", "fixed", 8)
	if res.Verdict != checker.Linearizable {
		t.Fatalf("fixed: %s", res.Verdict)
	}
}

var _ = tellsStory("racy-cas", TestRacyCASSeed8IsTheTextsStory)
