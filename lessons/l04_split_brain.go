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
		Number: 4,
		ID:     "split-brain",
		Design: toydb.SplitBrain,
		Model:  checker.ModelCASRegister,
		Config: cfg,
		// Random halves, healed, then a bridge: two groups that cannot hear
		// each other, joined by one node that hears both.
		Faults: sim.Schedule{Faults: []sim.Fault{
			{At: 2_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeHalves},
			{At: 5_000_000_000, Kind: sim.FaultHeal},
			{At: 7_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeBridge},
			{At: 10_000_000_000, Kind: sim.FaultHeal},
		}, CycleNs: 12_000_000_000},
		Workload: func() sim.Generator { return registerWorkload{readFraction: 0.4, values: 5, cas: true} },
	})
}
