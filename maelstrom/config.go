package maelstrom

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/faultline-lab/faultline/sim"
)

// Workloads are the names --workload takes, in Maelstrom's spelling.
var Workloads = []string{"echo", "unique-ids", "broadcast", "g-counter", "lin-kv"}

// Topologies are the broadcast topologies Maelstrom offers (--topology).
var Topologies = []string{"grid", "line", "tree2", "tree3", "tree4", "total"}

// MaxRecovery is the longest quiet time a run may end with (its messages
// say "1h").
const MaxRecovery = time.Hour

// Config is everything about a run of the learner's own node.
type Config struct {
	Workload string   `json:"workload"`
	Bin      []string `json:"bin"` // the command and its arguments
	Dir      string   `json:"dir,omitempty"`
	Nodes    int      `json:"nodes"`
	Clients  int      `json:"clients"`
	// Rate is client operations per second, over all clients (Maelstrom's
	// --rate: operations are staggered around it).
	Rate      float64       `json:"rate"`
	TimeLimit time.Duration `json:"time_limit_ns"`
	// Recovery is the quiet time after the faults are healed, before the
	// final reads (Maelstrom waits 10 s).
	Recovery    time.Duration `json:"recovery_ns"`
	OpTimeout   time.Duration `json:"op_timeout_ns"`   // a client gives up and records info
	InitTimeout time.Duration `json:"init_timeout_ns"` // for init_ok, after a start or a restart
	Seed        uint64        `json:"seed"`
	Nemesis     []string      `json:"nemesis,omitempty"`
	// Faults is the fault schedule; when empty it is built from Nemesis.
	Faults   sim.Schedule `json:"faults"`
	Topology string       `json:"topology,omitempty"` // broadcast only
	// LogDir receives each node's stderr as NODE.log.
	LogDir string `json:"log_dir"`
}

// DefaultConfig is a small run: 3 nodes, 10 s at 10 operations a second.
func DefaultConfig(workload string) Config {
	c := Config{
		Workload: workload, Nodes: 3, Rate: 10, TimeLimit: 10 * time.Second,
		Recovery: 2 * time.Second, OpTimeout: time.Second, InitTimeout: 10 * time.Second,
		Seed: 1, Topology: "grid",
	}
	if workload == "broadcast" || workload == "g-counter" {
		c.Recovery = 10 * time.Second // Maelstrom's: gossip needs time to converge
	}
	return c
}

// Validate reports the first setting that cannot work, naming it.
func (c Config) Validate() error {
	switch {
	case !slices.Contains(Workloads, c.Workload):
		return fmt.Errorf("workload %q: unknown (workloads: %s)", c.Workload, strings.Join(Workloads, ", "))
	case len(c.Bin) == 0 || c.Bin[0] == "":
		return fmt.Errorf("bin: the command to run is empty")
	case c.Nodes < 1 || c.Nodes > 64:
		return fmt.Errorf("nodes must be 1–64, got %d", c.Nodes)
	case c.Clients < 0 || c.Clients > 256:
		return fmt.Errorf("clients must be 1–256, got %d", c.Clients)
	case c.Rate < 0 || c.Rate > 100_000:
		return fmt.Errorf("rate must be 0–100000 operations a second, got %v", c.Rate)
	case c.TimeLimit <= 0 || c.TimeLimit > 24*time.Hour:
		return fmt.Errorf("time limit must be positive and at most 24h, got %v", c.TimeLimit)
	case c.Recovery < 0 || c.Recovery > MaxRecovery:
		return fmt.Errorf("recovery must be 0–1h, got %v", c.Recovery)
	case c.OpTimeout <= 0 || c.InitTimeout <= 0:
		return fmt.Errorf("timeouts must be positive")
	case c.Workload == "broadcast" && c.Topology != "" && !slices.Contains(Topologies, c.Topology):
		return fmt.Errorf("topology %q: unknown (topologies: %s)", c.Topology, strings.Join(Topologies, ", "))
	}
	if err := CheckNemesis(c.Nemesis); err != nil {
		return err
	}
	for i, f := range c.Faults.Faults {
		if err := foreignFault(f); err != nil {
			return fmt.Errorf("faults.list[%d]: %w", i, err)
		}
	}
	return c.Faults.Validate(NodeIDs(c.Nodes))
}

// ErrClock is why clock faults are refused: faultline runs the learner's
// processes on the machine's own clock and cannot change what they read.
var ErrClock = fmt.Errorf("clock faults cannot be imposed on your node: it reads the machine's clock, which faultline does not control " +
	"(to test clock skew, give your node a clock offset of its own, or use libfaketime)")

// foreignFault refuses the faults that cannot be done to a real process.
func foreignFault(f sim.Fault) error {
	switch f.Kind {
	case sim.FaultClockSkew, sim.FaultClockJump, sim.FaultClockStrobe:
		return ErrClock
	}
	return nil
}

// nemesisPair is a --nemesis name's fault and the fault that undoes it,
// from sim's table.
func nemesisPair(name string) ([2]sim.Fault, bool) {
	for k, pair := range sim.NemesisKinds {
		if string(k) == name {
			return pair, true
		}
	}
	return [2]sim.Fault{}, false
}

// CheckNemesis checks --nemesis names: known, and not a clock fault.
func CheckNemesis(kinds []string) error {
	for _, k := range kinds {
		pair, ok := nemesisPair(k)
		if !ok {
			return fmt.Errorf("nemesis %q: unknown (known: %s)", k, strings.Join(NemesisNames(), ", "))
		}
		if err := foreignFault(pair[0]); err != nil {
			return fmt.Errorf("nemesis %q: %w", k, err)
		}
	}
	return nil
}

// NemesisNames are the --nemesis names a run of real processes takes:
// sim's, less the clock faults, sorted.
func NemesisNames() []string {
	var out []string
	for k, pair := range sim.NemesisKinds {
		if foreignFault(pair[0]) == nil {
			out = append(out, string(k))
		}
	}
	slices.Sort(out)
	return out
}

// nemesisSchedule is a cyclic schedule from nemesis names, as sim builds
// one for a lesson: each fault in turn starts a quarter into its slot of
// period (default 4 s) and is undone half a slot later.
func nemesisSchedule(kinds []string, period time.Duration) (sim.Schedule, error) {
	if period <= 0 {
		period = 4 * time.Second
	}
	var s sim.Schedule
	for i, k := range kinds {
		pair, ok := nemesisPair(k)
		if !ok {
			return sim.Schedule{}, fmt.Errorf("nemesis %q: unknown", k)
		}
		on, off := pair[0], pair[1]
		on.At = int64(time.Duration(i)*period + period/4)
		off.At = on.At + int64(period/2)
		s.Faults = append(s.Faults, on, off)
	}
	s.CycleNs = int64(len(kinds)) * int64(period)
	return s, nil
}

// NodeIDs are Maelstrom's node names: n1, n2, ...
func NodeIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("n%d", i+1)
	}
	return out
}

// withDefaults fills what a zero Config leaves open.
func (c Config) withDefaults() (Config, error) {
	if c.Clients == 0 {
		c.Clients = c.Nodes // Maelstrom's default concurrency: one client per node
	}
	if c.Topology == "" {
		c.Topology = "grid"
	}
	if len(c.Faults.Faults) == 0 && len(c.Nemesis) > 0 {
		s, err := nemesisSchedule(c.Nemesis, 0)
		if err != nil {
			return c, err
		}
		c.Faults = s
	}
	return c, c.Validate()
}
