package toydb

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// pbAdds adds 0, 1, 2, ... then reads the set once the faults are healed.
type pbAdds struct{ next int64 }

func (g *pbAdds) Next(*rand.Rand, int64) sim.Request {
	g.next++
	return sim.Request{F: "add", Value: g.next - 1}
}

func (g *pbAdds) Final() []sim.Request { return []sim.Request{{F: "read"}} }

// pbIsolateN1 cuts the first primary, n1, off from 2 s to 6 s.
var pbIsolateN1 = sim.Schedule{Faults: []sim.Fault{
	{At: 2_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeGroups, Groups: [][]string{{"n1"}, {"n2", "n3"}}},
	{At: 6_000_000_000, Kind: sim.FaultHeal},
}}

func pbNew(t *testing.T, d Design, variant string, seed uint64, sched sim.Schedule, gen sim.Generator) *sim.Sim {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Ops, cfg.Trace = 120, false
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 100_000_000, 250_000_000
	f, err := d.Factory(variant)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(seed, cfg, sched, f, gen)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// primaries lists the nodes that say they lead, with their terms.
func primaries(s *sim.Sim) map[string]int64 {
	out := map[string]int64{}
	for _, v := range s.Cluster() {
		if v.Up && (v.Status.Role == "primary" || v.Status.Role == "leader") {
			out[v.ID] = v.Status.Term
		}
	}
	return out
}

// lostAdds lists the acknowledged adds missing from the final read, or
// fails the test when there is no completed final read.
func lostAdds(t *testing.T, h history.History) []int64 {
	t.Helper()
	pairs, err := h.Pairs()
	if err != nil {
		t.Fatal(err)
	}
	var acked []int64
	var final []any
	readOK := false
	for _, p := range pairs {
		c := p.Completion
		if c == nil || c.Type != history.OK {
			continue
		}
		switch p.Invoke.F {
		case "add":
			v, _ := history.Int(c.Value)
			acked = append(acked, v)
		case "read":
			final, readOK = c.Value.([]any), true
		}
	}
	if !readOK {
		t.Fatal("the final read did not complete")
	}
	var lost []int64
	for _, a := range acked {
		if !slices.ContainsFunc(final, func(x any) bool { v, _ := history.Int(x); return v == a }) {
			lost = append(lost, a)
		}
	}
	return lost
}

func TestAsyncFailoverPromotesABackupAndLosesAcknowledgedAdds(t *testing.T) {
	s := pbNew(t, AsyncFailover, "async", 1, pbIsolateN1, &pbAdds{})
	s.RunUntil(1_500_000_000)
	if p := primaries(s); len(p) != 1 || p["n1"] != 1 {
		t.Fatalf("before the partition want n1 alone leading term 1, got %v", p)
	}
	s.RunUntil(5_000_000_000)
	p := primaries(s)
	if p["n1"] != 1 || len(p) != 2 {
		t.Fatalf("during the partition want the old primary n1 and a newly elected one, got %v", p)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	if p := primaries(s); len(p) != 1 || p["n1"] != 0 {
		t.Fatalf("after healing want one primary, not n1, got %v", p)
	}
	if lost := lostAdds(t, s.History()); len(lost) == 0 {
		t.Fatal("no acknowledged add was lost: the old primary's writes should have been rolled back")
	}
}

func TestFixedFailoverKeepsEveryAcknowledgedAdd(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		s := pbNew(t, AsyncFailover, "fixed", seed, pbIsolateN1, &pbAdds{})
		s.RunUntil(5_000_000_000)
		p := primaries(s)
		if _, still := p["n1"]; still || len(p) != 1 {
			t.Fatalf("seed %d: during the partition want n1 stepped down and one new primary, got %v", seed, p)
		}
		if err := s.Run(); err != nil {
			t.Fatal(err)
		}
		if lost := lostAdds(t, s.History()); len(lost) > 0 {
			t.Fatalf("seed %d: acknowledged adds %v missing from the final read", seed, lost)
		}
	}
}

func TestSetMachineSharesNothingItChanges(t *testing.T) {
	var m pbSet
	m.apply(sim.Request{F: "add", Value: int64(3)})
	m.apply(sim.Request{F: "add", Value: int64(1)})
	snap := m.snapshot().([]any)
	m.apply(sim.Request{F: "add", Value: int64(2)})
	m.apply(sim.Request{F: "add", Value: int64(1)}) // again: no duplicate
	if len(snap) != 2 || len(m.elems) != 3 {
		t.Fatalf("snapshot %v, set %v", snap, m.elems)
	}
	got, _ := m.apply(sim.Request{F: "read"})
	if history.Format(got) != "[1 2 3]" {
		t.Fatalf("read %s, want [1 2 3]", history.Format(got))
	}
}
