package maelstrom

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// Run is one run of the learner's node: its processes, faultline's
// network between them, the clients, the nemesis and the history. The
// nodes run in real time: the seed fixes the operations the clients issue
// and the fault schedule, but not how the nodes' messages interleave, so
// two runs of one seed may differ.
//
// A run goes through its phases on its own once started: the workload
// for the time limit, with faults from the schedule (and any injected);
// then every fault healed, the recovery wait, and the final reads; then
// every process is stopped. Wait returns the outcome.
type Run struct {
	cfg   Config
	start time.Time
	ids   []string
	index map[string]int // node id → index

	nodes       []*node
	net         *network
	services    map[string]service
	clients     []*client
	clientIndex map[string]int
	free        chan *client
	setup       setup
	topology    map[string][]string
	wl          workload
	reaper      *reaper
	ev          events
	count       counters

	workloadRNG, nemesisRNG *rand.Rand

	ctx    context.Context
	cancel context.CancelFunc
	stop   chan struct{} // Stop: end the workload now
	stopMu sync.Once
	done   chan struct{}

	errMu sync.Mutex
	err   error

	histMu    sync.Mutex
	hist      history.History
	finalFrom int   // index of the first final operation's record; -1 before
	workStart int64 // when the workload began, in ns since the run began
	nemMu     sync.Mutex
	applied   []sim.AppliedFault
	live      []sim.Fault
	notes     []string
	badNoted  map[string]bool
	phase     string
	phaseMu   sync.Mutex
}

// Options are what a caller adds to a Config for one run.
type Options struct {
	// Events, when set, receives every event as it happens. The run never
	// waits for it: when it is full, events are dropped and counted
	// (Stats.EventsLost). Size it generously (a busy run sends tens of
	// thousands of events a second) and drain it in batches.
	Events chan<- Event
}

// Start starts the nodes, sends each its init (and, for broadcast, the
// topology), waits for every answer, and sets the workload and the
// nemesis going. A node that cannot start or does not answer is a
// *NodeError, and nothing is left running. Cancelling ctx aborts the run:
// every process is killed and Wait returns what was recorded.
func Start(ctx context.Context, cfg Config, opts Options) (*Run, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.LogDir == "" {
		return nil, fmt.Errorf("log dir: not set (each node's stderr is kept there)")
	}
	if err := os.MkdirAll(cfg.LogDir, 0o755); err != nil {
		return nil, fmt.Errorf("log dir: %w", err)
	}
	r := &Run{cfg: cfg, ids: NodeIDs(cfg.Nodes), index: map[string]int{}, clientIndex: map[string]int{},
		stop: make(chan struct{}), done: make(chan struct{}), finalFrom: -1, badNoted: map[string]bool{}, phase: PhaseStarting}
	r.ev.ch = opts.Events
	r.ev.now = r.now
	root := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x6d61656c7374726f))
	split := func() *rand.Rand { return rand.New(rand.NewPCG(root.Uint64(), root.Uint64())) }
	r.workloadRNG, r.nemesisRNG = split(), split()
	r.net = newNetwork(r.ids, split())
	r.services = newServices(split())
	r.wl = newWorkload(cfg.Workload)
	r.topology = Topology(cfg.Topology, r.ids)
	for i, id := range r.ids {
		r.index[id] = i
		r.nodes = append(r.nodes, &node{run: r, id: id, idx: i, logPath: filepath.Join(cfg.LogDir, id+".log")})
	}
	r.free = make(chan *client, cfg.Clients)
	for k := 0; k < cfg.Clients; k++ {
		c := &client{r: r, id: fmt.Sprintf("c%d", k+1), k: k, process: int64(k)}
		r.clients = append(r.clients, c)
		r.clientIndex[c.id] = k
		r.free <- c
	}
	r.ctx, r.cancel = context.WithCancel(ctx)
	if r.reaper, err = startReaper(); err != nil {
		return nil, err
	}
	r.start = time.Now()
	if err := r.boot(); err != nil {
		r.teardown()
		return nil, err
	}
	go r.drive()
	return r, nil
}

// boot starts every node and waits for their init_ok (and topology_ok).
func (r *Run) boot() error {
	for _, n := range r.nodes {
		if err := n.openLog(); err != nil {
			return err
		}
	}
	procs := make([]*proc, len(r.nodes))
	for i, n := range r.nodes {
		p, err := n.start()
		if err != nil {
			return err
		}
		procs[i] = p
	}
	deadline := time.Now().Add(r.cfg.InitTimeout)
	for _, p := range procs {
		if err := p.waitInit(time.Until(deadline), r.ctx.Done()); err != nil {
			return err
		}
		if err := r.failed(); err != nil {
			return err
		}
		if r.ctx.Err() != nil {
			return r.ctx.Err()
		}
		if r.cfg.Workload == "broadcast" {
			if err := p.waitTopology(time.Until(deadline), r.ctx.Done()); err != nil {
				return err
			}
		}
	}
	return r.failed()
}

