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

	nodeIDs []string
	peers   [][]string
	index   map[string]int // node or client id → position (lookup only)
	nodes   []nodeState
	net     network

	clients []clientState
	phase   phase
	issued  int
	finals  []Request
	nextFin int

	netRNG, nemesisRNG, workloadRNG, clientRNG *rand.Rand

	schedule Schedule
	live     []Fault // live faults to replay, in step order
	liveNext int
	applied  []AppliedFault
	nextMsg  int64
	nextReq  int64
	nextTmr  TimerID
	timers   map[TimerID]struct{}

	hist     history.History
	traceLog []TraceEvent
	err      error
}

type phase uint8

const (
	phaseMain phase = iota
	phaseHealing
	phaseFinal
	phaseDone
)

type nodeState struct {
	node     Node
	env      *Env
	up       bool
	paused   bool
	epoch    int64
	held     []event
	offsetNs int64 // clock skew
	strobeNs int64 // strobe amplitude
	periodNs int64
	strobeAt int64
}

type clientState struct {
	id       string
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

// AppliedFault is a fault as it happened: resolved to concrete nodes.
type AppliedFault struct {
	Step  int64
	Time  int64
	Fault Fault // with Nodes and Groups filled in
	Desc  string
}

// New builds a run. The generator must be fresh (not shared with another run).
func New(seed uint64, cfg Config, schedule Schedule, factory NodeFactory, gen Generator) (*Sim, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withBounds()
	s := &Sim{cfg: cfg, seed: seed, factory: factory, gen: gen, index: map[string]int{}, timers: map[TimerID]struct{}{}}
	for i := 0; i < cfg.Nodes; i++ {
		id := fmt.Sprintf("n%d", i+1)
		s.nodeIDs = append(s.nodeIDs, id)
		s.index[id] = i
	}
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
		s.index[id] = cfg.Nodes + k
		s.clients = append(s.clients, clientState{id: id, process: int64(k), target: -1})
	}
	for _, f := range schedule.Faults {
		if f.Live {
			s.live = append(s.live, f)
		} else {
			s.push(event{at: f.At, kind: evFault, fault: f})
		}
	}
	for i := range s.nodes {
		s.startNode(i)
	}
	for k := range s.clients {
		s.push(event{at: s.think(), kind: evClientWake, who: k})
	}
	if cfg.Ops == 0 {
		s.finals = gen.Final()
	}
	return s, nil
}

func (s *Sim) push(e event) {
	s.seq++
	e.seq = s.seq
	s.queue.push(e)
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
	if len(s.queue) == 0 {
		return 0, false
	}
	return s.queue[0].at, true
}

// ErrBound is wrapped by the error of a run that exceeded a bound.
var ErrBound = errors.New("simulation bound exceeded")

// Step processes one event. It returns false when the run is done.
func (s *Sim) Step() bool {
	if s.Done() {
		return false
	}
	for s.liveNext < len(s.live) && s.live[s.liveNext].Step <= s.steps {
		// Live faults happened between events, maybe after playback moved
		// the clock on: replay them at the very same moment.
		s.now = max(s.now, s.live[s.liveNext].At)
		s.applyFault(s.live[s.liveNext])
		s.liveNext++
	}
	if len(s.queue) == 0 {
		s.err = fmt.Errorf("%w: the event queue ran dry at %d ns before the clients finished", ErrBound, s.now)
		return false
	}
	if s.steps >= s.cfg.MaxEvents {
		s.err = fmt.Errorf("%w: more than %d events (max_events)", ErrBound, s.cfg.MaxEvents)
		return false
	}
	e := s.queue.pop()
	if e.at < s.now {
		panic(fmt.Sprintf("sim: time went backwards: event at %d, now %d", e.at, s.now)) // simulator invariant
	}
	if e.at > s.cfg.MaxTimeNs {
		s.err = fmt.Errorf("%w: virtual time passed %d ns (max_time_ns)", ErrBound, s.cfg.MaxTimeNs)
		return false
	}
	s.now = e.at
	s.steps++
	s.dispatchSafely(e)
	return !s.Done()
}

