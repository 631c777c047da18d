package toydb

import (
	"math/rand/v2"
	"testing"

	"github.com/faultline-lab/faultline/sim"
)

// pbRegisterOps reads, writes and compare-and-sets one register.
type pbRegisterOps struct{}

func (pbRegisterOps) Next(rng *rand.Rand, _ int64) sim.Request {
	switch rng.IntN(3) {
	case 0:
		return sim.Request{F: "read"}
	case 1:
		return sim.Request{F: "write", Value: rng.Int64N(5)}
	}
	return sim.Request{F: "cas", Value: []any{rng.Int64N(5), rng.Int64N(5)}}
}

func (pbRegisterOps) Final() []sim.Request { return []sim.Request{{F: "read"}} }

// pbCutN2 isolates n2 from 2 s to 6 s: n2 is no longer the lowest id it
// hears, so the lowest-id rule makes it a leader of its own.
var pbCutN2 = sim.Schedule{Faults: []sim.Fault{
	{At: 2_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeGroups, Groups: [][]string{{"n1", "n3"}, {"n2"}}},
	{At: 6_000_000_000, Kind: sim.FaultHeal},
}}

func TestLowestIDElectsALeaderOnEachSide(t *testing.T) {
	s := pbNew(t, SplitBrain, "lowest-id", 1, pbCutN2, pbRegisterOps{})
	s.RunUntil(1_500_000_000)
	if p := primaries(s); len(p) != 1 || p["n1"] != 0 {
		t.Fatalf("before the partition want n1 alone leading, got %v", p)
	}
	s.RunUntil(4_000_000_000)
	if p := primaries(s); len(p) != 2 {
		t.Fatalf("during the partition want two leaders (n1 and n2), got %v", p)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	p := primaries(s)
	if _, ok := p["n1"]; !ok || len(p) != 1 {
		t.Fatalf("after healing want n1 alone leading, got %v", p)
	}
	values := map[string]bool{}
	for _, v := range s.Cluster() {
		values[v.Status.Value] = true
	}
	if len(values) != 1 {
		t.Fatalf("after healing every node should hold n1's value, got %v", values)
	}
}

func TestMajorityElectionNeverHasTwoLeadersInATerm(t *testing.T) {
	sched := sim.Schedule{Faults: []sim.Fault{
		{At: 1_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeHalves},
		{At: 3_000_000_000, Kind: sim.FaultHeal},
		{At: 4_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeBridge},
		{At: 6_000_000_000, Kind: sim.FaultHeal},
	}, CycleNs: 7_000_000_000}
	for seed := uint64(1); seed <= 20; seed++ {
		s := pbNew(t, SplitBrain, "fixed", seed, sched, pbRegisterOps{})
		leaderOf := map[int64]string{}
		for !s.Done() {
			s.RunUntil(s.Now() + 10_000_000)
			for id, term := range primaries(s) {
				if other, seen := leaderOf[term]; seen && other != id {
					t.Fatalf("seed %d: %s and %s both led term %d", seed, other, id, term)
				}
				leaderOf[term] = id
			}
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		if len(leaderOf) < 2 {
			t.Fatalf("seed %d: the partitions never forced an election (terms %v)", seed, leaderOf)
		}
	}
}

func TestRegisterMachineCompareAndSet(t *testing.T) {
	var r pbRegister
	if _, code := r.apply(sim.Request{F: "cas", Value: []any{nil, int64(1)}}); code != "" {
		t.Fatalf("cas from nil on an empty register: %s", code)
	}
	if _, code := r.apply(sim.Request{F: "cas", Value: []any{int64(2), int64(3)}}); code != "cas-mismatch" {
		t.Fatalf("cas from 2 when the register holds 1: got %q, want cas-mismatch", code)
	}
	if _, code := r.apply(sim.Request{F: "cas", Value: int64(2)}); code != "bad-cas" {
		t.Fatalf("cas with one value: got %q", code)
	}
	if v, _ := r.apply(sim.Request{F: "read"}); v != int64(1) {
		t.Fatalf("read %v, want 1", v)
	}
}
