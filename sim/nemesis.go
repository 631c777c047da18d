package sim

import (
	"fmt"
	"sort"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// scheduledFault applies a timed fault and, for a cyclic schedule, queues
// its next occurrence. Faults stop once the main phase is over: the final
// operations run on a healed cluster.
func (s *Sim) scheduledFault(f Fault) {
	if s.phase != phaseMain {
		return
	}
	s.applyFault(f)
	if s.schedule.CycleNs > 0 {
		next := f
		next.At = f.At + s.schedule.CycleNs
		s.push(event{at: next.At, kind: evFault, fault: next})
	}
}

// Inject applies a fault now, from outside the run (the TUI's keys), and
// records it with the current step so a replay applies it at the same point.
func (s *Sim) Inject(f Fault) (AppliedFault, error) {
	if err := f.Validate(s.nodeIDs); err != nil {
		return AppliedFault{}, err
	}
	if s.Done() {
		return AppliedFault{}, fmt.Errorf("the run is over")
	}
	f.Live, f.Step, f.At = true, s.steps, s.now
	s.schedule.Faults = append(s.schedule.Faults, f)
	s.live = append(s.live, f)
	s.liveNext = len(s.live)
	return s.applyFault(f), nil
}

// Schedule is the run's fault schedule: the scheduled faults and every live
// fault injected so far. Saving it in a scenario replays the run exactly.
func (s *Sim) Schedule() Schedule {
	out := s.schedule
	out.Faults = append([]Fault(nil), s.schedule.Faults...)
	return out
}

func (s *Sim) anyFaultActive() bool {
	if s.net.partitioned() || s.net.lossP > 0 || s.net.dupP > 0 || s.net.delayNs > 0 {
		return true
	}
	for i := range s.nodes {
		n := &s.nodes[i]
		if !n.up || n.paused || n.offsetNs != 0 || n.periodNs != 0 {
			return true
		}
	}
	return false
}

// leaders are the up nodes whose status says they lead, highest term first.
func (s *Sim) leaders() []int {
	var out []int
	for i := range s.nodes {
		n := &s.nodes[i]
		if !n.up {
			continue
		}
		switch n.node.Status().Role {
		case "leader", "primary":
			out = append(out, i)
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		return s.nodes[out[a]].node.Status().Term > s.nodes[out[b]].node.Status().Term
	})
	return out
}

// targets resolves a fault's nodes: those named, or the rule in Target,
// among the eligible nodes.
func (s *Sim) targets(f Fault, eligible func(int) bool) []int {
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
	case "all":
		return pool
	case "leader":
		for _, l := range s.leaders() {
			if eligible(l) {
				return []int{l}
			}
		}
	case "bridge":
		// The node joining the two halves of a bridge partition now in force
		// (random when there is none, as for leader).
		if s.net.shape == ShapeBridge && len(s.net.groups) == 3 && len(s.net.groups[2]) == 1 {
			if b, ok := s.isNode(s.net.groups[2][0]); ok && eligible(b) {
				return []int{b}
			}
		}
	case "minority", "majority":
		s.nemesisRNG.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
		k := (s.cfg.Nodes - 1) / 2
		if f.Target == "majority" {
			k = s.cfg.Nodes/2 + 1
		}
		k = max(1, min(k, len(pool)))
		out := pool[:k]
		sort.Ints(out)
		return out
	default:
		// role:NAME — a random node whose status says it plays that role
		// (random among all when none does, as for leader).
		if role, ok := strings.CutPrefix(f.Target, "role:"); ok {
			var with []int
			for _, i := range pool {
				if s.nodes[i].up && s.nodes[i].node.Status().Role == role {
					with = append(with, i)
				}
			}
			if len(with) > 0 {
				return []int{with[s.nemesisRNG.IntN(len(with))]}
			}
		}
	}
	return []int{pool[s.nemesisRNG.IntN(len(pool))]}
}

func (s *Sim) ids(is []int) []string {
	out := make([]string, len(is))
	for k, i := range is {
		out[k] = s.nodeIDs[i]
	}
	return out
}

