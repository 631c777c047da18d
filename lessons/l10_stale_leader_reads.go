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
		Number: 10,
		ID:     "stale-leader-reads",
		Design: toydb.LeaderReads,
		Model:  checker.ModelRegister,
		Config: cfg,
		// The leader is cut off; a moment later its wall clock is stepped
		// back three seconds (an NTP correction), which only the lease
		// variant notices. The other two nodes elect a new leader and go on
		// writing while the old one still answers reads.
		Faults: sim.Schedule{Faults: []sim.Fault{
			{At: 2_000_000_000, Kind: sim.FaultPartition, Shape: sim.ShapeLeader},
			{At: 2_200_000_000, Kind: sim.FaultClockJump, Target: "leader", DeltaNs: -3_000_000_000},
			{At: 4_500_000_000, Kind: sim.FaultHeal},
			{At: 5_000_000_000, Kind: sim.FaultClockReset},
		}, CycleNs: 8_000_000_000},
		Workload: func() sim.Generator { return &seqRegisterWorkload{readFraction: 0.5} },
	})
}
