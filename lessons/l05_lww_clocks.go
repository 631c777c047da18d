package lessons

import (
	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops = 3, 3, 150
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 150_000_000, 350_000_000
	register(&Lesson{
		Number: 5,
		ID:     "lww-clocks",
		Design: toydb.LWWClocks,
		Model:  checker.ModelRegister,
		Config: cfg,
		// One node's clock runs two seconds slow for five seconds, then
		// the clocks are set right.
		Faults: sim.Schedule{Faults: []sim.Fault{
			{At: 2_000_000_000, Kind: sim.FaultClockSkew, DeltaNs: -2_000_000_000},
			{At: 7_000_000_000, Kind: sim.FaultClockReset},
		}, CycleNs: 10_000_000_000},
		Workload: func() sim.Generator { return registerWorkload{readFraction: 0.5, values: 10} },
	})
}
