package lessons

import (
	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops = 3, 3, 150
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 100_000_000, 300_000_000
	register(&Lesson{
		Number: 2,
		ID:     "stale-replica-reads",
		Design: toydb.Replicas,
		Model:  checker.ModelRegister,
		Config: cfg,
		// Replication lag is always there; then a follower (or the primary)
		// is cut off for three seconds, and its copy falls further behind.
		Faults: sim.Schedule{Faults: []sim.Fault{
			{At: 2_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeOne},
			{At: 5_000_000_000, Kind: sim.FaultHeal},
		}, CycleNs: 8_000_000_000},
		Workload: func() sim.Generator { return registerWorkload{readFraction: 0.5, values: 10} },
	})
}
