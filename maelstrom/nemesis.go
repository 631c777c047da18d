package maelstrom

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// nemesis applies the scheduled faults at their times (a cyclic schedule
// repeats) until the time limit or Stop.
func (r *Run) nemesis() {
	s := r.cfg.Faults
	var faults []sim.Fault
	for _, f := range s.Faults {
		if !f.Live {
			faults = append(faults, f)
		}
	}
	if len(faults) == 0 {
		return
	}
	sort.SliceStable(faults, func(i, j int) bool { return faults[i].At < faults[j].At })
	for cycle := int64(0); ; cycle++ {
		for _, f := range faults {
			at := time.Duration(cycle*s.CycleNs + f.At)
			if at >= r.cfg.TimeLimit {
				return
			}
			if !r.sleep(at-r.sinceWork(), true) {
				return
			}
			r.nemMu.Lock()
			r.apply(f)
			r.nemMu.Unlock()
		}
		if s.CycleNs <= 0 {
			return
		}
	}
}

// Inject applies a fault now (the workbench's keys). Clock faults are
// refused: faultline cannot change the clock a process reads.
func (r *Run) Inject(f sim.Fault) (sim.AppliedFault, error) {
	if err := foreignFault(f); err != nil {
		return sim.AppliedFault{}, err
	}
	if err := f.Validate(r.ids); err != nil {
		return sim.AppliedFault{}, err
	}
	r.nemMu.Lock()
	defer r.nemMu.Unlock()
	if r.ctx.Err() != nil || r.Phase() == PhaseDone {
		return sim.AppliedFault{}, fmt.Errorf("the run is over")
	}
	f.Live, f.At = true, r.now()
	r.live = append(r.live, f)
	return r.apply(f), nil
}

// Applied lists the faults applied so far, resolved to the nodes they hit.
func (r *Run) Applied() []sim.AppliedFault {
	r.nemMu.Lock()
	defer r.nemMu.Unlock()
	return append([]sim.AppliedFault(nil), r.applied...)
}

// Schedule is the run's fault schedule: the planned faults, and every
// live one injected so far, at the time it was.
func (r *Run) Schedule() sim.Schedule {
	r.nemMu.Lock()
	defer r.nemMu.Unlock()
	s := r.cfg.Faults
	s.Faults = append(append([]sim.Fault(nil), s.Faults...), r.live...)
	return s
}

// healAll undoes every fault still in force, before the final reads.
func (r *Run) healAll() {
	r.nemMu.Lock()
	defer r.nemMu.Unlock()
	faulty := r.net.faulty()
	for _, n := range r.nodes {
		n.mu.Lock()
		faulty = faulty || n.cur == nil || n.paused
		n.mu.Unlock()
	}
	if faulty {
		r.apply(sim.Fault{Kind: sim.FaultHealAll})
	}
}

func (r *Run) up(i int) bool {
	n := r.nodes[i]
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cur != nil
}

func (r *Run) paused(i int) bool {
	n := r.nodes[i]
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cur != nil && n.paused
}

// apply changes the world and records the fault, resolved, in the history
// (a nemesis info record), the events and the applied list. r.nemMu is held.
func (r *Run) apply(f sim.Fault) sim.AppliedFault {
	var desc string
	var hit []int
	note := ""
	switch f.Kind {
	case sim.FaultPartition:
		desc, note = r.partition(&f)
	case sim.FaultHeal:
		r.net.heal()
		desc = "network healed"
	case sim.FaultCrash:
		hit, note = r.targets(f, r.up)
		for _, i := range hit {
			r.crash(i)
		}
		desc = "crashed " + r.names(hit)
	case sim.FaultRestart:
		hit, note = r.targets(f, func(i int) bool { return !r.up(i) })
		for _, i := range hit {
			r.restart(i)
		}
		desc = "restarted " + r.names(hit)
	case sim.FaultPause:
		hit, note = r.targets(f, func(i int) bool { return r.up(i) && !r.paused(i) })
		for _, i := range hit {
			r.pause(i, true)
		}
		desc = "paused " + r.names(hit)
	case sim.FaultResume:
		hit, note = r.targets(f, r.paused)
		for _, i := range hit {
			r.pause(i, false)
		}
		desc = "resumed " + r.names(hit)
	case sim.FaultLoss:
		r.net.update(func(nw *network) { nw.lossP = f.Probability })
		desc = fmt.Sprintf("lose %.0f%% of messages between nodes", 100*f.Probability)
	case sim.FaultDuplicate:
		r.net.update(func(nw *network) { nw.dupP = f.Probability })
		desc = fmt.Sprintf("duplicate %.0f%% of messages between nodes", 100*f.Probability)
	case sim.FaultDelay:
		r.net.update(func(nw *network) { nw.delay = time.Duration(f.DelayNs) })
		desc = "delay messages between nodes by up to " + sim.FormatDuration(f.DelayNs)
	case sim.FaultNetReset:
		r.net.update(func(nw *network) { nw.lossP, nw.dupP, nw.delay = 0, 0, 0 })
		desc = "network loss, duplication and delay off"
	case sim.FaultHealAll:
		r.net.heal()
		r.net.update(func(nw *network) { nw.lossP, nw.dupP, nw.delay = 0, 0, 0 })
		for i := range r.nodes {
			if r.paused(i) {
				r.pause(i, false)
			}
			if !r.up(i) {
				r.restart(i)
			}
		}
		desc = "healed everything"
	}
	if hit != nil {
		f.Nodes = r.ids2(hit)
	}
	if note != "" {
		desc += " (" + note + ")"
	}
	a := sim.AppliedFault{Step: r.ev.step.Load(), Time: r.now(), Fault: f, Desc: desc}
	r.applied = append(r.applied, a)
	r.recordWith(history.Op{Process: history.Nemesis, Type: history.Info, F: nemesisF(f), Value: faultValue(f, desc)}, r.state)
	return a
}

