package tui

import (
	"sort"

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
	active      map[string]int // fault key → index of its band while active
	offsets     map[string]int64
	appliedSeen int
	end         int64 // the latest moment known (the run's clock)
}

// faultBand is a fault as an interval of time: from the moment it was
// applied to the moment it was healed (end -1 while it lasts).
type faultBand struct {
	start, end int64
	label      string // `partition {n1} | {n2 n3}`, `n2 paused`, `n3 clock +2s`
	node       string // the node it concerns; "" for the network
	kind       string // crash, pause, partition, clock, net
}

func newTimeline() *timeline {
	return &timeline{laneOf: map[history.Process]int{}, open: map[history.Process]int32{},
		active: map[string]int{}, offsets: map[string]int64{}}
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

// fault turns one applied fault into the bands it starts and ends. A
// fault lasts from its record until the matching heal, restart, resume,
// reset or heal-all.
func (t *timeline) fault(a sim.AppliedFault) {
	f := a.Fault
	at := a.Time
	switch f.Kind {
	case sim.FaultPartition:
		t.stop("partition", at)
		t.begin("partition", faultBand{start: at, label: a.Desc, kind: "partition"})
	case sim.FaultHeal:
		t.stop("partition", at)
	case sim.FaultCrash:
		for _, n := range f.Nodes {
			t.stop("pause:"+n, at)
			t.begin("crash:"+n, faultBand{start: at, label: n + " crashed", node: n, kind: "crash"})
		}
	case sim.FaultRestart:
		for _, n := range f.Nodes {
			t.stop("crash:"+n, at)
		}
	case sim.FaultPause:
		for _, n := range f.Nodes {
			t.begin("pause:"+n, faultBand{start: at, label: n + " paused", node: n, kind: "pause"})
		}
	case sim.FaultResume:
		for _, n := range f.Nodes {
			t.stop("pause:"+n, at)
		}
	case sim.FaultClockSkew, sim.FaultClockJump:
		for _, n := range f.Nodes {
			off := f.DeltaNs
			if f.Kind == sim.FaultClockJump {
				off += t.offsets[n]
			}
			t.offsets[n] = off
			t.stop("clock:"+n, at)
			if off != 0 {
				t.begin("clock:"+n, faultBand{start: at, label: n + " clock " + skewLabel(off), node: n, kind: "clock"})
			}
		}
	case sim.FaultClockStrobe:
		for _, n := range f.Nodes {
			t.stop("clock:"+n, at)
			if f.DeltaNs != 0 {
				t.begin("clock:"+n, faultBand{start: at, label: n + " clock strobe " + skewLabel(f.DeltaNs), node: n, kind: "clock"})
			}
		}
	case sim.FaultClockReset:
		t.stopPrefix("clock:", at)
		t.offsets = map[string]int64{}
	case sim.FaultLoss, sim.FaultDuplicate, sim.FaultDelay:
		t.stop(string(f.Kind), at)
		if f.Probability > 0 || f.DelayNs > 0 {
			t.begin(string(f.Kind), faultBand{start: at, label: a.Desc, kind: "net"})
		}
	case sim.FaultNetReset:
		t.stop(string(sim.FaultLoss), at)
		t.stop(string(sim.FaultDuplicate), at)
		t.stop(string(sim.FaultDelay), at)
	case sim.FaultHealAll:
		t.stopPrefix("", at)
		t.offsets = map[string]int64{}
	}
}

func (t *timeline) begin(key string, b faultBand) {
	b.end = -1
	t.active[key] = len(t.bands)
	t.bands = append(t.bands, b)
}

func (t *timeline) stop(key string, at int64) {
	if i, ok := t.active[key]; ok {
		t.bands[i].end = at
		delete(t.active, key)
	}
}

func (t *timeline) stopPrefix(prefix string, at int64) {
	for key := range t.active {
		if len(key) >= len(prefix) && key[:len(prefix)] == prefix {
			t.stop(key, at)
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
