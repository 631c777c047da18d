package toydb

import (
	"math/rand/v2"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// dynOps writes distinct values 1, 2, 3, ... and reads, mostly reads
// unless writesOnly.
type dynOps struct {
	next       int64
	writesOnly bool
}

func (g *dynOps) Next(rng *rand.Rand, _ int64) sim.Request {
	if !g.writesOnly && rng.Float64() < 0.8 {
		return sim.Request{F: "read"}
	}
	g.next++
	return sim.Request{F: "write", Value: g.next}
}

func (g *dynOps) Final() []sim.Request { return nil }

func dynRun(t *testing.T, variant string, seed uint64, cfg sim.Config, sched sim.Schedule) *sim.Sim {
	t.Helper()
	s, err := sim.New(seed, cfg, sched, SloppyQuorums.New(variant), &dynOps{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	return s
}

func dynConfig() sim.Config {
	cfg := sim.DefaultConfig()
	cfg.Clients, cfg.Ops, cfg.Trace = 4, 160, false
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 100_000_000, 300_000_000
	return cfg
}

// dynFlipFlops counts pairs of reads where the second began after the
// first finished yet returned a value certainly older than the first's: its
// write had finished before the first read's value was even written.
func dynFlipFlops(t *testing.T, h history.History) int {
	t.Helper()
	pairs, err := h.Pairs()
	if err != nil {
		t.Fatal(err)
	}
	written := map[int64]history.Pair{}
	var reads []history.Pair
	for _, p := range pairs {
		c := p.Completion
		switch {
		case p.Invoke.F == "write":
			v, _ := history.Int(p.Invoke.Value)
			written[v] = p
		case c != nil && c.Type == history.OK:
			reads = append(reads, p)
		}
	}
	older := func(u, v int64) bool { // u's write finished before v's began
		wu, wv := written[u], written[v]
		return wu.Completion != nil && wu.Completion.Type == history.OK && wv.Invoke.Time > wu.Completion.Time
	}
	flips := 0
	for _, r1 := range reads {
		for _, r2 := range reads {
			v1, ok1 := history.Int(r1.Completion.Value)
			v2, ok2 := history.Int(r2.Completion.Value)
			if ok1 && ok2 && r2.Invoke.Time > r1.Completion.Time && older(v2, v1) {
				flips++
			}
		}
	}
	return flips
}

// dynFlaky is lesson 6's kind of trouble: a node cut off, then a network
// that loses half the messages between nodes.
var dynFlaky = sim.Schedule{Faults: []sim.Fault{
	{At: 1_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeOne},
	{At: 2_000_000_000, Kind: sim.FaultHeal},
	{At: 3_000_000_000, Kind: sim.FaultLoss, Probability: 0.5},
	{At: 5_000_000_000, Kind: sim.FaultNetReset},
}, CycleNs: 6_000_000_000}

func TestQuorumReadsFlipFlopWithoutWriteBack(t *testing.T) {
	t.Parallel()
	flips := map[string]int{}
	for _, variant := range []string{"quorum", "fixed"} {
		for seed := uint64(1); seed <= 40; seed++ {
			flips[variant] += dynFlipFlops(t, dynRun(t, variant, seed, dynConfig(), dynFlaky).History())
		}
	}
	if flips["quorum"] == 0 {
		t.Error("quorum: no read went back in time after another read")
	}
	if flips["fixed"] != 0 {
		t.Errorf("fixed: %d reads went back in time after another read", flips["fixed"])
	}
}

func TestOneReadsMissFinishedWrites(t *testing.T) {
	t.Parallel()
	cut := sim.Schedule{Faults: []sim.Fault{
		{At: 0, Kind: sim.FaultPartition, Shape: sim.ShapeGroups, Groups: [][]string{{"n1", "n2"}, {"n3"}}},
	}}
	h := dynRun(t, "one", 1, dynConfig(), cut).History()
	pairs, _ := h.Pairs()
	finished := map[int64]int64{0: 0} // value → when its write finished; 0 is "nothing yet"
	for _, p := range pairs {
		if c := p.Completion; p.Invoke.F == "write" && c != nil && c.Type == history.OK {
			v, _ := history.Int(c.Value)
			finished[v] = c.Time
		}
	}
	for _, r := range pairs {
		c := r.Completion
		if r.Invoke.F != "read" || c == nil || c.Type != history.OK || c.Node != "n3" {
			continue
		}
		got, _ := history.Int(c.Value) // nil reads as 0
		for _, w := range pairs {
			wc := w.Completion
			if w.Invoke.F == "write" && wc != nil && wc.Type == history.OK && wc.Node != "n3" &&
				wc.Time < r.Invoke.Time && finished[got] < w.Invoke.Time {
				return // n3, cut off, answered from its own old copy
			}
		}
	}
	t.Fatal("no read through the cut-off n3 missed a finished write")
}

func TestWriteVersionsAreUniqueEvenFromOneCoordinator(t *testing.T) {
	t.Parallel()
	// Clients 1 and 4 both talk to n1 and start writing at the same
	// instant: their writes must not share a version, or replicas would
	// keep different values under one version.
	cfg := dynConfig()
	cfg.Clients, cfg.Ops, cfg.Routing = 4, 4, sim.RouteSticky
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 100_000_000, 100_000_000
	for seed := uint64(1); seed <= 10; seed++ {
		s, err := sim.New(seed, cfg, sim.Schedule{}, SloppyQuorums.New("fixed"), &dynOps{writesOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Run(); err != nil {
			t.Fatal(err)
		}
		s.RunUntil(s.Now() + 100_000_000) // let the last puts land
		valueOf := map[string]string{}    // version → value
		for _, v := range s.Cluster() {
			if prev, seen := valueOf[v.Status.Detail]; seen && prev != v.Status.Value {
				t.Fatalf("seed %d: two values share %s: %s and %s", seed, v.Status.Detail, prev, v.Status.Value)
			}
			valueOf[v.Status.Detail] = v.Status.Value
		}
	}
}
