package lessons

import (
	"reflect"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

func TestRacyCASDefaultFails(t *testing.T) {
	assertFails(t, "racy-cas", "", 100)
}

// The race needs no fault at all.
func TestRacyCASFailsWithoutFaults(t *testing.T) {
	r := huntSeeds(t, "racy-cas", Options{Nemesis: []sim.Nemesis{}}, 50)
	t.Logf("without faults: %d of 50 seeds fail", len(r.Failing))
	if len(r.Failing) == 0 {
		t.Fatal("no seed of 1–50 fails without faults")
	}
}

func TestRacyCASFixedPasses(t *testing.T) { assertFixedPasses(t, "racy-cas", false) }

func TestRacyCASFixedPasses1000(t *testing.T) { assertFixedPasses(t, "racy-cas", true) }

func BenchmarkHunt1000_RacyCAS(b *testing.B) { benchHunt1000(b, "racy-cas", "") }

// Seed 8 is the run the text retells: process 4 writes 31, then processes
// 3 and 1 both change 31 — to 32 through n3 and to 33 through n2 — and both
// are told they succeeded.
func TestRacyCASSeed8IsTheTextsStory(t *testing.T) {
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
	want := [][]any{{int64(31), int64(32)}, {int64(31), int64(33)}}
	if write != int64(31) || !reflect.DeepEqual(cases, want) {
		t.Fatalf("witness: write %v, cas %v; want write 31 and cas %v", write, cases, want)
	}
	lrTraced(t, s, "ok write 31", "n3→n1 get", "n2→n1 get", "n1→n3 got 31", "n1→n2 got 31",
		"n3→n1 put 32", "n2→n1 put 33", "ok cas [31 33]", "ok cas [31 32]")
	_, res = runSeed(t, "racy-cas", "fixed", 8)
	if res.Verdict != checker.Linearizable {
		t.Fatalf("fixed: %s", res.Verdict)
	}
}

var _ = tellsStory("racy-cas", TestRacyCASSeed8IsTheTextsStory)
