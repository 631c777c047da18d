package sim

import (
	"strings"
)

// FaultKind names a nemesis action. The names are those scenario files
// hold, so they never change.
type FaultKind string

// Fault kinds: every fault Jepsen's nemeses know.
const (
	FaultPartition   FaultKind = "partition"    // Shape says which
	FaultHeal        FaultKind = "heal"         // end the partitions its owner made
	FaultCrash       FaultKind = "crash"        // kill: volatile state and unsynced writes lost
	FaultRestart     FaultKind = "restart"      // start a node its owner crashed
	FaultPause       FaultKind = "pause"        // SIGSTOP: nothing handled, messages wait
	FaultResume      FaultKind = "resume"       // SIGCONT
	FaultClockSkew   FaultKind = "clock-skew"   // set the owner's offset of a node's clock to DeltaNs
	FaultClockJump   FaultKind = "clock-jump"   // add DeltaNs to the owner's offset
	FaultClockStrobe FaultKind = "clock-strobe" // flip the offset between 0 and DeltaNs every PeriodNs
	FaultClockReset  FaultKind = "clock-reset"  // the owner's offsets back to 0
	FaultLoss        FaultKind = "net-loss"     // drop node-to-node messages with Probability
	FaultDuplicate   FaultKind = "net-duplicate"
	FaultDelay       FaultKind = "net-delay" // add DelayNs (up to) to node-to-node messages
	FaultNetReset    FaultKind = "net-reset" // the owner's loss, duplication and delay off
	FaultHealAll     FaultKind = "heal-all"  // every owner's faults undone: the TUI's h
)

// FaultKinds lists every fault kind, in the order above.
var FaultKinds = []FaultKind{
	FaultPartition, FaultHeal, FaultCrash, FaultRestart, FaultPause, FaultResume,
	FaultClockSkew, FaultClockJump, FaultClockStrobe, FaultClockReset,
	FaultLoss, FaultDuplicate, FaultDelay, FaultNetReset, FaultHealAll,
}

// Shape names a partition's shape.
type Shape string

// Partition shapes, after Jepsen's partitioners.
const (
	ShapeOne     Shape = "one"     // isolate one node
	ShapeLeader  Shape = "leader"  // isolate the node that says it leads
	ShapeHalves  Shape = "halves"  // random halves (the majority side one bigger)
	ShapeRing    Shape = "ring"    // majorities ring: each node sees a different majority
	ShapeBridge  Shape = "bridge"  // two halves joined by one node that sees both
	ShapeGroups  Shape = "groups"  // exactly Groups
	ShapePrimary Shape = "primary" // alias of leader, for primary/backup designs
	// ShapeOverlap is never asked for: PartitionShape reports it when
	// partitions of several owners are in force at once (see Reachable).
	ShapeOverlap Shape = "overlap"
)

// Shapes lists the partition shapes in the order the TUI's p key cycles.
var Shapes = []Shape{ShapeOne, ShapeLeader, ShapeHalves, ShapeRing, ShapeBridge}

// Target is how a fault picks its nodes when it names none.
type Target string

// Targets. A role target is RoleTarget(role).
const (
	TargetRandom   Target = "random" // one node at random (the default)
	TargetLeader   Target = "leader" // the node that says it leads (highest term), else random
	TargetAll      Target = "all"    // every eligible node
	TargetMinority Target = "minority"
	TargetMajority Target = "majority"
	TargetBridge   Target = "bridge" // the node joining a bridge partition in force, else random
)

const rolePrefix = "role:"

// RoleTarget aims a fault at a node whose status says it plays role (a
// random one of them; random among all when none does).
func RoleTarget(r Role) Target { return Target(rolePrefix + string(r)) }

// Role is the role a role target names.
func (t Target) Role() (Role, bool) {
	r, ok := strings.CutPrefix(string(t), rolePrefix)
	return Role(r), ok
}

// Fault is one nemesis action. Scheduled faults happen At a virtual time;
// live faults (the learner's, from the TUI) record the Step at which they
// were injected, so a replay applies them at exactly the same point, or,
// ByTime, at their virtual time (a replay against another variant, whose
// steps mean nothing to the recorded ones).
type Fault struct {
	At          int64      `json:"at_ns"`
	Live        bool       `json:"live,omitempty"`
	Step        int64      `json:"step,omitempty"`
	ByTime      bool       `json:"by_time,omitempty"`
	Kind        FaultKind  `json:"kind"`
	Shape       Shape      `json:"shape,omitempty"`
	Nodes       []string   `json:"nodes,omitempty"`  // targets; empty: the rule in Target
	Target      Target     `json:"target,omitempty"` // random, leader, all, minority, majority, bridge, role:NAME (default random)
	Groups      [][]string `json:"groups,omitempty"`
	DeltaNs     int64      `json:"delta_ns,omitempty"`
	PeriodNs    int64      `json:"period_ns,omitempty"`
	Probability float64    `json:"probability,omitempty"`
	DelayNs     int64      `json:"delay_ns,omitempty"`
}

// RoleTargeted reports whether the fault picks its node by the role a node
// says it plays, so that it hits different nodes in different designs.
func (f Fault) RoleTargeted() bool {
	if len(f.Nodes) > 0 {
		return false
	}
	_, role := f.Target.Role()
	return role || f.Target == TargetLeader || f.Target == TargetBridge ||
		(f.Kind == FaultPartition && (f.Shape == ShapeLeader || f.Shape == ShapePrimary))
}

// Schedule is a run's faults: a list, repeated every CycleNs when that is
// set, and a Mix of fault kinds that start and stop on their own.
type Schedule struct {
	Faults  []Fault `json:"list"`
	CycleNs int64   `json:"cycle_ns,omitempty"`
	Mix     *Mix    `json:"mix,omitempty"`
}

// RoleTargeted reports whether any fault of the schedule picks its node by
// role (the leader, a worker, ...).
func (s Schedule) RoleTargeted() bool {
	for _, f := range s.Faults {
		if f.RoleTargeted() {
			return true
		}
	}
	if s.Mix != nil {
		for _, k := range s.Mix.Kinds {
			if pair, ok := NemesisKinds[k]; ok && pair[0].RoleTargeted() {
				return true
			}
		}
	}
	return false
}

// Live lists the schedule's live faults (the learner's), in order.
func (s Schedule) Live() []Fault {
	var out []Fault
	for _, f := range s.Faults {
		if f.Live {
			out = append(out, f)
		}
	}
	return out
}
