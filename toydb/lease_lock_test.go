package toydb

import (
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// runLL runs locked adds on n1 (lock), n2 (storage), n3 and n4 (workers),
// pausing n3 for 1.5 s, three times lease, every 3 s.
func runLL(t *testing.T, variant string, seed uint64) (counterTally, history.History) {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Ops, cfg.Trace = 4, 80, false
	cfg.TimeoutNs = 2_000_000_000
	faults := sim.Schedule{Faults: []sim.Fault{
		{At: 200_000_000, Kind: sim.FaultPause, Nodes: []string{"n3"}},
		{At: 1_700_000_000, Kind: sim.FaultResume, Nodes: []string{"n3"}},
	}, CycleNs: 3_000_000_000}
	s, err := sim.New(seed, cfg, faults, LeaseLock.New(variant), gcAddsThenRead{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	return tallyCounter(t, s.History()), s.History()
}

// Without fencing, a worker that wakes after its lease writes a total
// computed from an old read: acknowledged adds vanish. Checking the lease
// before writing does not close the window: a pause can fall after the
// check, while the write is being prepared — with every clock true.
func TestLeaseLockWithoutFencingLosesAdds(t *testing.T) {
	t.Parallel()
	for _, variant := range []string{"no-fencing", "check-lease"} {
		lost := 0
		for seed := uint64(1); seed <= 30; seed++ {
			if c, _ := runLL(t, variant, seed); c.final < c.ok {
				lost++
			}
		}
		if lost == 0 {
			t.Errorf("%s: no seed of 30 lost an acknowledged add", variant)
		}
	}
}

// With fencing tokens the storage refuses the late writer, whose add fails;
// every acknowledged add counts.
func TestLeaseLockFencingKeepsEveryAdd(t *testing.T) {
	t.Parallel()
	fenced := 0
	for seed := uint64(1); seed <= 30; seed++ {
		c, h := runLL(t, "fixed", seed)
		if c.final < c.ok || c.final > c.ok+c.info {
			t.Fatalf("seed %d: final %d outside [%d, %d]", seed, c.final, c.ok, c.ok+c.info)
		}
		for _, o := range h {
			if o.Type == history.Fail && o.Error == "fenced" {
				fenced++
			}
		}
	}
	if fenced == 0 {
		t.Fatal("the storage never refused a stale token")
	}
}
