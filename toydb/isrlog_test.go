package toydb

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// klGen enqueues 1, 2, 3, ... and drains at the end.
type klGen struct{ next int64 }

func (g *klGen) Next(*rand.Rand, int64) sim.Request {
	g.next++
	return sim.Request{F: "enqueue", Value: g.next}
}

func (g *klGen) Final() []sim.Request { return []sim.Request{{F: "drain"}, {F: "drain"}} }

var klIsolateLeader = sim.Schedule{Faults: []sim.Fault{
	{At: 2_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeLeader},
	{At: 5_000_000_000, Kind: sim.FaultHeal},
}}

func klRun(t *testing.T, variant string, seed uint64, sched sim.Schedule) *sim.Sim {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Ops = 80
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 50_000_000, 150_000_000
	s, err := sim.New(seed, cfg, sched, ISRLog.New(variant), &klGen{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	return s
}

// klLost lists acknowledged enqueues that no drain returned (there are no
// dequeues in klGen's workload).
func klLost(t *testing.T, h history.History) []int64 {
	t.Helper()
	acked := map[int64]bool{}
	drained := map[int64]bool{}
	for _, o := range h {
		if o.Type != history.OK {
			continue
		}
		switch o.F {
		case "enqueue":
			acked[o.Value.(int64)] = true
		case "drain":
			for _, x := range o.Value.([]any) {
				drained[x.(int64)] = true
			}
		}
	}
	var lost []int64
	for x := range acked {
		if !drained[x] {
			lost = append(lost, x)
		}
	}
	return lost
}

func TestISRLogKeepsEverythingWithoutFaults(t *testing.T) {
	for _, v := range []string{"unclean", "fixed"} {
		s := klRun(t, v, 1, sim.Schedule{})
		if lost := klLost(t, s.History()); len(lost) > 0 {
			t.Fatalf("%s: lost %v without any fault", v, lost)
		}
		leaders := 0
		for _, n := range s.Cluster() {
			if n.Status.Role == "leader" {
				leaders++
			}
		}
		if leaders != 1 {
			t.Fatalf("%s: %d leaders at the end", v, leaders)
		}
	}
}

func TestISRLogIsolatedLeader(t *testing.T) {
	lostRuns := 0
	for seed := uint64(1); seed <= 20; seed++ {
		if len(klLost(t, klRun(t, "unclean", seed, klIsolateLeader).History())) > 0 {
			lostRuns++
		}
		s := klRun(t, "fixed", seed, klIsolateLeader)
		if lost := klLost(t, s.History()); len(lost) > 0 {
			t.Fatalf("fixed, seed %d: lost acknowledged %v", seed, lost)
		}
		refused := false
		for _, e := range s.Trace() {
			refused = refused || strings.Contains(e.String(), "error not-enough-replicas")
		}
		if !refused {
			t.Fatalf("fixed, seed %d: the cut-off leader never refused for want of replicas", seed)
		}
	}
	if lostRuns == 0 {
		t.Fatal("unclean: no seed of 1–20 lost an acknowledged enqueue")
	}
	t.Logf("unclean: acknowledged enqueues lost in %d of 20 seeds", lostRuns)
}
