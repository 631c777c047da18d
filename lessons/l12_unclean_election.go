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
		Number: 12,
		ID:     "unclean-election",
		Design: toydb.ISRLog,
		Model:  checker.ModelQueue,
		Config: cfg,
		// The leader is cut off from the other replicas: they stop
		// acknowledging, it shrinks its in-sync set and, in the default
		// variant, goes on acknowledging alone while the others elect a
		// new leader. Healing makes it a follower of the new leader.
		Faults: sim.Schedule{Faults: []sim.Fault{
			{At: 2_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeLeader},
			{At: 5_000_000_000, Kind: sim.FaultHeal},
		}, CycleNs: 8_000_000_000},
		Workload: func() sim.Generator { return &queueWorkload{dequeueFraction: 0.6} },
	})
}