// now is the time since the run began, in nanoseconds.
func (r *Run) now() int64 { return int64(time.Since(r.start)) }

// sinceWork is the time since the workload began: the time limit, the
// operations' schedule and the fault schedule count from there, after
// every node has answered init (however long an interpreter takes to
// start).
func (r *Run) sinceWork() time.Duration { return time.Duration(r.now() - r.workStart) }

// fail ends the run with the first node error.
func (r *Run) fail(err error) {
	r.errMu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.errMu.Unlock()
	r.cancel()
}

func (r *Run) failed() error {
	r.errMu.Lock()
	defer r.errMu.Unlock()
	return r.err
}

// record appends a record to the history, with its index and time.
func (r *Run) record(o history.Op) { r.recordWith(o, nil) }

// recordWith records o; its event carries the cluster's state (faults).
func (r *Run) recordWith(o history.Op, state func() *State) {
	r.histMu.Lock()
	o.Index, o.Time = int64(len(r.hist)), r.now()
	r.hist = append(r.hist, o)
	r.histMu.Unlock()
	if r.ev.on() {
		kind := sim.TraceComplete
		switch {
		case o.IsNemesis():
			kind = sim.TraceFault
		case o.Type == history.Invoke:
			kind = sim.TraceInvoke
		}
		detail := o.F + " " + history.Format(o.Value)
		if o.Error != "" {
			detail += " (" + o.Error + ")"
		}
		ev := Event{TraceEvent: sim.TraceEvent{Kind: kind, Src: o.Process.String(), Dest: o.Node, Detail: string(o.Type) + " " + detail}, Op: &o}
		if state != nil {
			ev.State = state()
		}
		r.ev.emit(ev)
	}
}

// noteBadReply says once per node and kind that a reply was malformed.
func (r *Run) noteBadReply(node, bad string, m *Message) {
	r.nemMu.Lock()
	defer r.nemMu.Unlock()
	if r.badNoted[node+bad] {
		return
	}
	r.badNoted[node+bad] = true
	r.notes = append(r.notes, fmt.Sprintf("%s sent a %s: %s (recorded as info)", node, bad, Clip(m.Raw, 120)))
}

// Phases of a run, as Phase reports them.
const (
	PhaseStarting = "starting" // starting the nodes, init
	PhaseWorkload = "workload" // clients and nemesis at work
	PhaseDraining = "draining" // waiting for the last operations
	PhaseRecovery = "recovery" // faults healed, waiting before the final reads
	PhaseFinal    = "final"    // the final reads
	PhaseDone     = "done"     // every process stopped
)

// Phase is where the run is now.
func (r *Run) Phase() string {
	r.phaseMu.Lock()
	defer r.phaseMu.Unlock()
	return r.phase
}

func (r *Run) setPhase(p string) {
	r.phaseMu.Lock()
	r.phase = p
	r.phaseMu.Unlock()
	if r.ev.on() {
		r.ev.emit(Event{TraceEvent: sim.TraceEvent{Kind: sim.TraceLog, Src: "faultline", Detail: "phase: " + p}})
	}
}

// drive runs the phases: workload and nemesis, drain, heal, recovery,
// final operations, teardown.
func (r *Run) drive() {
	defer close(r.done)
	defer r.teardown()
	r.workStart = r.now()
	r.setPhase(PhaseWorkload)
	nemDone := make(chan struct{})
	go func() { defer close(nemDone); r.nemesis() }()
	r.workload()
	<-nemDone
	if r.ctx.Err() != nil {
		return
	}
	r.setPhase(PhaseDraining)
	if !r.drain() {
		return
	}
	finals := r.wl.finals(len(r.nodes))
	if len(finals) == 0 {
		return
	}
	r.healAll()
	if !r.waitUp() {
		return
	}
	r.setPhase(PhaseRecovery)
	if !r.sleep(r.cfg.Recovery, false) {
		return
	}
	r.setPhase(PhaseFinal)
	r.histMu.Lock()
	r.finalFrom = len(r.hist)
	r.histMu.Unlock()
	for _, o := range finals {
		select {
		case c := <-r.free:
			c.invoke(o)
		case <-r.ctx.Done():
			return
		}
	}
	r.drain()
}