// dispatchSafely turns a panic in a node (a toy database's own bug) into the
// run's error, so it reaches the user as a message naming the event.
func (s *Sim) dispatchSafely(e event) {
	defer func() {
		if r := recover(); r != nil {
			s.err = fmt.Errorf("event %d at %s: %v", s.steps, FormatDuration(s.now), r)
		}
	}()
	s.dispatch(e)
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

func (s *Sim) dispatch(e event) {
	switch e.kind {
	case evDeliver:
		s.deliver(e)
	case evTimer:
		s.fireTimer(e)
	case evFault:
		s.scheduledFault(e.fault)
	case evClientWake:
		s.clientWake(e.who)
	case evClientTimeout:
		s.clientTimeout(e.who, e.opSeq)
	case evFinalStart:
		s.phase = phaseFinal
		s.finals = s.gen.Final()
		for k := range s.clients {
			s.clientWake(k)
		}
		s.checkDone()
	}
}

func (s *Sim) trace(t TraceEvent) {
	t.Step, t.Time = s.steps, s.now
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
	s.timers[id] = struct{}{}
	s.push(event{at: s.now + delayNs, kind: evTimer, node: i, epoch: s.nodes[i].epoch, timer: id, tag: tag})
	return id
}

func (s *Sim) cancelTimer(id TimerID) { delete(s.timers, id) }

func (s *Sim) fireTimer(e event) {
	n := &s.nodes[e.node]
	if _, live := s.timers[e.timer]; !live || e.epoch != n.epoch || !n.up {
		delete(s.timers, e.timer)
		return
	}
	if n.paused {
		n.held = append(n.held, e)
		return
	}
	delete(s.timers, e.timer)
	if s.cfg.Trace {
		s.trace(TraceEvent{Kind: TraceTimer, Src: n.env.id, Detail: fmt.Sprint(e.tag)})
	}
	n.node.Timer(n.env, e.tag)
}

func (s *Sim) localClock(i int) int64 {
	n := &s.nodes[i]
	t := s.now + n.offsetNs
	if n.periodNs > 0 && ((s.now-n.strobeAt)/n.periodNs)%2 == 1 {
		t += n.strobeNs
	}
	return t
}

// --- messages ---

func (s *Sim) isNode(id string) (int, bool) {
	i, ok := s.index[id]
	return i, ok && i < s.cfg.Nodes
}

func (s *Sim) send(src, dest string, body Body) {
	if _, ok := s.index[dest]; !ok {
		panic(fmt.Sprintf("sim: %s sent %s to unknown destination %q", src, body.Type(), dest)) // a toy database bug; caught in its tests
	}
	s.nextMsg++
	m := Message{ID: s.nextMsg, Src: src, Dest: dest, Body: body}
	if s.cfg.Trace {
		s.trace(TraceEvent{Kind: TraceSend, Src: src, Dest: dest, MsgID: m.ID, Body: body})
	}
	latency := s.uniform(s.netRNG, s.cfg.LatencyMinNs, s.cfg.LatencyMaxNs)
	_, srcNode := s.isNode(src)
	_, destNode := s.isNode(dest)
	if srcNode && destNode {
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
			s.push(event{at: s.now + extra, kind: evDeliver, msg: m})
		}
	}
	s.push(event{at: s.now + latency, kind: evDeliver, msg: m})
}

func (s *Sim) dropTrace(m Message, why string) {
	if s.cfg.Trace {
		s.trace(TraceEvent{Kind: TraceDrop, Src: m.Src, Dest: m.Dest, MsgID: m.ID, Body: m.Body, Detail: why})
	}
}

func (s *Sim) deliver(e event) {
	m := e.msg
	di, toNode := s.isNode(m.Dest)
	if !toNode {
		s.clientReceive(s.index[m.Dest]-s.cfg.Nodes, m)
		return
	}
	if si, fromNode := s.isNode(m.Src); fromNode && s.net.cut(si, di) {
		s.dropTrace(m, "partitioned")
		return
	}
	n := &s.nodes[di]
	if !n.up {
		s.dropTrace(m, m.Dest+" is down")
		return
	}
	if n.paused {
		if s.cfg.Trace {
			s.trace(TraceEvent{Kind: TraceHold, Src: m.Src, Dest: m.Dest, MsgID: m.ID, Body: m.Body, Detail: m.Dest + " is paused"})
		}
		n.held = append(n.held, e)
		return
	}
	if s.cfg.Trace {
		s.trace(TraceEvent{Kind: TraceDeliver, Src: m.Src, Dest: m.Dest, MsgID: m.ID, Body: m.Body})
	}
	n.node.Handle(n.env, m)
}
