package lessons

import (
	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	cfg := sim.DefaultConfig()
	// Three home replicas (n1–n3) and two fallbacks (n4, n5).
	cfg.Nodes, cfg.Clients, cfg.Ops = 5, 4, 160
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 100_000_000, 300_000_000
	register(&Lesson{
		Number: 6,
		ID:     "sloppy-quorums",
		Design: toydb.SloppyQuorums,
		Model:  checker.ModelRegister,
		Config: cfg,
		// The cluster cut in two for two seconds, then a flaky network that
		// loses half the messages between nodes, then slow links.
		Faults: sim.Schedule{Faults: []sim.Fault{
			{At: 1_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeHalves},
			{At: 3_000_000_000, Kind: sim.FaultHeal},
			{At: 3_000_000_000, Kind: sim.FaultLoss, Probability: 0.5},
			{At: 5_000_000_000, Kind: sim.FaultNetReset},
			{At: 5_500_000_000, Kind: sim.FaultDelay, DelayNs: 300_000_000},
			{At: 7_000_000_000, Kind: sim.FaultNetReset},
		}, CycleNs: 8_000_000_000},
		Workload: func() sim.Generator { return registerWorkload{readFraction: 0.8, values: 10} },
	})
}
