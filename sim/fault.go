package sim

import (
	"fmt"
	"strings"
)

// Fault kinds: every fault Jepsen's nemeses know.
const (
	FaultPartition   = "partition"    // Shape says which
	FaultHeal        = "heal"         // end every partition
	FaultCrash       = "crash"        // kill: volatile state and unsynced writes lost
	FaultRestart     = "restart"      // start a crashed node again
	FaultPause       = "pause"        // SIGSTOP: nothing handled, messages wait
	FaultResume      = "resume"       // SIGCONT
	FaultClockSkew   = "clock-skew"   // set a node's clock offset to DeltaNs
	FaultClockJump   = "clock-jump"   // add DeltaNs to a node's clock offset
	FaultClockStrobe = "clock-strobe" // flip the offset between 0 and DeltaNs every PeriodNs
	FaultClockReset  = "clock-reset"  // clocks true again
	FaultLoss        = "net-loss"     // drop node-to-node messages with Probability
	FaultDuplicate   = "net-duplicate"
	FaultDelay       = "net-delay" // add DelayNs (up to) to node-to-node messages
	FaultNetReset    = "net-reset" // no loss, duplication or delay
	FaultHealAll     = "heal-all"  // everything above undone: the TUI's h
)

// Partition shapes, after Jepsen's partitioners.
const (
	ShapeOne     = "one"     // isolate one node
	ShapeLeader  = "leader"  // isolate the node that says it leads
	ShapeHalves  = "halves"  // random halves (the majority side one bigger)
	ShapeRing    = "ring"    // majorities ring: each node sees a different majority
	ShapeBridge  = "bridge"  // two halves joined by one node that sees both
	ShapeGroups  = "groups"  // exactly Groups
	ShapePrimary = "primary" // alias of leader, for primary/backup designs
)

// Shapes lists the partition shapes in the order the TUI's p key cycles.
var Shapes = []string{ShapeOne, ShapeLeader, ShapeHalves, ShapeRing, ShapeBridge}

// Fault is one nemesis action. Scheduled faults happen At a virtual time;
// live faults (from the TUI) record the Step at which they were injected,
// so a replay applies them at exactly the same point.
type Fault struct {
	At          int64      `json:"at_ns"`
	Live        bool       `json:"live,omitempty"`
	Step        int64      `json:"step,omitempty"`
	Kind        string     `json:"kind"`
	Shape       string     `json:"shape,omitempty"`
	Nodes       []string   `json:"nodes,omitempty"`  // targets; empty: the rule in Target
	Target      string     `json:"target,omitempty"` // random, leader, all, minority, majority, bridge, role:NAME (default random)
	Groups      [][]string `json:"groups,omitempty"`
	DeltaNs     int64      `json:"delta_ns,omitempty"`
	PeriodNs    int64      `json:"period_ns,omitempty"`
	Probability float64    `json:"probability,omitempty"`
	DelayNs     int64      `json:"delay_ns,omitempty"`
}

// Schedule is a list of faults, repeated every CycleNs when that is set.
type Schedule struct {
	Faults  []Fault `json:"list"`
	CycleNs int64   `json:"cycle_ns,omitempty"`
}

var faultKinds = map[string]bool{
	FaultPartition: true, FaultHeal: true, FaultCrash: true, FaultRestart: true,
	FaultPause: true, FaultResume: true, FaultClockSkew: true, FaultClockJump: true,
	FaultClockStrobe: true, FaultClockReset: true, FaultLoss: true, FaultDuplicate: true,
	FaultDelay: true, FaultNetReset: true, FaultHealAll: true,
}

// Validate reports what is wrong with a fault, naming its field.
func (f Fault) Validate(nodes []string) error {
	if !faultKinds[f.Kind] {
		return fmt.Errorf("kind: unknown fault %q", f.Kind)
	}
	known := map[string]bool{}
	for _, n := range nodes {
		known[n] = true
	}
	for _, n := range f.Nodes {
		if !known[n] {
			return fmt.Errorf("nodes: no node %q (nodes are %s)", n, strings.Join(nodes, ", "))
		}
	}
	if f.Kind == FaultPartition {
		switch f.Shape {
		case ShapeOne, ShapeLeader, ShapePrimary, ShapeHalves, ShapeRing, ShapeBridge, "":
		case ShapeGroups:
			for _, g := range f.Groups {
				for _, n := range g {
					if !known[n] {
						return fmt.Errorf("groups: no node %q", n)
					}
				}
			}
		default:
			return fmt.Errorf("shape: unknown partition shape %q", f.Shape)
		}
	}
	switch {
	case f.Target == "", f.Target == "random", f.Target == "leader", f.Target == "all",
		f.Target == "minority", f.Target == "majority", f.Target == "bridge":
	case strings.HasPrefix(f.Target, "role:") && len(f.Target) > len("role:"):
	default:
		return fmt.Errorf("target: unknown target %q (random, leader, all, minority, majority, bridge, role:NAME)", f.Target)
	}
	if f.Probability < 0 || f.Probability > 1 {
		return fmt.Errorf("probability: %v is not in [0, 1]", f.Probability)
	}
	if f.At < 0 || f.PeriodNs < 0 || f.DelayNs < 0 || f.Step < 0 {
		return fmt.Errorf("at_ns, step, period_ns and delay_ns must not be negative")
	}
	if f.Kind == FaultClockStrobe && f.PeriodNs == 0 {
		return fmt.Errorf("period_ns: a clock strobe needs a period")
	}
	return nil
}

// Validate checks every fault of a schedule.
func (s Schedule) Validate(nodes []string) error {
	if s.CycleNs < 0 {
		return fmt.Errorf("faults.cycle_ns: must not be negative")
	}
	for i, f := range s.Faults {
		if err := f.Validate(nodes); err != nil {
			return fmt.Errorf("faults.list[%d].%w", i, err)
		}
		if s.CycleNs > 0 && !f.Live && f.At >= s.CycleNs {
			return fmt.Errorf("faults.list[%d].at_ns: %d is not inside the cycle of %d ns", i, f.At, s.CycleNs)
		}
	}
	return nil
}
