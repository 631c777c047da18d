package toydb

import (
	"math/rand/v2"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// lwwTwoWrites has process 0 write 1 and process 1 write 2, then reads.
type lwwTwoWrites struct{}

func (lwwTwoWrites) Next(_ *rand.Rand, p int64) sim.Request {
	return sim.Request{F: "write", Value: p + 1}
}

func (lwwTwoWrites) Final() []sim.Request { return []sim.Request{{F: "read"}} }

// lwwRun has client 1 write 1 through n1 and client 2 write 2 through n2,
// whose clock runs skewNs off, at random moments; it returns the value the
// write that began last wrote, the value the final read returned, and
// whether the second write began after the first had finished.
func lwwRun(t *testing.T, variant string, seed uint64, skewNs int64) (last, read int64, ordered bool) {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops, cfg.Routing, cfg.Trace = 3, 2, 2, sim.RouteSticky, false
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 0, 100_000_000
	sched := sim.Schedule{Faults: []sim.Fault{{At: 0, Kind: sim.FaultClockSkew, Nodes: []string{"n2"}, DeltaNs: skewNs}}}
	s, err := sim.New(seed, cfg, sched, LWWClocks.New(variant), lwwTwoWrites{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	pairs, err := s.History().Pairs()
	if err != nil {
		t.Fatal(err)
	}
	var writes []history.Pair
	for _, p := range pairs {
		if p.Completion == nil || p.Completion.Type != history.OK {
			t.Fatalf("seed %d: %s did not complete", seed, p.Invoke.F)
		}
		if p.Invoke.F == "write" {
			writes = append(writes, p)
		} else {
			read, _ = history.Int(p.Completion.Value)
		}
	}
	first, second := writes[0], writes[1]
	if second.Invoke.Index < first.Invoke.Index {
		first, second = second, first
	}
	last, _ = history.Int(second.Invoke.Value)
	return last, read, second.Invoke.Time > first.Completion.Time
}

func TestWallClockLWWKeepsTheLastWriteWithTrueClocks(t *testing.T) {
	t.Parallel()
	ordered := 0
	for seed := uint64(1); seed <= 50; seed++ {
		last, read, inOrder := lwwRun(t, "wall-clock", seed, 0)
		if !inOrder {
			continue // concurrent writes: either may win
		}
		ordered++
		if read != last {
			t.Fatalf("seed %d: read %d, want the last write's %d", seed, read, last)
		}
	}
	if ordered < 10 {
		t.Fatalf("only %d of 50 seeds wrote one after the other", ordered)
	}
}

func TestWallClockLWWLosesALaterWriteFromASlowClock(t *testing.T) {
	t.Parallel()
	lost := 0
	for seed := uint64(1); seed <= 50; seed++ {
		last, read, ordered := lwwRun(t, "wall-clock", seed, -2_000_000_000)
		if ordered && last == 2 && read == 1 {
			lost++ // n2 wrote last, with a stamp two seconds in the past
		}
	}
	if lost == 0 {
		t.Fatal("no later write through the slow node was lost")
	}
}

func TestFixedLWWOrdersWritesAtTheLeader(t *testing.T) {
	t.Parallel()
	ordered := 0
	for seed := uint64(1); seed <= 50; seed++ {
		last, read, inOrder := lwwRun(t, "fixed", seed, -2_000_000_000)
		if !inOrder {
			continue // concurrent writes: either may win
		}
		ordered++
		if read != last {
			t.Fatalf("seed %d: read %d, want the last write's %d", seed, read, last)
		}
	}
	if ordered < 10 {
		t.Fatalf("only %d of 50 seeds wrote one after the other", ordered)
	}
}
