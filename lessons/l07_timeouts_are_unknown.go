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
	cfg.TimeoutNs = 1_000_000_000
	register(&Lesson{
		Number: 7,
		ID:     "timeouts-are-unknown",
		Design: toydb.GatewayCounter,
		Model:  checker.ModelCounter,
		Config: cfg,
		// The client library is what the variants change: every variant
		// retries a timed-out request twice (same request id); the default
		// then calls the operation failed.
		Tune: func(variant string, cfg *sim.Config) {
			cfg.Client = sim.ClientPolicy{Retries: 2, TimeoutAsFail: variant == "timeout-as-fail"}
		},
		// Slow links between the gateways and the primary, then the primary
		// cut off: requests time out, yet many of them still happen.
		Faults: sim.Schedule{Faults: []sim.Fault{
			{At: 2_000_000_000, Kind: sim.FaultDelay, DelayNs: 1_500_000_000},
			{At: 5_000_000_000, Kind: sim.FaultNetReset},
			{At: 6_500_000_000, Kind: sim.FaultPartition, Shape: sim.ShapePrimary},
			{At: 8_500_000_000, Kind: sim.FaultHeal},
		}, CycleNs: 10_000_000_000},
		Workload: func() sim.Generator { return counterWorkload{readFraction: 0.3, maxAdd: 5} },
	})
}
