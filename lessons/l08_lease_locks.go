package lessons

import (
	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops = 5, 3, 150
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 50_000_000, 150_000_000
	// Longer than a pause: the paused worker's own add still completes,
	// so the checker sees two acknowledged adds where only one counted.
	cfg.TimeoutNs = 2_000_000_000
	pause := func(at int64) []sim.Fault {
		return []sim.Fault{
			{At: at, Kind: sim.FaultPause, Target: "role:worker"},
			{At: at + 1_500_000_000, Kind: sim.FaultResume, Target: "all"},
		}
	}
	jump := sim.Fault{Kind: sim.FaultClockJump, Nodes: []string{"n1"}, DeltaNs: 800_000_000}
	var faults []sim.Fault
	for i, at := range []int64{1_500_000_000, 6_500_000_000, 11_500_000_000} {
		faults = append(faults, pause(at)...)
		if i < 2 {
			jump.At = at + 3_000_000_000
			faults = append(faults, jump)
		}
	}
	register(&Lesson{
		Number: 8,
		ID:     "lease-locks",
		Design: toydb.LeaseLock,
		Model:  checker.ModelCounter,
		Config: cfg,
		// A worker — any one — paused past its lease (a long GC, a stalled
		// VM) three times a cycle, and the lock service's clock jumping
		// ahead twice: either way the lock service hands the lock to a
		// second worker while the first still works.
		Faults:   sim.Schedule{Faults: faults, CycleNs: 15_000_000_000},
		Workload: func() sim.Generator { return counterWorkload{readFraction: 0.2, maxAdd: 1} },
	})
}
