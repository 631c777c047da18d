// Package sim is faultline's deterministic discrete-event simulator: virtual
// time, an event queue, a network that is data, nodes as pure state
// machines, clients that record a Jepsen history, and a nemesis.
//
// One seed, one configuration and one fault schedule give one history and
// one trace, byte for byte: there is no goroutine, wall clock or map-order
// dependence inside a run.
package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/faultline-lab/faultline/history"
)

// Sim is one run of a cluster.
type Sim struct {
	cfg     Config
	seed    uint64
	factory NodeFactory
	gen     Generator

	now   int64
	seq   int64
	steps int64
	queue eventQueue

	nodeIDs   []string
	clientIDs []string
	peers     [][]string
	nodes     []nodeState
	net       network
	flight    inflight

	clients []clientState
	phase   phase
	issued  int
	finals  []Request
	nextFin int

	netRNG, nemesisRNG, workloadRNG, clientRNG *rand.Rand

	schedule  Schedule
	scheduled []Fault  // the schedule's timed faults (not live)
	owners    []*holds // what each Owner holds in force
	mix       []mixStream
	mixCfg    Mix
	live      liveFaults
	applied   []AppliedFault
	nextMsg   int64
	nextReq   int64
	nextTmr   TimerID
	canceled  []uint64 // bit per timer id: canceled (a timer fires unless canceled or its node restarted)

	hist     history.History
	traceLog []TraceEvent
	err      error
	// answeredBy: a completion's history index → the node whose reply it
	// was, when that is not the node the client asked (a request passed
	// on: the serving node answers the client itself).
	answeredBy map[int64]string
}

type phase uint8

const (
	phaseMain phase = iota
	phaseHealing
	phaseFinal
	phaseDone
)

type nodeState struct {
	node   Node
	env    *Env
	up     bool
	paused bool
	epoch  int64
	held   []int32 // events (deliveries, timers) waiting for a paused node
}

type clientState struct { // client k's id is clientIDs[k]
	process  int64
	busy     bool
	opSeq    int64
	req      Request
	node     string
	msgID    int64
	reqID    int64
	tries    int
	target   int // sticky or leader-hinted node; -1 none
	invokeAt int64
}

// New builds a run. The generator must be fresh (not shared with another run).
func New(seed uint64, cfg Config, schedule Schedule, factory NodeFactory, gen Generator) (*Sim, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withBounds()
	s := &Sim{cfg: cfg, seed: seed, factory: factory, gen: gen}
	s.nodeIDs = NodeNames(cfg.Nodes)
	if err := schedule.Validate(s.nodeIDs); err != nil {
		return nil, err
	}
	s.schedule = schedule
	for i := range s.nodeIDs {
		var p []string
		for j, id := range s.nodeIDs {
			if j != i {
				p = append(p, id)
			}
		}
		s.peers = append(s.peers, p)
	}
	// One root PRNG, split per component in a fixed order.
	root := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	split := func() *rand.Rand { return rand.New(rand.NewPCG(root.Uint64(), root.Uint64())) }
	s.netRNG, s.nemesisRNG, s.workloadRNG, s.clientRNG = split(), split(), split(), split()
	s.net = newNetwork(cfg.Nodes)
	s.nodes = make([]nodeState, cfg.Nodes)
	for i, id := range s.nodeIDs {
		s.nodes[i].env = NewEnv(simPort{s, i}, id, s.nodeIDs, split(), NewDisk())
	}
	for k := 0; k < cfg.Clients; k++ {
		id := fmt.Sprintf("c%d", k+1)
		s.clientIDs = append(s.clientIDs, id)
		s.clients = append(s.clients, clientState{process: int64(k), target: -1})
	}
	s.flight = newInflight(cfg.Nodes + cfg.Clients)
	s.hist = make(history.History, 0, min(2*(cfg.Ops+cfg.Clients)+64, 1<<14))
	s.hold(OwnerSim) // owners 0–2 always exist, so Active and lifters see them
	for _, f := range schedule.Faults {
		if f.Live {
			s.live.add(f)
			continue
		}
		s.push(f.At, event{kind: evFault, who: len(s.scheduled)})
		s.scheduled = append(s.scheduled, f)
	}
	for i := range s.nodes {
		s.startNode(i)
	}
	for k := range s.clients {
		s.push(s.think(), event{kind: evClientWake, who: k})
	}
	if schedule.Mix != nil {
		s.startMix(*schedule.Mix)
	}
	if cfg.Ops == 0 {
		s.finals = gen.Final()
	}
	return s, nil
}

