package tui

import (
	"slices"
	"sort"
	"strings"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// opStatus is how an operation of the timeline ended, so far.
type opStatus uint8

const (
	opPending opStatus = iota // invoked, no completion (yet)
	opOK
	opFail
	opInfo
)

// tlOp is one operation on the timeline: its invocation and completion.
// It is small, so that 100,000 of them cost a few megabytes; its label is
// formatted from the history only when it is drawn.
type tlOp struct {
	start, end int64 // virtual ns; end is start while pending
	inv, comp  int32 // positions in the timeline's history; comp is -1 while pending
	status     opStatus
}

// tlLane is one process's operations, in time order (a process has one
// operation outstanding at a time, so starts and ends are both sorted).
type tlLane struct {
	proc history.Process
	ops  []int32 // indexes into timeline.ops
}

// timeline indexes a history as operations on lanes, and a run's faults
// as bands, for drawing. It grows as the run plays on: absorb reads only
// what is new.
type timeline struct {
	h      history.History // the history it indexes (the run's, or a witness)
	ops    []tlOp          // in invocation order
	lanes  []tlLane        // sorted by process
	laneOf map[history.Process]int
	open   map[history.Process]int32 // a process's pending operation
	seen   int                       // history records absorbed

	bands       []faultBand
	active      map[bandKey]int // a fault in force → the index of its band
	clocks      map[bandKey]clockBand
	appliedSeen int
	end         int64 // the latest moment known (the run's clock)
	// names says who an owner is (the run's Sim knows a mix's kinds);
	// nil: ownerWord.
	names func(sim.Owner) string
}

func (t *timeline) ownerName(o sim.Owner) string {
	if t.names != nil {
		return t.names(o)
	}
	return ownerWord(o)
}

// ownerWord is who made a fault, without the run at hand.
func ownerWord(o sim.Owner) string {
	switch o {
	case sim.OwnerLearner:
		return "learner"
	case sim.OwnerSchedule:
		return "schedule"
	case sim.OwnerSim:
		return "simulator"
	}
	return "mix"
}

// faultBand is a fault as an interval of time: from the moment it was
// applied to the moment it was healed (end -1 while it lasts).
type faultBand struct {
	start, end int64
	label      string // `partition {n1} | {n2 n3}`, `n2 paused`, `n3 clock +2s`
	node       string // the node it concerns; "" for the network
	kind       string // crash, pause, partition, clock, net
	owner      sim.Owner
	by         string // who started it: learner, schedule, simulator, mix partition
}

func newTimeline() *timeline {
	return &timeline{laneOf: map[history.Process]int{}, open: map[history.Process]int32{},
		active: map[bandKey]int{}, clocks: map[bandKey]clockBand{}}
}

// absorb indexes the records and faults that are new since the last call.
func (t *timeline) absorb(h history.History, applied []sim.AppliedFault, now int64) {
	t.h = h
	for i := t.seen; i < len(h); i++ {
		t.record(h[i], int32(i))
	}
	t.seen = len(h)
	for _, a := range applied[t.appliedSeen:] {
		t.fault(a)
	}
	t.appliedSeen = len(applied)
	t.end = max(t.end, now)
	if len(h) > 0 {
		t.end = max(t.end, h[len(h)-1].Time)
	}
}

func (t *timeline) record(o history.Op, pos int32) {
	if o.IsNemesis() {
		return
	}
	if o.Type == history.Invoke {
		li, ok := t.laneOf[o.Process]
		if !ok {
			li = t.addLane(o.Process)
		}
		id := int32(len(t.ops))
		t.ops = append(t.ops, tlOp{start: o.Time, end: o.Time, inv: pos, comp: -1})
		t.lanes[li].ops = append(t.lanes[li].ops, id)
		t.open[o.Process] = id
		return
	}
	id, ok := t.open[o.Process]
	if !ok {
		return // a stray completion (Jepsen logs stray infos): nothing to end
	}
	delete(t.open, o.Process)
	op := &t.ops[id]
	op.end, op.comp = o.Time, pos
	switch o.Type {
	case history.OK:
		op.status = opOK
	case history.Fail:
		op.status = opFail
	default:
		op.status = opInfo
	}
}

// addLane inserts a lane keeping lanes sorted by process.
func (t *timeline) addLane(p history.Process) int {
	i := sort.Search(len(t.lanes), func(i int) bool { return t.lanes[i].proc > p })
	t.lanes = append(t.lanes, tlLane{})
	copy(t.lanes[i+1:], t.lanes[i:])
	t.lanes[i] = tlLane{proc: p}
	for j := i; j < len(t.lanes); j++ {
		t.laneOf[t.lanes[j].proc] = j
	}
	return i
}

// opEnd is where an operation's bar ends: its completion, or the latest
// moment for one still pending.
func (t *timeline) opEnd(o tlOp) int64 {
	if o.status == opPending {
		return max(o.start, t.end)
	}
	return o.end
}

// lane is the lane of an operation.
func (t *timeline) lane(id int32) int {
	if id < 0 || int(id) >= len(t.ops) {
		return 0
	}
	return t.laneOf[t.h[t.ops[id].inv].Process]
}

// byInvocation finds the operation whose invocation is history position
// pos (-1 when none).
func (t *timeline) byInvocation(pos int64) int32 {
	i := sort.Search(len(t.ops), func(i int) bool { return int64(t.ops[i].inv) >= pos })
	if i < len(t.ops) && int64(t.ops[i].inv) == pos {
		return int32(i)
	}
	return -1
}

// inLane returns the range [i, j) of a lane's operations that overlap
// [from, to].
func (t *timeline) inLane(li int, from, to int64) (int, int) {
	ops := t.lanes[li].ops
	i := sort.Search(len(ops), func(k int) bool { return t.opEnd(t.ops[ops[k]]) >= from })
	j := sort.Search(len(ops), func(k int) bool { return t.ops[ops[k]].start > to })
	return i, max(i, j)
}

// near is the operation of a lane at moment at: the one under it, else
// the last one before it, else the first one after.
func (t *timeline) near(li int, at int64) int32 {
	if li < 0 || li >= len(t.lanes) || len(t.lanes[li].ops) == 0 {
		return -1
	}
	ops := t.lanes[li].ops
	j := sort.Search(len(ops), func(k int) bool { return t.ops[ops[k]].start > at })
	if j == 0 {
		return ops[0]
	}
	return ops[j-1]
}

// --- faults as bands ---

// A band is keyed by its owner, kind and node: each owner's faults are its
// own (sim/owner.go), so a schedule's heal ends only the schedule's
// partition, while the learner's (and the simulator's) undo of a kind
// lifts it from every owner, and a heal-all lifts everything. Which faults
// are in force is checked against Sim.Active() in the tests.
type bandKey struct {
	owner sim.Owner
	kind  string // partition, crash, pause, clock, or a network fault kind
	node  string
}

// fault turns one applied fault into the bands it starts and ends. A
// fault lasts from its record until an undo that lifts it: its owner's,
// the learner's or the simulator's.
func (t *timeline) fault(a sim.AppliedFault) {
	f, o, at := a.Fault, a.Owner, a.Time
	band := func(label, node, kind string) faultBand {
		return faultBand{start: at, label: label, node: node, kind: kind, owner: o, by: t.ownerName(o)}
	}
	switch f.Kind {
	case sim.FaultPartition:
		t.stop(bandKey{o, "partition", ""}, at)
		t.begin(bandKey{o, "partition", ""}, band(a.Desc, "", "partition"))
	case sim.FaultHeal:
		t.lift(o, "partition", nil, at)
	case sim.FaultCrash:
		for _, n := range f.Nodes {
			if !t.down(n) {
				// A node going down forgets every owner's pause of it.
				t.lift(sim.OwnerSim, "pause", []string{n}, at)
			}
			if _, on := t.active[bandKey{o, "crash", n}]; !on {
				t.begin(bandKey{o, "crash", n}, band(n+" crashed", n, "crash"))
			}
		}
	case sim.FaultRestart:
		if len(f.Nodes) > 0 { // none: nothing was restarted
			t.lift(o, "crash", f.Nodes, at)
		}
	case sim.FaultPause:
		for _, n := range f.Nodes {
			if _, on := t.active[bandKey{o, "pause", n}]; !on {
				t.begin(bandKey{o, "pause", n}, band(n+" paused", n, "pause"))
			}
		}
	case sim.FaultResume:
		if len(f.Nodes) > 0 {
			t.lift(o, "pause", f.Nodes, at)
		}
	case sim.FaultClockSkew, sim.FaultClockJump, sim.FaultClockStrobe:
		for _, n := range f.Nodes {
			k := bandKey{o, "clock", n}
			c := t.clocks[k]
			switch f.Kind {
			case sim.FaultClockSkew:
				c.offset = f.DeltaNs
			case sim.FaultClockJump:
				c.offset += f.DeltaNs
			default:
				c.strobe = f.DeltaNs
			}
			t.clocks[k] = c
			t.stop(k, at)
			if label := c.label(); label != "" {
				t.begin(k, band(n+" clock "+label, n, "clock"))
			}
		}
	case sim.FaultClockReset:
		var nodes []string // none named: every node's clock
		if len(f.Nodes) > 0 {
			nodes = f.Nodes
		}
		t.lift(o, "clock", nodes, at)
	case sim.FaultLoss, sim.FaultDuplicate, sim.FaultDelay:
		k := bandKey{o, string(f.Kind), ""}
		t.stop(k, at)
		if f.Probability > 0 || f.DelayNs > 0 {
			t.begin(k, band(a.Desc, "", "net"))
		}
	case sim.FaultNetReset:
		for _, kind := range []sim.FaultKind{sim.FaultLoss, sim.FaultDuplicate, sim.FaultDelay} {
			t.lift(o, string(kind), nil, at)
		}
	case sim.FaultHealAll:
		t.lift(sim.OwnerSim, "", nil, at)
	}
}

// down says whether any owner holds a node crashed.
func (t *timeline) down(node string) bool {
	for k := range t.active {
		if k.kind == "crash" && k.node == node {
			return true
		}
	}
	return false
}

// clockBand is an owner's fault on one node's clock: its offset and
// strobe, as sim holds them.
type clockBand struct{ offset, strobe int64 }

func (c clockBand) label() string {
	var parts []string
	if c.offset != 0 {
		parts = append(parts, skewLabel(c.offset))
	}
	if c.strobe != 0 {
		parts = append(parts, "strobe "+skewLabel(c.strobe))
	}
	return strings.Join(parts, ", ")
}

func (t *timeline) begin(k bandKey, b faultBand) {
	b.end = -1
	t.active[k] = len(t.bands)
	t.bands = append(t.bands, b)
}

func (t *timeline) stop(k bandKey, at int64) {
	if i, ok := t.active[k]; ok {
		t.bands[i].end = at
		delete(t.active, k)
	}
	if k.kind == "clock" {
		delete(t.clocks, k)
	}
}

// lift ends the bands an undo by o lifts: of kind ("" any) on nodes (nil
// any), o's own, or every owner's when o is the learner or the simulator.
func (t *timeline) lift(o sim.Owner, kind string, nodes []string, at int64) {
	everyone := o == sim.OwnerLearner || o == sim.OwnerSim
	var keys []bandKey
	for k := range t.active {
		if (everyone || k.owner == o) && (kind == "" || k.kind == kind) && (nodes == nil || slices.Contains(nodes, k.node)) {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		t.stop(k, at)
	}
	if kind == "" || kind == "clock" {
		for k := range t.clocks {
			if (everyone || k.owner == o) && (nodes == nil || slices.Contains(nodes, k.node)) {
				delete(t.clocks, k)
			}
		}
	}
}

// bandEnd is where a band ends: its heal, or the latest moment.
func (t *timeline) bandEnd(b faultBand) int64 {
	if b.end < 0 {
		return max(b.start, t.end)
	}
	return b.end
}

// bandsIn lists the bands overlapping [from, to], in start order.
func (t *timeline) bandsIn(from, to int64) []int {
	var out []int
	for i, b := range t.bands {
		if b.start > to {
			break
		}
		if t.bandEnd(b) >= from {
			out = append(out, i)
		}
	}
	return out
}

// nodeState says whether the fault bands had a node down or paused at a
// moment (for the message diagram's column lines).
func (t *timeline) nodeState(node string, at int64) (down, paused bool) {
	for _, b := range t.bands {
		if b.start > at {
			break
		}
		if b.node != node || t.bandEnd(b) < at || (b.end >= 0 && b.end == at) {
			continue
		}
		switch b.kind {
		case "crash":
			down = true
		case "pause":
			paused = true
		}
	}
	return down, paused
}

// invComp is an operation's invocation and completion records.
func (t *timeline) invComp(id int32) (history.Op, *history.Op, bool) {
	if id < 0 || int(id) >= len(t.ops) {
		return history.Op{}, nil, false
	}
	o := t.ops[id]
	inv := t.h[o.inv]
	if o.comp < 0 {
		return inv, nil, true
	}
	comp := t.h[o.comp]
	return inv, &comp, true
}
