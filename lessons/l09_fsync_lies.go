package lessons

import (
	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops = 1, 3, 150
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 100_000_000, 300_000_000
	cfg.TimeoutNs = 500_000_000
	register(&Lesson{
		Number: 9,
		ID:     "fsync-lies",
		Design: toydb.FsyncStore,
		Model:  checker.ModelRegister,
		Config: cfg,
		// A crash (a kill -9, a power cut) every few seconds: the page
		// cache is lost, the disk keeps what was fsynced.
		Faults: sim.Schedule{Faults: []sim.Fault{
			{At: 2_600_000_000, Kind: sim.FaultCrash, Nodes: []string{"n1"}},
			{At: 2_750_000_000, Kind: sim.FaultRestart, Nodes: []string{"n1"}},
		}, CycleNs: 4_000_000_000},
		Workload: func() sim.Generator { return &seqRegisterWorkload{readFraction: 0.5} },
	})
}
