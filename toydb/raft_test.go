package toydb

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// raftGen writes increasing values to one key, reading it now and then,
// and reads it once more at the end.
type raftGen struct{ next int64 }

func (g *raftGen) Next(rng *rand.Rand, _ int64) sim.Request {
	if rng.IntN(3) == 0 {
		return sim.Request{F: "read", Key: "x"}
	}
	g.next++
	return sim.Request{F: "write", Key: "x", Value: g.next}
}

func (g *raftGen) Final() []sim.Request { return []sim.Request{{F: "read", Key: "x"}} }

func raftConfig(ops int) sim.Config {
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops = 5, 3, ops
	cfg.Routing = sim.RouteLeader
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 50_000_000, 150_000_000
	cfg.Trace = false
	return cfg
}

// raftChaos is every fault kind, cycled (the lesson has its own, longer
// list): first a bridge partition whose bridge node keeps crashing, then
// the leader isolated and crashed, a pause, a ring and lossy, duplicating,
// skewed networks.
func raftChaos() sim.Schedule {
	const ms = 1_000_000
	f := []sim.Fault{
		{At: 0, Kind: sim.FaultDelay, DelayNs: 100 * ms},
		{At: 0, Kind: sim.FaultPartition, Shape: sim.ShapeBridge},
	}
	for t := int64(250); t < 1500; t += 150 {
		f = append(f, sim.Fault{At: t * ms, Kind: sim.FaultCrash, Target: "bridge"},
			sim.Fault{At: (t + 20) * ms, Kind: sim.FaultRestart, Target: "all"})
	}
	f = append(f, []sim.Fault{
		{At: 2500 * ms, Kind: sim.FaultHeal},
		{At: 2500 * ms, Kind: sim.FaultDelay, DelayNs: 30 * ms},
		{At: 2700 * ms, Kind: sim.FaultPartition, Shape: sim.ShapeLeader},
		{At: 3400 * ms, Kind: sim.FaultHeal},
		{At: 3500 * ms, Kind: sim.FaultCrash, Target: "leader"},
		{At: 3600 * ms, Kind: sim.FaultLoss, Probability: 0.1},
		{At: 3900 * ms, Kind: sim.FaultRestart, Target: "all"},
		{At: 4000 * ms, Kind: sim.FaultPartition, Shape: sim.ShapeRing},
		{At: 4600 * ms, Kind: sim.FaultHeal},
		{At: 4700 * ms, Kind: sim.FaultPause, Target: "leader"},
		{At: 5000 * ms, Kind: sim.FaultResume, Target: "all"},
		{At: 5100 * ms, Kind: sim.FaultDuplicate, Probability: 0.2},
		{At: 5100 * ms, Kind: sim.FaultCrash, Target: "minority"},
		{At: 5200 * ms, Kind: sim.FaultClockStrobe, DeltaNs: 500 * ms, PeriodNs: 100 * ms},
		{At: 5400 * ms, Kind: sim.FaultRestart, Target: "all"},
		{At: 5400 * ms, Kind: sim.FaultPartition, Shape: sim.ShapeHalves},
		{At: 6000 * ms, Kind: sim.FaultHeal},
		{At: 6100 * ms, Kind: sim.FaultNetReset},
		{At: 6100 * ms, Kind: sim.FaultClockReset},
	}...)
	return sim.Schedule{CycleNs: 6500 * ms, Faults: f}
}

// tracked builds a variant's nodes and remembers the live one of each id,
// so a test can look inside.
func tracked(variant string) (sim.NodeFactory, map[string]*raftNode) {
	live := map[string]*raftNode{}
	f := Raft.New(variant)
	return func(id string) sim.Node {
		n := f(id).(*raftNode)
		live[id] = n
		return n
	}, live
}

func TestRaftElectsOneLeader(t *testing.T) {
	f, live := tracked("raft")
	s, err := sim.New(1, raftConfig(0), sim.Schedule{}, f, &raftGen{})
	if err != nil {
		t.Fatal(err)
	}
	s.RunUntil(2_000_000_000)
	var leaders []string
	for _, v := range s.Cluster() {
		if v.Status.Role == roleLeader {
			leaders = append(leaders, v.ID)
		}
	}
	if len(leaders) != 1 {
		t.Fatalf("want one leader after 2 s, got %v", leaders)
	}
	for id, n := range live {
		if n.leader != leaders[0] || n.term != live[leaders[0]].term {
			t.Errorf("%s follows %q in term %d; the leader is %s in term %d", id, n.leader, n.term, leaders[0], live[leaders[0]].term)
		}
	}
}