func (s *Sim) push(at int64, e event) {
	s.seq++
	s.queue.pushID(at, s.seq, s.queue.store(e))
}

// requeue queues a stored event again (a held one, on resume).
func (s *Sim) requeue(id int32, at int64) {
	s.seq++
	s.queue.pushID(at, s.seq, id)
}

// Now is the virtual time in nanoseconds.
func (s *Sim) Now() int64 { return s.now }

// Steps is the number of events processed so far.
func (s *Sim) Steps() int64 { return s.steps }

// Done reports whether every client operation, final ones included, has completed.
func (s *Sim) Done() bool { return s.phase == phaseDone || s.err != nil }

// Err is the error that stopped the run, if a bound was exceeded.
func (s *Sim) Err() error { return s.err }

// History is the history so far. Callers must not modify it.
func (s *Sim) History() history.History { return s.hist }

// AnsweredBy is the node whose reply completed the operation recorded at
// index, when that is not the node the client asked (its record's Node):
// a gateway, worker or backup passed the request on, and the node that
// served it answered the client. "" when the node asked answered, or no
// reply completed it (a timeout).
func (s *Sim) AnsweredBy(index int64) string { return s.answeredBy[index] }

// Trace is the trace so far (empty unless Config.Trace).
func (s *Sim) Trace() []TraceEvent { return s.traceLog }

// Applied lists every fault that happened, resolved to nodes.
func (s *Sim) Applied() []AppliedFault { return s.applied }

// Config is the run's configuration, bounds filled in.
func (s *Sim) Config() Config { return s.cfg }

// Seed is the run's seed.
func (s *Sim) Seed() uint64 { return s.seed }

// NodeIDs are the nodes' ids in order.
func (s *Sim) NodeIDs() []string { return s.nodeIDs }

// NextTime is the time of the next event, or false when none is queued.
func (s *Sim) NextTime() (int64, bool) {
	if s.queue.len() == 0 {
		return 0, false
	}
	return s.queue.heap[0].at, true
}

// ErrBound is wrapped by the error of a run that exceeded a bound.
var ErrBound = errors.New("simulation bound exceeded")

// Step processes one event. It returns false when the run is done.
func (s *Sim) Step() bool {
	if s.Done() {
		return false
	}
	s.applyLive(-1)
	if s.Done() {
		return false
	}
	if s.queue.len() == 0 {
		s.err = fmt.Errorf("%w: the event queue ran dry at %d ns before the clients finished", ErrBound, s.now)
		return false
	}
	if s.steps >= s.cfg.MaxEvents {
		s.err = fmt.Errorf("%w: more than %d events (max_events)", ErrBound, s.cfg.MaxEvents)
		return false
	}
	top := s.queue.pop()
	if top.at < s.now {
		panic(fmt.Sprintf("sim: time went backwards: event at %d, now %d", top.at, s.now)) // simulator invariant
	}
	if top.at > s.cfg.MaxTimeNs {
		s.queue.release(top.id)
		s.err = fmt.Errorf("%w: virtual time passed %d ns (max_time_ns)", ErrBound, s.cfg.MaxTimeNs)
		return false
	}
	s.now = top.at
	s.steps++
	s.dispatchSafely(top)
	return !s.Done()
}

// dispatchSafely turns a panic in a node (a toy database's own bug) into the
// run's error, so it reaches the user as a message naming the event.
func (s *Sim) dispatchSafely(top slot) {
	defer func() {
		if r := recover(); r != nil {
			s.err = fmt.Errorf("event %d at %s: %v", s.steps, FormatDuration(s.now), r)
		}
	}()
	s.dispatch(top)
}

// Run steps until the clients are done or a bound is hit.
func (s *Sim) Run() error {
	for s.Step() {
	}
	return s.err
}

// RunUntil steps until virtual time t is reached (events at t included).
func (s *Sim) RunUntil(t int64) {
	for !s.Done() {
		next, ok := s.NextTime()
		if !ok || next > t {
			if t > s.now {
				s.now = min(t, s.cfg.MaxTimeNs)
			}
			return
		}
		s.Step()
	}
}