// applyFault changes the world and records the fault, resolved, in the
// history (as a nemesis info record), the trace and the applied list.
func (s *Sim) applyFault(f Fault) AppliedFault {
	all := func(int) bool { return true }
	var desc string
	var hit []int
	switch f.Kind {
	case FaultPartition:
		desc = s.partition(&f)
	case FaultHeal:
		s.net.heal()
		desc = "network healed"
	case FaultCrash:
		hit = s.targets(f, func(i int) bool { return s.nodes[i].up })
		for _, i := range hit {
			s.crash(i)
		}
		desc = "crashed " + strings.Join(s.ids(hit), " ")
	case FaultRestart:
		hit = s.targets(f, func(i int) bool { return !s.nodes[i].up })
		for _, i := range hit {
			if !s.nodes[i].up {
				s.startNode(i)
			}
		}
		desc = "restarted " + strings.Join(s.ids(hit), " ")
	case FaultPause:
		hit = s.targets(f, func(i int) bool { return s.nodes[i].up && !s.nodes[i].paused })
		for _, i := range hit {
			if s.nodes[i].up {
				s.nodes[i].paused = true
			}
		}
		desc = "paused " + strings.Join(s.ids(hit), " ")
	case FaultResume:
		hit = s.targets(f, func(i int) bool { return s.nodes[i].paused })
		for _, i := range hit {
			s.resume(i)
		}
		desc = "resumed " + strings.Join(s.ids(hit), " ")
	case FaultClockSkew, FaultClockJump, FaultClockStrobe:
		hit = s.targets(f, all)
		for _, i := range hit {
			n := &s.nodes[i]
			switch f.Kind {
			case FaultClockSkew:
				n.offsetNs = f.DeltaNs
			case FaultClockJump:
				n.offsetNs += f.DeltaNs
			case FaultClockStrobe:
				n.strobeNs, n.periodNs, n.strobeAt = f.DeltaNs, f.PeriodNs, s.now
			}
		}
		desc = fmt.Sprintf("%s %s %s", f.Kind, strings.Join(s.ids(hit), " "), FormatDuration(f.DeltaNs))
	case FaultClockReset:
		for i := range s.nodes {
			n := &s.nodes[i]
			n.offsetNs, n.strobeNs, n.periodNs = 0, 0, 0
		}
		desc = "clocks reset"
	case FaultLoss:
		s.net.lossP = f.Probability
		desc = fmt.Sprintf("lose %.0f%% of messages", 100*f.Probability)
	case FaultDuplicate:
		s.net.dupP = f.Probability
		desc = fmt.Sprintf("duplicate %.0f%% of messages", 100*f.Probability)
	case FaultDelay:
		s.net.delayNs = f.DelayNs
		desc = "delay messages up to " + FormatDuration(f.DelayNs)
	case FaultNetReset:
		s.net.lossP, s.net.dupP, s.net.delayNs = 0, 0, 0
		desc = "network loss, duplication and delay off"
	case FaultHealAll:
		s.net.heal()
		s.net.lossP, s.net.dupP, s.net.delayNs = 0, 0, 0
		for i := range s.nodes {
			n := &s.nodes[i]
			n.offsetNs, n.strobeNs, n.periodNs = 0, 0, 0
			if n.paused {
				s.resume(i)
			}
			if !n.up {
				s.startNode(i)
			}
		}
		desc = "healed everything"
	}
	if hit != nil {
		f.Nodes = s.ids(hit)
	}
	a := AppliedFault{Step: s.steps, Time: s.now, Fault: f, Desc: desc}
	s.applied = append(s.applied, a)
	s.record(history.Op{Process: history.Nemesis, Type: history.Info, F: historyName(f.Kind), Value: faultValue(f, desc)})
	if s.cfg.Trace {
		s.trace(TraceEvent{Kind: TraceFault, Src: "nemesis", Detail: desc})
	}
	return a
}

// historyName is the f of a nemesis record, in Jepsen's words.
func historyName(kind string) string {
	switch kind {
	case FaultPartition:
		return "start-partition"
	case FaultHeal:
		return "stop-partition"
	}
	return kind
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
		e.at = s.now
		s.push(e) // in the order they arrived
	}
	n.held = nil
}

