package toydb

import (
	"math/rand/v2"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// rcGen has the clients of the replicas try, at once, to change the empty
// register to their own values: at most one of them may succeed.
type rcGen struct{}

func (rcGen) Next(_ *rand.Rand, p int64) sim.Request {
	if p == 0 {
		return sim.Request{F: "read"} // the leader's own client only reads
	}
	return sim.Request{F: "cas", Value: []any{nil, p + 1}}
}

func (rcGen) Final() []sim.Request { return []sim.Request{{F: "read"}} }

func rcWinners(t *testing.T, variant string, seed uint64) int {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Clients, cfg.Ops, cfg.Trace = 3, 3, false
	cfg.Routing = sim.RouteSticky // client k talks to node k+1: one CAS each at n1, n2, n3
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 0, 0
	s, err := sim.New(seed, cfg, sim.Schedule{}, RacyCAS.New(variant), rcGen{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	wins := 0
	for _, o := range s.History() {
		if o.F == "cas" && o.Type == history.OK {
			wins++
		}
	}
	return wins
}

func TestRacyCASReplicasRace(t *testing.T) {
	t.Parallel()
	raced := 0
	for seed := uint64(1); seed <= 20; seed++ {
		if w := rcWinners(t, "fixed", seed); w != 1 {
			t.Fatalf("fixed, seed %d: %d compare-and-sets from nil succeeded, want exactly 1", seed, w)
		}
		if rcWinners(t, "read-then-write", seed) > 1 {
			raced++
		}
	}
	if raced == 0 {
		t.Fatal("read-then-write: no seed of 1–20 let two compare-and-sets from nil succeed")
	}
	t.Logf("read-then-write: two or more winners in %d of 20 seeds", raced)
}
