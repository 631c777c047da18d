package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// AppliedFault is a fault as it happened: resolved to concrete nodes.
type AppliedFault struct {
	Index int // its position in Applied
	Step  int64
	Time  int64
	Owner Owner
	Fault Fault // with Nodes and Groups filled in
	Desc  string
}

// scheduledFault applies a timed fault of the schedule's list and, for a
// cyclic schedule, queues its next occurrence. Faults stop once the main
// phase is over: the final operations run on a healed cluster.
func (s *Sim) scheduledFault(k int, at int64) {
	if s.phase != phaseMain {
		return
	}
	s.applyFault(s.scheduled[k], OwnerSchedule, s.nemesisRNG)
	if s.schedule.CycleNs > 0 {
		s.push(at+s.schedule.CycleNs, event{kind: evFault, who: k})
	}
}

func (s *Sim) anyFaultActive() bool {
	if s.net.partitioned() || s.net.lossP > 0 || s.net.dupP > 0 || s.net.delayNs > 0 {
		return true
	}
	for i := range s.nodes {
		n := &s.nodes[i]
		if !n.up || n.paused || s.skewNs(i) != 0 {
			return true
		}
	}
	for _, h := range s.owners {
		if h != nil {
			for i := range s.nodes {
				if h.clock[i].from >= 0 {
					return true
				}
			}
		}
	}
	return false
}

// roleOf is node i's role, checked: a role the simulator does not know
// stops the run, since role-targeted faults would silently miss it.
func (s *Sim) roleOf(i int) Role {
	st := s.nodes[i].node.Status()
	if !st.Role.Known() && s.err == nil {
		s.err = fmt.Errorf("%s reports role %q, which is not one of sim.Roles (%s): role-targeted faults cannot aim at it", s.nodeIDs[i], clip(string(st.Role)), roleNames())
	}
	return st.Role
}

// leaders are the up nodes whose status says they lead, highest term first.
func (s *Sim) leaders() []int {
	var out []int
	for i := range s.nodes {
		if s.nodes[i].up && s.roleOf(i).Leads() {
			out = append(out, i)
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		return s.nodes[out[a]].node.Status().Term > s.nodes[out[b]].node.Status().Term
	})
	return out
}

// targets resolves a fault's nodes: those named, or the rule in Target,
// among the eligible nodes. rng makes the random choices.
func (s *Sim) targets(f Fault, o Owner, rng *rand.Rand, eligible func(int) bool) []int {
	if len(f.Nodes) > 0 {
		var out []int
		for _, id := range f.Nodes {
			if i, ok := s.isNode(id); ok {
				out = append(out, i)
			}
		}
		return out
	}
	var pool []int
	for i := range s.nodes {
		if eligible(i) {
			pool = append(pool, i)
		}
	}
	if len(pool) == 0 {
		return nil
	}
	switch f.Target {
	case TargetAll:
		return pool
	case TargetLeader:
		for _, l := range s.leaders() {
			if eligible(l) {
				return []int{l}
			}
		}
	case TargetBridge:
		// The node joining the two halves of a bridge partition in force,
		// this owner's first (random when there is none, as for leader).
		if b, ok := s.bridgeNode(o); ok && eligible(b) {
			return []int{b}
		}
	case TargetMinority, TargetMajority:
		rng.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
		k := (s.cfg.Nodes - 1) / 2
		if f.Target == TargetMajority {
			k = s.cfg.Nodes/2 + 1
		}
		k = max(1, min(k, len(pool)))
		out := pool[:k]
		sort.Ints(out)
		return out
	default:
		// role:NAME — a random node whose status says it plays that role
		// (random among all when none does, as for leader).
		if role, ok := f.Target.Role(); ok {
			var with []int
			for _, i := range pool {
				if s.nodes[i].up && s.roleOf(i) == role {
					with = append(with, i)
				}
			}
			if len(with) > 0 {
				return []int{with[rng.IntN(len(with))]}
			}
		}
	}
	return []int{pool[rng.IntN(len(pool))]}
}