// noLeader is said wherever a fault asks for the leader: faultline cannot
// see inside the learner's node.
const noLeader = "faultline cannot tell which of your nodes leads, so it chose one at random"

// partition cuts the network in the fault's shape.
func (r *Run) partition(f *sim.Fault) (desc, note string) {
	if f.Shape == "" {
		f.Shape = sim.ShapeHalves
	}
	shape := string(f.Shape)
	one := -1
	if len(f.Nodes) > 0 {
		one = r.index[f.Nodes[0]]
	} else {
		one = r.nemesisRNG.IntN(len(r.nodes))
		if shape == shapeLeader || shape == shapePrimary {
			note = noLeader
		}
	}
	f.Groups, desc = r.net.partition(shape, f.Groups, one, r.nemesisRNG)
	if shape == shapeHalves && len(f.Groups) == 2 && len(f.Groups[0]) == 0 {
		desc += " (one node: nothing to cut)"
	}
	return desc, note
}

// targets resolves a fault's nodes: those named, or its Target rule among
// the eligible nodes.
func (r *Run) targets(f sim.Fault, eligible func(int) bool) ([]int, string) {
	if len(f.Nodes) > 0 {
		var out []int
		for _, id := range f.Nodes {
			if i, ok := r.index[id]; ok && eligible(i) {
				out = append(out, i)
			}
		}
		return out, ""
	}
	var pool []int
	for i := range r.nodes {
		if eligible(i) {
			pool = append(pool, i)
		}
	}
	if len(pool) == 0 {
		return []int{}, ""
	}
	switch {
	case f.Target == "all":
		return pool, ""
	case f.Target == "minority" || f.Target == "majority":
		r.nemesisRNG.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
		k := (len(r.nodes) - 1) / 2
		if f.Target == "majority" {
			k = len(r.nodes)/2 + 1
		}
		out := pool[:max(1, min(k, len(pool)))]
		slices.Sort(out)
		return out, ""
	case f.Target == "bridge":
		r.net.mu.RLock()
		groups, shape := r.net.groups, r.net.shape
		r.net.mu.RUnlock()
		if shape == shapeBridge && len(groups) == 3 && len(groups[2]) == 1 {
			if b := r.index[groups[2][0]]; eligible(b) {
				return []int{b}, ""
			}
		}
	case f.Target == "leader" || strings.HasPrefix(string(f.Target), "role:"):
		return []int{pool[r.nemesisRNG.IntN(len(pool))]}, noLeader
	}
	return []int{pool[r.nemesisRNG.IntN(len(pool))]}, ""
}

func (r *Run) ids2(is []int) []string {
	out := make([]string, len(is))
	for k, i := range is {
		out[k] = r.ids[i]
	}
	return out
}

func (r *Run) names(is []int) string {
	if len(is) == 0 {
		return "no node (none was eligible)"
	}
	return strings.Join(r.ids2(is), " ")
}

// crash kills a node's process group: its memory is gone.
func (r *Run) crash(i int) {
	n := r.nodes[i]
	n.mu.Lock()
	p := n.cur
	n.cur, n.paused = nil, false
	n.mu.Unlock()
	if p != nil {
		p.kill()
	}
}

// restart starts a fresh process for a crashed node; its init_ok is
// awaited in the background (a node that does not answer ends the run).
func (r *Run) restart(i int) {
	p, err := r.nodes[i].start()
	if err != nil {
		r.fail(err)
		return
	}
	go func() {
		if err := p.waitInit(r.cfg.InitTimeout, r.ctx.Done()); err != nil {
			r.fail(err)
		}
	}()
}

// pause stops (SIGSTOP) or continues (SIGCONT) a node's process group:
// nothing is handled while it is stopped, and messages wait for it.
func (r *Run) pause(i int, stop bool) {
	n := r.nodes[i]
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cur == nil || n.paused == stop {
		return
	}
	n.paused = stop
	if stop {
		n.cur.signal(syscall.SIGSTOP)
	} else {
		n.cur.signal(syscall.SIGCONT)
	}
}

// nemesisF is a fault's f in the history, in Jepsen's words.
func nemesisF(f sim.Fault) string {
	switch f.Kind {
	case sim.FaultPartition:
		return "start-partition"
	case sim.FaultHeal:
		return "stop-partition"
	}
	return string(f.Kind)
}

func faultValue(f sim.Fault, desc string) any {
	v := map[string]any{"desc": desc}
	if len(f.Nodes) > 0 {
		v["nodes"] = anyStrings(f.Nodes)
	}
	if len(f.Groups) > 0 {
		gs := make([]any, len(f.Groups))
		for i, g := range f.Groups {
			gs[i] = anyStrings(g)
		}
		v["groups"] = gs
	}
	return v
}

func anyStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
