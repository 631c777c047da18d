package lessons

import (
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
)

func TestTimeoutsAreUnknownDefaultFails(t *testing.T) {
	t.Parallel()
	h, res := tdBuggyFails(t, "timeouts-are-unknown")
	if res.Anomaly != checker.AnomalyDuplicated {
		t.Errorf("anomaly %q, want %q", res.Anomaly, checker.AnomalyDuplicated)
	}
	// The history itself shows it: some read saw more than every add not
	// recorded as failed could make — an add counted twice, or a "failed"
	// add that happened.
	pairs, err := h.Pairs()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		if p.Invoke.F == "read" && p.Completion != nil && p.Completion.Type == history.OK {
			v, _ := history.Int(p.Completion.Value)
			if _, possible := counterBounds(pairs, p); v > possible {
				return
			}
		}
	}
	t.Fatal("no read saw more than the adds allow")
}

var _ = tellsStory("timeouts-are-unknown", TestTimeoutsAreUnknownDefaultFails) // the text narrates no seed: this test holds what "What happened" says of every failing run

// Honest timeouts do not save blind retries: the duplicates are real.
func TestTimeoutsAreUnknownBlindRetryFails(t *testing.T) {
	t.Parallel()
	t.Logf("blind-retry first fails on seed %d", firstFailing(t, "timeouts-are-unknown", "blind-retry"))
}

// The fix's torture seeds that the checker once could not decide (its
// search reached the 384 MB limit: 41 timed-out adds of 1 to 5) are
// decided now, by the counter sweep, and pass.
func TestTimeoutsAreUnknownFixedTortureSeedsAreDecided(t *testing.T) {
	t.Parallel()
	l, err := Get("timeouts-are-unknown")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range l.Variants() {
		if v.Name != "fixed" {
			continue
		}
		for _, seed := range []uint64{17, 22} {
			_, kinds := tortureNemesis(tolerated(v), seed)
			o := Options{Variant: v.Name, Nodes: 3, Ops: tortureOps, Nemesis: kinds}
			verdict, err := huntOne(t.Context(), l, o, seed, 0)
			if err != nil || verdict != checker.Linearizable {
				t.Errorf("seed %d at 3 nodes: %s, %v; want linearizable", seed, verdict, err)
			}
		}
		return
	}
	t.Fatal("no fixed variant")
}

func BenchmarkHunt1000_TimeoutsAreUnknown(b *testing.B) {
	benchHunt1000(b, "timeouts-are-unknown", "")
}
