package lessons

import (
	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops = 3, 5, 200
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 150_000_000, 350_000_000
	register(&Lesson{
		Number: 11,
		ID:     "racy-cas",
		Design: toydb.RacyCAS,
		Model:  checker.ModelCASRegister,
		Config: cfg,
		// No fault is needed; slow links widen the window between a
		// replica's read and its write.
		Faults: sim.Schedule{Faults: []sim.Fault{
			{At: 2_000_000_000, Kind: sim.FaultDelay, DelayNs: 100_000_000},
			{At: 4_000_000_000, Kind: sim.FaultNetReset},
		}, CycleNs: 6_000_000_000},
		Workload: func() sim.Generator { return &casWorkload{readFraction: 0.2, casFraction: 0.5} },
	})
}