// dispatch handles one event; the event's place in the slab is freed
// unless a paused node holds it.
func (s *Sim) dispatch(top slot) {
	e := s.queue.data[top.id]
	kept := false
	defer func() {
		if !kept {
			s.queue.release(top.id)
		}
	}()
	switch e.kind {
	case evDeliver:
		kept = s.deliver(e, top.id)
	case evTimer:
		kept = s.fireTimer(e, top.id)
	case evFault:
		s.scheduledFault(e.who, top.at)
	case evMix:
		s.mixFire(e.who)
	case evClientWake:
		s.clientWake(e.who)
	case evClientTimeout:
		s.clientTimeout(e.who, e.n)
	case evFinalStart:
		s.phase = phaseFinal
		s.finals = s.gen.Final()
		for k := range s.clients {
			s.clientWake(k)
		}
		s.checkDone()
	}
}

// traceDoubleMax is the trace length (6 MiB of events) up to which the
// trace at least doubles as it grows (slices.Grow rounds up to a size
// class, so a step is ×2 to ×3): append grows a slice of more than 256 by
// a quarter, which allocates and copies a trace of a few thousand events
// over and over. Past it the trace grows by append's quarter, which leaves
// less unused (BenchmarkRetainedBytesPerOp).
const traceDoubleMax = 1 << 16

func (s *Sim) trace(t TraceEvent) {
	t.Step, t.Time = s.steps, s.now
	if n := len(s.traceLog); n == cap(s.traceLog) && n < traceDoubleMax {
		s.traceLog = slices.Grow(s.traceLog, max(n, 256))
	}
	s.traceLog = append(s.traceLog, t)
}

func (s *Sim) record(o history.Op) {
	o.Index = int64(len(s.hist))
	o.Time = s.now
	s.hist = append(s.hist, o)
}

func (s *Sim) uniform(r *rand.Rand, lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + r.Int64N(hi-lo+1)
}

func (s *Sim) think() int64 {
	return s.now + s.uniform(s.clientRNG, s.cfg.ThinkMinNs, s.cfg.ThinkMaxNs)
}

// --- nodes ---

func (s *Sim) startNode(i int) {
	n := &s.nodes[i]
	n.node = s.factory(n.env.id)
	n.up, n.paused = true, false
	n.node.Start(n.env)
}

func (s *Sim) setTimer(i int, delayNs int64, tag any) TimerID {
	if delayNs < 0 {
		delayNs = 0
	}
	s.nextTmr++
	id := s.nextTmr
	s.push(s.now+min(delayNs, MaxDurationNs), event{kind: evTimer, who: i, n: s.nodes[i].epoch, timer: id, tag: tag})
	return id
}

func (s *Sim) cancelTimer(id TimerID) {
	if id <= 0 || id > s.nextTmr {
		return
	}
	w := int(id / 64)
	for len(s.canceled) <= w {
		s.canceled = append(s.canceled, 0)
	}
	s.canceled[w] |= 1 << (id % 64)
}

func (s *Sim) timerCanceled(id TimerID) bool {
	w := int(id / 64)
	return w < len(s.canceled) && s.canceled[w]&(1<<(id%64)) != 0
}

// fireTimer runs a node's timer; it reports whether a paused node holds it.
func (s *Sim) fireTimer(e event, id int32) bool {
	n := &s.nodes[e.who]
	if s.timerCanceled(e.timer) || e.n != n.epoch || !n.up {
		return false
	}
	if n.paused {
		n.held = append(n.held, id)
		return true
	}
	if s.cfg.Trace {
		s.trace(TraceEvent{Kind: TraceTimer, Src: n.env.id, Detail: fmt.Sprint(e.tag)})
	}
	n.node.Timer(n.env, e.tag)
	return false
}

func (s *Sim) localClock(i int) int64 { return s.now + s.skewNs(i) }

// --- messages ---

func (s *Sim) isNode(id string) (int, bool) {
	i, ok := s.position(id)
	return i, ok && i < s.cfg.Nodes
}

// position finds the node or client named id: nodes first (n1 is 0), then
// clients (c1 is cfg.Nodes). An id is a letter and a number, so the number
// gives the place; checking the name there rejects "n01" and the like.
// This runs on every send, where a map cost a string hash.
func (s *Sim) position(id string) (int, bool) {
	if len(id) < 2 || len(id) > 10 { // longer would overflow k; no id is
		return 0, false
	}
	k := 0
	for _, c := range []byte(id[1:]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		k = 10*k + int(c-'0')
	}
	switch {
	case k < 1:
		return 0, false
	case id[0] == 'n' && k <= len(s.nodeIDs) && s.nodeIDs[k-1] == id:
		return k - 1, true
	case id[0] == 'c' && k <= len(s.clientIDs) && s.clientIDs[k-1] == id:
		return len(s.nodeIDs) + k - 1, true
	}
	return 0, false
}

