package sim

import (
	"fmt"
	"slices"
)

// Owner is who made a fault. Each owner's faults are its own: a
// schedule's heal ends only the partitions the schedule made, its resume
// resumes only what it paused, its restart restarts what it crashed, its
// clock reset and net reset undo only its own offsets, loss, duplication
// and delay. The learner is the operator: the learner's undo of a kind
// lifts that kind from every owner (for its nodes, when it names them), and
// heal-all, from anyone, lifts everything in force.
//
// What the cluster lives under is the composition of the owners' faults:
// a link is cut if any owner cuts it; loss, duplication and delay are the
// strongest any owner asks for; a node is down if any owner holds it
// crashed, paused if any holds it paused; a clock's offset is the sum of
// the owners' offsets (and strobes).
type Owner int

// The owners. A mix's kinds own their faults one each: OwnerMix + i is the
// mix's i-th kind, so each occurrence's undo undoes that occurrence.
const (
	OwnerLearner  Owner = iota // live faults, from the TUI or a scenario's live list
	OwnerSchedule              // the schedule's list (a lesson's own faults)
	OwnerSim                   // the simulator: the heal-all before the final reads
	OwnerMix
)

// OwnerName is how an owner is called in messages: learner, schedule,
// simulator, or "mix partition" for a mix's kind.
func (s *Sim) OwnerName(o Owner) string {
	switch {
	case o == OwnerLearner:
		return "learner"
	case o == OwnerSchedule:
		return "schedule"
	case o == OwnerSim:
		return "simulator"
	case int(o-OwnerMix) < len(s.mix):
		return "mix " + string(s.mix[o-OwnerMix].name)
	}
	return fmt.Sprintf("owner %d", int(o))
}

// holds are one owner's faults in force.
type holds struct {
	cut     []bool // n×n, [src*n+dest]; nil when this owner cuts nothing
	shape   Shape
	groups  [][]string
	cutFrom int // index in applied of the partition

	lossP, dupP float64
	delayNs     int64
	netFrom     [3]int // index in applied of the loss, duplication and delay (-1: none)

	crashed []int // per node: index in applied of the crash holding it, or -1
	paused  []int
	clock   []clockHold
}

type clockHold struct {
	offsetNs           int64
	strobeNs, periodNs int64
	strobeAt           int64
	from               int // index in applied, -1 when the clock is true
}

func (c clockHold) at(now int64) int64 {
	t := c.offsetNs
	if c.periodNs > 0 && ((now-c.strobeAt)/c.periodNs)%2 == 1 {
		t += c.strobeNs
	}
	return t
}

func newHolds(n int) *holds {
	h := &holds{cutFrom: -1, netFrom: [3]int{-1, -1, -1}, crashed: make([]int, n), paused: make([]int, n), clock: make([]clockHold, n)}
	for i := range n {
		h.crashed[i], h.paused[i], h.clock[i].from = -1, -1, -1
	}
	return h
}

// hold is an owner's holds, made on first use.
func (s *Sim) hold(o Owner) *holds {
	for int(o) >= len(s.owners) {
		s.owners = append(s.owners, nil)
	}
	if s.owners[o] == nil {
		s.owners[o] = newHolds(s.cfg.Nodes)
	}
	return s.owners[o]
}

// lifters are the owners whose faults an undo by o lifts: o's own, or
// everyone's for the learner and the simulator.
func (s *Sim) lifters(o Owner) []*holds {
	if o == OwnerLearner || o == OwnerSim {
		var out []*holds
		for _, h := range s.owners {
			if h != nil {
				out = append(out, h)
			}
		}
		return out
	}
	return []*holds{s.hold(o)}
}

// recut recomputes the links cut: the union of every owner's cuts.
func (s *Sim) recut() {
	clear(s.net.blocked)
	for _, h := range s.owners {
		if h == nil || h.cut == nil {
			continue
		}
		for k, b := range h.cut {
			s.net.blocked[k] = s.net.blocked[k] || b
		}
	}
}

// renet recomputes loss, duplication and delay: the strongest any owner asks.
func (s *Sim) renet() {
	s.net.lossP, s.net.dupP, s.net.delayNs = 0, 0, 0
	for _, h := range s.owners {
		if h != nil {
			s.net.lossP = max(s.net.lossP, h.lossP)
			s.net.dupP = max(s.net.dupP, h.dupP)
			s.net.delayNs = max(s.net.delayNs, h.delayNs)
		}
	}
}

// settle brings node i to what its owners hold: down if any holds it
// crashed, paused if any holds it paused. A crash kills a paused process,
// so it ends every owner's pause of the node.
func (s *Sim) settle(i int) {
	n := &s.nodes[i]
	down, paused := false, false
	for _, h := range s.owners {
		if h != nil {
			down = down || h.crashed[i] >= 0
			paused = paused || h.paused[i] >= 0
		}
	}
	switch {
	case down && n.up:
		s.crash(i)
		for _, h := range s.owners {
			if h != nil {
				h.paused[i] = -1
			}
		}
		return
	case !down && !n.up:
		s.startNode(i)
	}
	switch {
	case paused && n.up && !n.paused:
		n.paused = true
	case !paused && n.paused:
		s.resume(i)
	}
}

// skewNs is node i's clock offset now: the sum of its owners'.
func (s *Sim) skewNs(i int) int64 {
	var t int64
	for _, h := range s.owners {
		if h != nil && h.clock[i].from >= 0 {
			t += h.clock[i].at(s.now)
		}
	}
	return t
}

func (s *Sim) crashedCount() int {
	k := 0
	for i := range s.nodes {
		if !s.nodes[i].up {
			k++
		}
	}
	return k
}

// ActiveFault is a fault in force now: what an owner still holds.
type ActiveFault struct {
	Owner Owner
	Since AppliedFault // the fault that started it
	Kind  FaultKind    // partition, crash, pause, clock-skew (any clock fault), net-loss, net-duplicate, net-delay
	Nodes []string     // the nodes it holds (none for network faults)
}

// Active lists the faults in force now, owner by owner, in the order they
// began within each owner.
func (s *Sim) Active() []ActiveFault {
	var out []ActiveFault
	for o, h := range s.owners {
		if h == nil {
			continue
		}
		owner := Owner(o)
		var mine []ActiveFault
		add := func(from int, kind FaultKind, node string) {
			for k := range mine {
				if mine[k].Since.Index == from && mine[k].Kind == kind {
					if node != "" {
						mine[k].Nodes = append(mine[k].Nodes, node)
					}
					return
				}
			}
			a := ActiveFault{Owner: owner, Since: s.applied[from], Kind: kind}
			if node != "" {
				a.Nodes = []string{node}
			}
			mine = append(mine, a)
		}
		if h.cut != nil {
			add(h.cutFrom, FaultPartition, "")
		}
		for k, kind := range []FaultKind{FaultLoss, FaultDuplicate, FaultDelay} {
			if h.netFrom[k] >= 0 {
				add(h.netFrom[k], kind, "")
			}
		}
		for i, id := range s.nodeIDs {
			if h.crashed[i] >= 0 {
				add(h.crashed[i], FaultCrash, id)
			}
			if h.paused[i] >= 0 {
				add(h.paused[i], FaultPause, id)
			}
			if h.clock[i].from >= 0 {
				add(h.clock[i].from, FaultClockSkew, id)
			}
		}
		slices.SortStableFunc(mine, func(a, b ActiveFault) int { return a.Since.Index - b.Since.Index })
		out = append(out, mine...)
	}
	return out
}