// workload issues the operations, staggered around the rate, until the
// time limit or Stop.
func (r *Run) workload() {
	if r.cfg.Rate == 0 {
		r.sleep(r.cfg.TimeLimit, true)
		return
	}
	mean := float64(time.Second) / r.cfg.Rate
	at := time.Duration(0)
	limit := time.NewTimer(r.cfg.TimeLimit - r.sinceWork())
	defer limit.Stop()
	for {
		at += time.Duration(r.workloadRNG.Float64() * 2 * mean) // Jepsen's stagger
		if at >= r.cfg.TimeLimit {
			r.sleep(r.cfg.TimeLimit-r.sinceWork(), true)
			return
		}
		o := r.wl.next(r.workloadRNG, len(r.nodes))
		if !r.sleep(at-r.sinceWork(), true) {
			return
		}
		select { // every client may be busy, waiting on a cut-off node
		case c := <-r.free:
			c.invoke(o)
		case <-limit.C:
			return
		case <-r.stop:
			return
		case <-r.ctx.Done():
			return
		}
	}
}

// sleep waits d; false when the run is aborted, or (if stoppable) stopped.
func (r *Run) sleep(d time.Duration, stoppable bool) bool {
	if d <= 0 {
		return r.ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	stop := r.stop
	if !stoppable {
		stop = nil
	}
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	case <-r.ctx.Done():
		return false
	}
}

// drain waits until every client is idle: each open operation completes
// or times out.
func (r *Run) drain() bool {
	for range r.clients {
		select {
		case c := <-r.free:
			defer func() { r.free <- c }()
		case <-r.ctx.Done():
			return false
		}
	}
	return true
}

// waitUp waits for every node restarted by the heal to answer init.
func (r *Run) waitUp() bool {
	for _, n := range r.nodes {
		n.mu.Lock()
		p := n.cur
		n.mu.Unlock()
		if p == nil {
			continue
		}
		if err := p.waitInit(r.cfg.InitTimeout, r.ctx.Done()); err != nil {
			r.fail(err)
			return false
		}
	}
	return r.ctx.Err() == nil
}

// Stop ends the workload now; the run goes on to heal, recover and read,
// as at its time limit.
func (r *Run) Stop() {
	r.stopMu.Do(func() { close(r.stop) })
}

// Done is closed when the run is over and every process has stopped.
func (r *Run) Done() <-chan struct{} { return r.done }

// teardown kills every process, flushes the logs and ends the reaper.
func (r *Run) teardown() {
	for _, n := range r.nodes {
		n.mu.Lock()
		p := n.cur
		n.mu.Unlock()
		if p != nil {
			p.kill()
		}
	}
	for _, n := range r.nodes {
		if n.logF != nil {
			n.closeLog()
		}
	}
	r.reaper.close()
	r.setPhase(PhaseDone)
}

// Outcome is what a finished run leaves: its history and what happened.
type Outcome struct {
	History history.History
	// FinalFrom is the index of the first record of the final operations
	// (the reads after healing); -1 when there were none.
	FinalFrom int
	Applied   []sim.AppliedFault
	Stats     Stats
	// ElapsedNs is how long the run took, in real time.
	ElapsedNs int64
	// Interrupted is set when the run was cancelled before its end.
	Interrupted bool
	// Notes are things the learner should know: malformed replies,
	// faults that could not target what they asked for.
	Notes []string
	Logs  map[string]string // node → its log file
}

// Wait waits for the run to end and returns its outcome. The error is a
// *NodeError when a node broke the run; the outcome then holds what was
// recorded up to that point.
func (r *Run) Wait() (Outcome, error) {
	<-r.done
	out := Outcome{History: r.History(), FinalFrom: -1, Applied: r.Applied(), Stats: r.Stats(), ElapsedNs: r.now(), Logs: map[string]string{}}
	r.histMu.Lock()
	out.FinalFrom = r.finalFrom
	r.histMu.Unlock()
	r.nemMu.Lock()
	out.Notes = append(out.Notes, r.notes...)
	r.nemMu.Unlock()
	for _, n := range r.nodes {
		out.Logs[n.id] = n.logPath
	}
	if err := r.failed(); err != nil {
		return out, err
	}
	if r.ctx.Err() != nil {
		out.Interrupted = true
	}
	return out, nil
}

// History is a copy of the history so far.
func (r *Run) History() history.History {
	r.histMu.Lock()
	defer r.histMu.Unlock()
	return append(history.History(nil), r.hist...)
}

// Config is the run's configuration, defaults filled in.
func (r *Run) Config() Config { return r.cfg }

// Elapsed is the real time since the run began.
func (r *Run) Elapsed() time.Duration { return time.Duration(r.now()) }

// Cluster describes every node now: up or crashed, paused, its partition
// group and how many messages wait for it. Status stays empty: a foreign
// process reports no role.
func (r *Run) Cluster() []sim.NodeView {
	out := make([]sim.NodeView, len(r.nodes))
	for i, n := range r.nodes {
		n.mu.Lock()
		p, paused := n.cur, n.paused
		n.mu.Unlock()
		v := sim.NodeView{ID: n.id, Up: p != nil, Paused: paused, Group: r.net.group(n.id)}
		if p != nil {
			v.Held = p.inbox.waiting()
		}
		out[i] = v
	}
	return out
}
