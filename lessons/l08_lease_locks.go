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
	var faults []sim.Fault
	for _, at := range []int64{1_500_000_000, 4_500_000_000, 7_500_000_000, 10_500_000_000, 13_000_000_000} {
		faults = append(faults,
			sim.Fault{At: at, Kind: sim.FaultPause, Target: "role:worker"},
			sim.Fault{At: at + 1_400_000_000, Kind: sim.FaultResume, Target: "all"})
	}
	register(&Lesson{
		Number: 8,
		ID:     "lease-locks",
		Design: toydb.LeaseLock,
		Model:  checker.ModelCounter,
		Config: cfg,
		// A worker — any one — paused past its lease (a long GC, a stalled
		// VM) five times a cycle: the lock service hands the lock to a
		// second worker while the first still works.
		Faults:   sim.Schedule{Faults: faults, CycleNs: 15_000_000_000},
		Workload: func() sim.Generator { return counterWorkload{readFraction: 0.2, maxAdd: 1} },
	})
}
