package lessons

import (
	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops = 1, 3, 60
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 100_000_000, 400_000_000
	cfg.TimeoutNs = 500_000_000
	register(&Lesson{
		Number:  1,
		ID:      "first-history",
		Design:  toydb.Single,
		Correct: []string{"single"},
		Model:   checker.ModelRegister,
		Config:  cfg,
		// One crash in the middle of the run turns the operations in flight
		// into info; the node comes back with its synced value.
		Faults: sim.Schedule{Faults: []sim.Fault{
			{At: 3_000_000_000, Kind: sim.FaultCrash, Target: "all"},
			{At: 4_500_000_000, Kind: sim.FaultRestart, Target: "all"},
		}, CycleNs: 8_000_000_000},
		Workload: func() sim.Generator { return registerWorkload{readFraction: 0.5, values: 5} },
	})
}