// bridgeNode is the bridge of a bridge partition in force, o's own first.
func (s *Sim) bridgeNode(o Owner) (int, bool) {
	order := []Owner{o}
	for k := range s.owners {
		if Owner(k) != o {
			order = append(order, Owner(k))
		}
	}
	for _, k := range order {
		if int(k) >= len(s.owners) || s.owners[k] == nil {
			continue
		}
		h := s.owners[k]
		if h.cut != nil && h.shape == ShapeBridge && len(h.groups) == 3 && len(h.groups[2]) == 1 {
			return s.isNode(h.groups[2][0])
		}
	}
	return 0, false
}

func (s *Sim) ids(is []int) []string {
	out := make([]string, len(is))
	for k, i := range is {
		out[k] = s.nodeIDs[i]
	}
	return out
}

// held reports whether any of hs holds node i in the slot sel picks.
func held(hs []*holds, i int, sel func(*holds) []int) bool {
	for _, h := range hs {
		if sel(h)[i] >= 0 {
			return true
		}
	}
	return false
}

func crashedOf(h *holds) []int { return h.crashed }
func pausedOf(h *holds) []int  { return h.paused }

// applyFault changes what owner o holds, brings the cluster to the
// composition of every owner's faults, and records the fault, resolved,
// in the history (as a nemesis info record), the trace and the applied
// list.
func (s *Sim) applyFault(f Fault, o Owner, rng *rand.Rand) AppliedFault {
	idx := len(s.applied)
	up := func(i int) bool { return s.nodes[i].up }
	var desc string
	var hit []int
	switch f.Kind {
	case FaultPartition:
		h := s.hold(o)
		desc = s.partition(&f, h, rng)
		h.cutFrom = idx
		s.recut()
	case FaultHeal:
		for _, h := range s.lifters(o) {
			h.cut, h.shape, h.groups, h.cutFrom = nil, "", nil, -1
		}
		s.recut()
		desc = "network healed"
	case FaultCrash:
		hit = s.targets(f, o, rng, up)
		h := s.hold(o)
		for _, i := range hit {
			if h.crashed[i] < 0 {
				h.crashed[i] = idx
			}
			s.settle(i)
		}
		desc = "crashed " + strings.Join(s.ids(hit), " ")
	case FaultRestart:
		lift := s.lifters(o)
		hit = s.targets(f, o, rng, func(i int) bool { return held(lift, i, crashedOf) })
		for _, i := range hit {
			for _, h := range lift {
				h.crashed[i] = -1
			}
			s.settle(i)
		}
		desc = "restarted " + strings.Join(s.ids(hit), " ")
	case FaultPause:
		hit = s.targets(f, o, rng, func(i int) bool { return s.nodes[i].up && !s.nodes[i].paused })
		h := s.hold(o)
		for _, i := range hit {
			if s.nodes[i].up && h.paused[i] < 0 {
				h.paused[i] = idx
			}
			s.settle(i)
		}
		desc = "paused " + strings.Join(s.ids(hit), " ")
	case FaultResume:
		lift := s.lifters(o)
		hit = s.targets(f, o, rng, func(i int) bool { return held(lift, i, pausedOf) })
		for _, i := range hit {
			for _, h := range lift {
				h.paused[i] = -1
			}
			s.settle(i)
		}
		desc = "resumed " + strings.Join(s.ids(hit), " ")
	case FaultClockSkew, FaultClockJump, FaultClockStrobe:
		hit = s.targets(f, o, rng, func(int) bool { return true })
		h := s.hold(o)
		for _, i := range hit {
			c := &h.clock[i]
			switch f.Kind {
			case FaultClockSkew:
				c.offsetNs = f.DeltaNs
			case FaultClockJump:
				c.offsetNs += f.DeltaNs
			case FaultClockStrobe:
				c.strobeNs, c.periodNs, c.strobeAt = f.DeltaNs, f.PeriodNs, s.now
			}
			switch {
			case c.offsetNs == 0 && (c.periodNs == 0 || c.strobeNs == 0):
				*c = clockHold{from: -1}
			case c.from < 0:
				c.from = idx
			}
		}
		desc = fmt.Sprintf("%s %s %s", f.Kind, strings.Join(s.ids(hit), " "), FormatDuration(f.DeltaNs))
	case FaultClockReset:
		for _, h := range s.lifters(o) {
			for i := range h.clock {
				if len(f.Nodes) == 0 || slices.Contains(f.Nodes, s.nodeIDs[i]) {
					h.clock[i] = clockHold{from: -1}
				}
			}
		}
		desc = "clocks reset"
	case FaultLoss, FaultDuplicate, FaultDelay:
		desc = s.netFault(f, s.hold(o), idx)
		s.renet()
	case FaultNetReset:
		for _, h := range s.lifters(o) {
			h.lossP, h.dupP, h.delayNs, h.netFrom = 0, 0, 0, [3]int{-1, -1, -1}
		}
		s.renet()
		desc = "network loss, duplication and delay off"
	case FaultHealAll:
		for k, h := range s.owners {
			if h != nil {
				s.owners[k] = newHolds(s.cfg.Nodes)
			}
		}
		s.recut()
		s.renet()
		for i := range s.nodes {
			s.settle(i)
		}
		desc = "healed everything"
	}
	if hit != nil {
		f.Nodes = s.ids(hit)
	}
	a := AppliedFault{Index: idx, Step: s.steps, Time: s.now, Owner: o, Fault: f, Desc: desc}
	s.applied = append(s.applied, a)
	s.record(history.Op{Process: history.Nemesis, Type: history.Info, F: historyName(f.Kind), Value: faultValue(f, desc)})
	if s.cfg.Trace {
		s.trace(TraceEvent{Kind: TraceFault, Src: "nemesis", Detail: desc})
	}
	return a
}

