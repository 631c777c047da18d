package sim

import (
	"math/rand/v2"
)

// Routing says which node a client sends an operation to.
const (
	RouteRandom = "random" // any node, chosen per operation
	RouteSticky = "sticky" // client k always talks to node k mod n
	RouteLeader = "leader" // follow the leader hints in replies
)

// Config is everything about a run except the seed and the faults.
type Config struct {
	Nodes        int    `json:"nodes"`
	Clients      int    `json:"clients"`
	Ops          int    `json:"ops"` // operations invoked in the main phase
	Routing      string `json:"routing"`
	LatencyMinNs int64  `json:"latency_min_ns"`
	LatencyMaxNs int64  `json:"latency_max_ns"`
	ThinkMinNs   int64  `json:"think_min_ns"` // pause between a client's operations
	ThinkMaxNs   int64  `json:"think_max_ns"`
	TimeoutNs    int64  `json:"timeout_ns"`     // a client gives up and records info
	FinalDelayNs int64  `json:"final_delay_ns"` // quiet time after healing, before final ops
	MaxEvents    int64  `json:"max_events"`     // bound: exceeding it is an error
	MaxTimeNs    int64  `json:"max_time_ns"`    // bound on virtual time
	Trace        bool   `json:"-"`              // record the trace (the TUI wants it; hunts don't)
	// Client is how the client library behaves on timeouts.
	Client ClientPolicy `json:"client"`
}

// ClientPolicy is the client library's behaviour when a request times out.
// Jepsen's rule, the default, records the timeout as info. Lesson 7 shows
// what the other choices do.
type ClientPolicy struct {
	// Retries resends the same request (same ReqID) up to this many times,
	// each with a fresh timeout, before giving up. The invocation stays open.
	Retries int `json:"retries,omitempty"`
	// TimeoutAsFail records a final timeout as fail: the bug of believing a
	// request that timed out did not happen.
	TimeoutAsFail bool `json:"timeout_as_fail,omitempty"`
}

// DefaultConfig is a small cluster with LAN-like latency.
func DefaultConfig() Config {
	return Config{
		Nodes: 3, Clients: 3, Ops: 200, Routing: RouteRandom,
		LatencyMinNs: 1_000_000, LatencyMaxNs: 5_000_000,
		ThinkMinNs: 10_000_000, ThinkMaxNs: 50_000_000,
		TimeoutNs: 1_000_000_000, FinalDelayNs: 2_000_000_000,
		Trace: true,
	}
}

// MaxOps bounds a run's operations by the memory they take: a finished
// run keeps its history and its cluster's state, up to about 0.9 KB an
// operation for the heaviest design (Raft's logs), and with the trace on
// every message too, up to about 13 KB an operation
// (BenchmarkRetainedBytesPerOp). The bounds keep a run under about 0.5 and
// 0.7 GB.
const (
	MaxOps       = 500_000
	MaxOpsTraced = 50_000
)

func (c Config) withBounds() Config {
	if c.MaxEvents == 0 {
		c.MaxEvents = 2000*int64(c.Ops+c.Clients) + 1_000_000
	}
	if c.MaxTimeNs == 0 {
		// Generous: every op could time out, one after another. Computed in
		// floating point and capped, so huge settings cannot overflow.
		t := float64(int64(c.Ops)+int64(c.Clients)+64)*float64(c.TimeoutNs+c.ThinkMaxNs) + 10*float64(c.FinalDelayNs) + 60e9
		c.MaxTimeNs = int64(min(t, float64(MaxVirtualNs)))
	}
	return c
}

// Generator is a lesson's workload: the operations clients issue. A fresh
// generator is made for every run, so it may keep state (the next unique
// element to add, ...).
type Generator interface {
	// Next is the next main-phase operation for a client process.
	Next(rng *rand.Rand, process int64) Request
	// Final operations run once each after the main phase, faults healed
	// (Jepsen's final reads).
	Final() []Request
}

// Scenario is a run's whole input: replaying it gives the same history and
// trace, byte for byte.
type Scenario struct {
	Lesson  string   `json:"lesson,omitempty"`
	Variant string   `json:"variant,omitempty"`
	Seed    uint64   `json:"seed"`
	Config  Config   `json:"config"`
	Faults  Schedule `json:"faults"`
}