// endID is the id of the node or client at position i (nodes first, as
// position has them).
func (s *Sim) endID(i int) string {
	if i < s.cfg.Nodes {
		return s.nodeIDs[i]
	}
	return s.clientIDs[i-s.cfg.Nodes]
}

// send sends body from the node or client at position si to dest.
func (s *Sim) send(si int, dest string, body Body) {
	src := s.endID(si)
	di, ok := s.position(dest)
	if !ok {
		panic(fmt.Sprintf("sim: %s sent %s to unknown destination %q", src, body.Type(), dest)) // a toy database bug; caught in its tests
	}
	s.nextMsg++
	m := Message{ID: s.nextMsg, Src: src, Dest: dest, Body: body}
	if s.cfg.Trace {
		s.trace(TraceEvent{Kind: TraceSend, Src: src, Dest: dest, MsgID: m.ID, Body: body})
	}
	latency := s.uniform(s.netRNG, s.cfg.LatencyMinNs, s.cfg.LatencyMaxNs)
	if si < s.cfg.Nodes && di < s.cfg.Nodes {
		// Network faults act between database nodes only, as Jepsen's do.
		if s.net.lossP > 0 && s.netRNG.Float64() < s.net.lossP {
			s.dropTrace(m, "lost")
			return
		}
		if s.net.delayNs > 0 {
			latency += s.uniform(s.netRNG, 0, s.net.delayNs)
		}
		if s.net.dupP > 0 && s.netRNG.Float64() < s.net.dupP {
			extra := s.uniform(s.netRNG, s.cfg.LatencyMinNs, s.cfg.LatencyMaxNs+s.net.delayNs)
			if s.cfg.Trace {
				s.trace(TraceEvent{Kind: TraceDuplicate, Src: src, Dest: dest, MsgID: m.ID, Body: body})
			}
			s.flight.add(si, di, 1)
			s.push(s.now+extra, event{kind: evDeliver, msg: m, who: di, n: int64(si)})
		}
	}
	s.flight.add(si, di, 1)
	s.push(s.now+latency, event{kind: evDeliver, msg: m, who: di, n: int64(si)})
}

func (s *Sim) dropTrace(m Message, why string) {
	if s.cfg.Trace {
		s.trace(TraceEvent{Kind: TraceDrop, Src: m.Src, Dest: m.Dest, MsgID: m.ID, Body: m.Body, Detail: why})
	}
}

// forget drops an event a crashed node held: a message that will never
// arrive leaves the in-flight counts.
func (s *Sim) forget(id int32) {
	if e := s.queue.data[id]; e.kind == evDeliver {
		s.flight.add(int(e.n), e.who, -1)
	}
	s.queue.release(id)
}

// deliver hands a message to its destination; it reports whether a paused
// node holds it.
func (s *Sim) deliver(e event, id int32) bool {
	m := e.msg
	si, di := int(e.n), e.who
	if di >= s.cfg.Nodes {
		s.flight.add(si, di, -1)
		s.clientReceive(di-s.cfg.Nodes, m)
		return false
	}
	if si < s.cfg.Nodes && s.net.cut(si, di) {
		s.flight.add(si, di, -1)
		s.dropTrace(m, "partitioned")
		return false
	}
	n := &s.nodes[di]
	if !n.up {
		s.flight.add(si, di, -1)
		s.dropTrace(m, m.Dest+" is down")
		return false
	}
	if n.paused {
		if s.cfg.Trace {
			s.trace(TraceEvent{Kind: TraceHold, Src: m.Src, Dest: m.Dest, MsgID: m.ID, Body: m.Body, Detail: m.Dest + " is paused"})
		}
		n.held = append(n.held, id)
		return true
	}
	s.flight.add(si, di, -1)
	if s.cfg.Trace {
		s.trace(TraceEvent{Kind: TraceDeliver, Src: m.Src, Dest: m.Dest, MsgID: m.ID, Body: m.Body})
	}
	n.node.Handle(n.env, m)
	return false
}