// partition cuts links in the fault's shape and fills in its groups.
func (s *Sim) partition(f *Fault) string {
	n := s.cfg.Nodes
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	groupOf := make([]int, n)
	shape := f.Shape
	if shape == "" {
		shape = ShapeHalves
	}
	switch shape {
	case ShapeOne, ShapeLeader, ShapePrimary:
		var who []int
		if len(f.Nodes) > 0 {
			who = s.targets(*f, nil)
		} else if shape == ShapeOne {
			who = []int{s.nemesisRNG.IntN(n)}
		} else if ls := s.leaders(); len(ls) > 0 {
			who = ls[:1]
		} else {
			who = []int{s.nemesisRNG.IntN(n)}
		}
		for i := range groupOf {
			groupOf[i] = 1
		}
		groupOf[who[0]] = 0
		s.net.isolateGroups(groupOf)
		f.Groups = s.groupsFrom(groupOf, 2)
	case ShapeHalves:
		s.nemesisRNG.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
		for k, i := range order {
			if k < n/2 {
				groupOf[i] = 0
			} else {
				groupOf[i] = 1
			}
		}
		s.net.isolateGroups(groupOf)
		f.Groups = s.groupsFrom(groupOf, 2)
	case ShapeGroups:
		for i := range groupOf {
			groupOf[i] = -1
		}
		for g, members := range f.Groups {
			for _, id := range members {
				if i, ok := s.isNode(id); ok {
					groupOf[i] = g
				}
			}
		}
		s.net.isolateGroups(groupOf)
	case ShapeRing:
		s.nemesisRNG.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
		s.ring(order)
		f.Groups = nil
	case ShapeBridge:
		s.nemesisRNG.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
		bridge := order[0]
		rest := order[1:]
		for k, i := range rest {
			groupOf[i] = k % 2
		}
		s.net.isolateGroups(groupOf)
		for i := 0; i < n; i++ { // the bridge node hears and is heard by everyone
			s.net.blocked[bridge*n+i] = false
			s.net.blocked[i*n+bridge] = false
		}
		f.Groups = append(s.groupsFrom(groupOf, 2), []string{s.nodeIDs[bridge]})
		for g := range f.Groups[:2] {
			f.Groups[g] = removeID(f.Groups[g], s.nodeIDs[bridge])
		}
	}
	f.Shape = shape
	s.net.shape = shape
	s.net.groups = f.Groups
	return describePartition(shape, f.Groups)
}

// ring cuts links so that each node hears a majority, but no two nodes the
// same one (Jepsen's majorities-ring).
func (s *Sim) ring(order []int) {
	n := s.cfg.Nodes
	m := n/2 + 1 // a majority, counting the node itself
	pos := make([]int, n)
	for k, i := range order {
		pos[i] = k
	}
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			if a == b {
				s.net.blocked[a*n+b] = false
				continue
			}
			d := (pos[a] - pos[b] + n) % n // b is d steps behind a on the ring
			var hears bool
			if (m-1)%2 == 0 {
				k := (m - 1) / 2
				hears = d <= k || n-d <= k
			} else {
				hears = d >= 1 && d <= m-1
			}
			s.net.blocked[b*n+a] = !hears // a does not hear b
		}
	}
}

func removeID(ids []string, id string) []string {
	out := ids[:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

func (s *Sim) groupsFrom(groupOf []int, k int) [][]string {
	out := make([][]string, k)
	for i, g := range groupOf {
		if g >= 0 && g < k {
			out[g] = append(out[g], s.nodeIDs[i])
		}
	}
	return out
}

func describePartition(shape string, groups [][]string) string {
	var parts []string
	for _, g := range groups {
		parts = append(parts, "{"+strings.Join(g, " ")+"}")
	}
	switch shape {
	case ShapeRing:
		return "partition ring: each node hears a different majority"
	case ShapeBridge:
		return fmt.Sprintf("partition bridge: %s | %s, %s hears both", parts[0], parts[1], strings.Join(groups[2], ""))
	}
	return "partition " + strings.Join(parts, " | ")
}

// FormatDuration renders virtual nanoseconds briefly: 1.5s, 20ms, 300µs.
func FormatDuration(ns int64) string {
	sign := ""
	if ns < 0 {
		sign, ns = "-", -ns
	}
	switch {
	case ns >= 1_000_000_000:
		return sign + trimFloat(float64(ns)/1e9) + "s"
	case ns >= 1_000_000:
		return sign + trimFloat(float64(ns)/1e6) + "ms"
	case ns >= 1_000:
		return sign + trimFloat(float64(ns)/1e3) + "µs"
	}
	return fmt.Sprintf("%s%dns", sign, ns)
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
