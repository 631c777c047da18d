package toydb

import (
	"math/rand/v2"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// lrGen reads and writes one register with distinct values, so a stale
// read is visible without a checker.
type lrGen struct{ next int64 }

func (g *lrGen) Next(rng *rand.Rand, _ int64) sim.Request {
	if rng.IntN(2) == 0 {
		return sim.Request{F: "read"}
	}
	g.next++
	return sim.Request{F: "write", Value: g.next}
}

func (g *lrGen) Final() []sim.Request { return nil }

func lrConfig() sim.Config {
	cfg := sim.DefaultConfig()
	cfg.Ops, cfg.Trace = 150, false
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 100_000_000, 300_000_000
	return cfg
}

// lrIsolateLeader cuts the leader off at 2 s, steps its wall clock back 3 s
// just after, and heals at 5.5 s: lesson 10's schedule.
var lrIsolateLeader = sim.Schedule{Faults: []sim.Fault{
	{At: 2_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeLeader},
	{At: 2_200_000_000, Kind: sim.FaultClockJump, Target: "leader", DeltaNs: -3_000_000_000},
	{At: 4_500_000_000, Kind: sim.FaultHeal},
	{At: 5_000_000_000, Kind: sim.FaultClockReset},
}, CycleNs: 8_000_000_000}

func lrRun(t *testing.T, variant string, seed uint64, sched sim.Schedule) *sim.Sim {
	t.Helper()
	s, err := sim.New(seed, lrConfig(), sched, LeaderReads.New(variant), &lrGen{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	return s
}

// lrStaleReads counts reads that returned a value that a later write had
// certainly replaced before the read began: write(got) completed before
// write(v) was invoked, and write(v) completed before the read was invoked.
// Values are distinct, so this needs no checker.
func lrStaleReads(h history.History) int {
	pairs, err := h.Pairs()
	if err != nil {
		return -1
	}
	done := map[int64]int64{} // value → completion time of its ok write
	var writes []history.Pair
	for _, p := range pairs {
		if c := p.Completion; p.Invoke.F == "write" && c != nil && c.Type == history.OK {
			v, _ := history.Int(c.Value)
			done[v] = c.Time
			writes = append(writes, p)
		}
	}
	stale := 0
	for _, r := range pairs {
		c := r.Completion
		if r.Invoke.F != "read" || c == nil || c.Type != history.OK {
			continue
		}
		got, isInt := history.Int(c.Value)
		for _, w := range writes {
			gotDone, known := done[got]
			replaced := !isInt || (known && gotDone < w.Invoke.Time)
			if w.Completion.Time < r.Invoke.Time && replaced {
				stale++
				break
			}
		}
	}
	return stale
}

func TestLeaderReadsElectsAndCommits(t *testing.T) {
	s := lrRun(t, "fixed", 1, sim.Schedule{})
	leaders, oks := 0, 0
	for _, v := range s.Cluster() {
		if v.Status.Role == "leader" {
			leaders++
		}
	}
	for _, o := range s.History() {
		if o.Type == history.OK {
			oks++
		}
	}
	if leaders != 1 {
		t.Fatalf("want one leader at the end, got %d: %+v", leaders, s.Cluster())
	}
	if oks < 140 {
		t.Fatalf("only %d of 150 operations succeeded without faults", oks)
	}
}

func TestLeaderReadsNewLeaderAfterIsolation(t *testing.T) {
	s := lrRun(t, "fixed", 3, lrIsolateLeader)
	var terms []int64
	for _, v := range s.Cluster() {
		terms = append(terms, v.Status.Term)
	}
	for _, term := range terms {
		if term < 2 {
			t.Fatalf("terms %v: isolating the leader should have forced an election", terms)
		}
	}
}

func TestLeaderReadsVariants(t *testing.T) {
	total := map[string]int{}
	for seed := uint64(1); seed <= 20; seed++ {
		for _, v := range []string{"local", "lease", "fixed"} {
			total[v] += lrStaleReads(lrRun(t, v, seed, lrIsolateLeader).History())
		}
	}
	t.Logf("stale reads over 20 seeds: %v", total)
	if total["local"] == 0 || total["lease"] == 0 {
		t.Errorf("the local and lease variants should serve stale reads from an isolated leader: %v", total)
	}
	if total["fixed"] != 0 {
		t.Errorf("read index served %d stale reads", total["fixed"])
	}
}

func TestLeaderLeaseHoldsWithTrueClocks(t *testing.T) {
	noClock := sim.Schedule{Faults: lrIsolateLeader.Faults[:1], CycleNs: 8_000_000_000}
	noClock.Faults = append(noClock.Faults, lrIsolateLeader.Faults[2])
	stale := 0
	for seed := uint64(1); seed <= 20; seed++ {
		stale += lrStaleReads(lrRun(t, "lease", seed, noClock).History())
	}
	if stale != 0 {
		t.Fatalf("with true clocks the lease should hold, got %d stale reads", stale)
	}
}
