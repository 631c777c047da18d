package lessons

import (
	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops = 5, 5, 200
	cfg.Routing = sim.RouteLeader
	// The client library retries a request that timed out, once, with the
	// same request id (as etcd's and most others do): client sessions are
	// what keep a retried write from applying twice.
	cfg.Client.Retries = 1
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 100_000_000, 200_000_000
	register(&Lesson{
		Number:   13,
		ID:       "raft-capstone",
		Design:   toydb.Raft,
		Correct:  []string{"raft"},
		Model:    checker.ModelKV,
		Config:   cfg,
		Faults:   raftFaults(),
		Workload: func() sim.Generator { return newKVWorkload([]string{"x", "y", "z"}, 0.5, 0.2) },
	})
}

// raftFaults is every fault kind at once, cycled every 12 s:
//
//   - a bridge partition over a slow network while the bridge node, the one
//     both halves need for a majority, is killed and restarted every 150 ms
//     (elections run into crashes: a node must not forget its vote);
//   - the leader isolated and, while it is cut off, its successor crashed;
//     then the new leader isolated, each time for less than a client's
//     timeout, so its clients are still waiting when it rejoins;
//   - the leader crashed while messages are lost, then paused;
//   - a majorities ring, random halves and one node cut off, with messages
//     duplicated and clocks skewed and strobing.
func raftFaults() sim.Schedule {
	const ms = 1_000_000
	f := []sim.Fault{
		{At: 0, Kind: sim.FaultDelay, DelayNs: 100 * ms},
		{At: 0, Kind: sim.FaultPartition, Shape: sim.ShapeBridge},
	}
	for t := int64(250); t < 2500; t += 150 {
		f = append(f, sim.Fault{At: t * ms, Kind: sim.FaultCrash, Target: "bridge"},
			sim.Fault{At: (t + 20) * ms, Kind: sim.FaultRestart, Target: "all"})
	}
	f = append(f, []sim.Fault{
		{At: 4000 * ms, Kind: sim.FaultHeal},
		{At: 4000 * ms, Kind: sim.FaultDelay, DelayNs: 30 * ms},
		{At: 4200 * ms, Kind: sim.FaultPartition, Shape: sim.ShapeLeader},
		{At: 4900 * ms, Kind: sim.FaultCrash, Target: "leader"},
		{At: 5500 * ms, Kind: sim.FaultHeal},
		{At: 5600 * ms, Kind: sim.FaultRestart, Target: "all"},
		{At: 5700 * ms, Kind: sim.FaultPartition, Shape: sim.ShapeLeader},
		{At: 6400 * ms, Kind: sim.FaultHeal},
		{At: 6500 * ms, Kind: sim.FaultCrash, Target: "leader"},
		{At: 6500 * ms, Kind: sim.FaultLoss, Probability: 0.1},
		{At: 7100 * ms, Kind: sim.FaultRestart, Target: "all"},
		{At: 7400 * ms, Kind: sim.FaultPause, Target: "leader"},
		{At: 7900 * ms, Kind: sim.FaultResume, Target: "all"},
		{At: 8100 * ms, Kind: sim.FaultNetReset},
		{At: 8100 * ms, Kind: sim.FaultDuplicate, Probability: 0.2},
		{At: 8100 * ms, Kind: sim.FaultPartition, Shape: sim.ShapeRing},
		{At: 8900 * ms, Kind: sim.FaultHeal},
		{At: 9100 * ms, Kind: sim.FaultClockStrobe, DeltaNs: 500 * ms, PeriodNs: 100 * ms},
		{At: 9100 * ms, Kind: sim.FaultPartition, Shape: sim.ShapeHalves},
		{At: 9800 * ms, Kind: sim.FaultHeal},
		{At: 10000 * ms, Kind: sim.FaultClockSkew, DeltaNs: -2000 * ms},
		{At: 10000 * ms, Kind: sim.FaultPartition, Shape: sim.ShapeOne},
		{At: 10700 * ms, Kind: sim.FaultHeal},
		{At: 10900 * ms, Kind: sim.FaultNetReset},
		{At: 10900 * ms, Kind: sim.FaultClockReset},
	}...)
	return sim.Schedule{CycleNs: 12_000 * ms, Faults: f}
}