// netFault sets an owner's loss, duplication or delay.
func (s *Sim) netFault(f Fault, h *holds, idx int) string {
	var k int
	var on bool
	var desc string
	switch f.Kind {
	case FaultLoss:
		k, on, h.lossP = 0, f.Probability > 0, f.Probability
		desc = fmt.Sprintf("lose %.0f%% of messages", 100*f.Probability)
	case FaultDuplicate:
		k, on, h.dupP = 1, f.Probability > 0, f.Probability
		desc = fmt.Sprintf("duplicate %.0f%% of messages", 100*f.Probability)
	default:
		k, on, h.delayNs = 2, f.DelayNs > 0, f.DelayNs
		desc = "delay messages up to " + FormatDuration(f.DelayNs)
	}
	h.netFrom[k] = -1
	if on {
		h.netFrom[k] = idx
	}
	return desc
}

// historyName is the f of a nemesis record, in Jepsen's words.
func historyName(kind FaultKind) string {
	switch kind {
	case FaultPartition:
		return "start-partition"
	case FaultHeal:
		return "stop-partition"
	}
	return string(kind)
}

func faultValue(f Fault, desc string) any {
	v := map[string]any{"desc": desc}
	if len(f.Nodes) > 0 {
		nodes := make([]any, len(f.Nodes))
		for i, n := range f.Nodes {
			nodes[i] = n
		}
		v["nodes"] = nodes
	}
	if len(f.Groups) > 0 {
		gs := make([]any, len(f.Groups))
		for i, g := range f.Groups {
			ns := make([]any, len(g))
			for j, n := range g {
				ns[j] = n
			}
			gs[i] = ns
		}
		v["groups"] = gs
	}
	if f.DeltaNs != 0 {
		v["delta_ns"] = f.DeltaNs
	}
	return v
}

func (s *Sim) crash(i int) {
	n := &s.nodes[i]
	if !n.up {
		return
	}
	lost := n.env.disk.Crash()
	for _, e := range n.held {
		s.forget(e)
	}
	n.up, n.paused, n.held, n.node = false, false, nil, nil
	n.epoch++ // its timers die with it
	if s.cfg.Trace && lost > 0 {
		s.trace(TraceEvent{Kind: TraceLog, Src: n.env.id, Detail: fmt.Sprintf("crash lost %d unsynced disk writes", lost)})
	}
}

func (s *Sim) resume(i int) {
	n := &s.nodes[i]
	n.paused = false
	for _, e := range n.held {
		s.requeue(e, s.now) // in the order they arrived
	}
	n.held = nil
}