func TestRaftCommittedWriteSurvivesLeaderCrash(t *testing.T) {
	const sec = 1_000_000_000
	for seed := uint64(1); seed <= 5; seed++ {
		f, _ := tracked("raft")
		faults := sim.Schedule{Faults: []sim.Fault{
			{At: 3 * sec, Kind: sim.FaultCrash, Target: "leader"},
			{At: 5 * sec, Kind: sim.FaultRestart, Target: "all"},
		}}
		cfg := raftConfig(60)
		cfg.Clients = 1 // one process: its ok writes are totally ordered
		s, err := sim.New(seed, cfg, faults, f, &raftGen{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Run(); err != nil {
			t.Fatal(err)
		}
		var lastOK, lastInvoked, final int64 = -1, 0, -2
		crashed := false
		for _, o := range s.History() {
			switch {
			case o.IsNemesis() && o.F == string(sim.FaultCrash):
				crashed = true
			case o.Type == history.Invoke && o.F == "write":
				lastInvoked = o.Value.(int64)
			case o.Type == history.OK && o.F == "write" && !crashed:
				lastOK = o.Value.(int64)
			case o.Type == history.OK && o.F == "read":
				final, _ = history.Int(o.Value) // the final read is the last one
			}
		}
		if lastOK < 0 || !crashed {
			t.Fatalf("seed %d: no write acknowledged before the leader crashed (crashed %v)", seed, crashed)
		}
		if final < lastOK || final > lastInvoked {
			t.Errorf("seed %d: final read %d, but write %d was acknowledged before the crash (last invoked %d)", seed, final, lastOK, lastInvoked)
		}
	}
}

// invariants checks Raft's safety properties after every step: at most one
// leader per term (Election Safety) and one entry per committed index
// across all nodes (State Machine Safety). It returns the first violation.
type invariants struct {
	leaderOf  map[int64]string
	committed []raftEntry // committed[i-1] is the entry at index i
}

func (iv *invariants) check(live map[string]*raftNode, up func(string) bool) error {
	for id, n := range live {
		if !up(id) {
			continue
		}
		if n.role == roleLeader {
			if other, ok := iv.leaderOf[n.term]; ok && other != id {
				return fmt.Errorf("two leaders in term %d: %s and %s", n.term, other, id)
			}
			iv.leaderOf[n.term] = id
		}
		for i := int64(1); i <= n.commitIndex; i++ {
			e := n.log[i]
			if int(i) > len(iv.committed) {
				iv.committed = append(iv.committed, e)
				continue
			}
			if c := iv.committed[i-1]; c.Term != e.Term || c.Op.F != e.Op.F || history.Format(c.Op.Value) != history.Format(e.Op.Value) {
				return fmt.Errorf("index %d committed as %v on one node and %v on %s", i, c, e, id)
			}
		}
	}
	return nil
}

// runInvariants steps a chaotic run of a variant, checking the invariants
// after every step; it returns the first violation and the steps taken.
func runInvariants(t *testing.T, variant string, seed uint64) (error, int64) {
	t.Helper()
	f, live := tracked(variant)
	s, err := sim.New(seed, raftConfig(150), raftChaos(), f, &raftGen{})
	if err != nil {
		t.Fatal(err)
	}
	iv := &invariants{leaderOf: map[int64]string{}}
	upNow := map[string]bool{}
	up := func(id string) bool { return upNow[id] }
	for s.Step() {
		for _, v := range s.Cluster() {
			upNow[v.ID] = v.Up
		}
		if err := iv.check(live, up); err != nil {
			return err, s.Steps()
		}
	}
	if err := s.Err(); err != nil {
		t.Fatalf("%s seed %d: %v", variant, seed, err)
	}
	return nil, s.Steps()
}

func TestRaftSafetyInvariantsUnderFaults(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		if err, steps := runInvariants(t, "raft", seed); err != nil {
			t.Errorf("seed %d, step %d: %v", seed, steps, err)
		}
	}
}

// The invariant check can fail: a switch that breaks safety is caught.
func TestRaftInvariantsCatchSwitches(t *testing.T) {
	for _, v := range []string{"forget-vote", "no-election-restriction"} {
		caught := false
		for seed := uint64(1); seed <= 30 && !caught; seed++ {
			err, _ := runInvariants(t, v, seed)
			caught = err != nil
		}
		if !caught {
			t.Errorf("%s: no invariant violation in 30 seeds", v)
		}
	}
}

// Same seed, same run: the nodes keep no map-order or other hidden
// nondeterminism, under every fault.
func TestRaftRunsAreDeterministic(t *testing.T) {
	run := func() (string, int64) {
		f, _ := tracked("raft")
		cfg := raftConfig(100)
		cfg.Trace = true
		s, err := sim.New(7, cfg, raftChaos(), f, &raftGen{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Run(); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(s.History()), int64(len(s.Trace()))
	}
	h1, n1 := run()
	h2, n2 := run()
	if h1 != h2 || n1 != n2 {
		t.Fatalf("two runs of seed 7 differ (trace lengths %d and %d)", n1, n2)
	}
}
