package lessons

import (
	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops = 3, 3, 100
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 200_000_000, 500_000_000
	register(&Lesson{
		Number: 3,
		ID:     "async-failover",
		Design: toydb.AsyncFailover,
		Model:  checker.ModelSet,
		Config: cfg,
		// The primary is cut off from its backups for four seconds: long
		// enough for them to elect a new one while clients still reach the
		// old one.
		Faults: sim.Schedule{Faults: []sim.Fault{
			{At: 3_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapePrimary},
			{At: 7_000_000_000, Kind: sim.FaultHeal},
		}},
		Workload: func() sim.Generator { return &setWorkload{finalReads: 2} },
	})
}
