package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/maelstrom"
	"github.com/faultline-lab/faultline/sim"
)

// The messages of a run, each marked with the run it belongs to.
type (
	nodeStartedMsg struct {
		gen int
		run *maelstrom.Run
		err error
	}
	nodeEventsMsg struct {
		gen   int
		batch []maelstrom.Event
		over  bool // the run is over: this reader has ended
	}
	nodeTickMsg struct{ gen int }
	nodeDoneMsg struct {
		gen int
		out maelstrom.Outcome
		err error
	}
)

// nodeEventBuffer is the events channel's room: a busy run sends tens of
// thousands of events a second, and what does not fit is counted lost.
const nodeEventBuffer = 1 << 17

// nodeBatchInterval gathers events for a moment before the screen takes
// them: a frame's worth at a time, not one update per event.
const nodeBatchInterval = 50 * time.Millisecond

// nodeTickInterval refreshes the clock and the cluster when no events come.
const nodeTickInterval = 200 * time.Millisecond

// start sets a run going with cfg: the processes start in a command, and
// the screen shows them starting meanwhile.
func (m *nodeModel) start(cfg maelstrom.Config) tea.Cmd {
	m.leave() // an earlier run, if any
	m.gen++
	ctx, cancel := context.WithCancel(context.Background())
	p := &nodeProcs{cancel: cancel, started: make(chan struct{}), events: make(chan maelstrom.Event, nodeEventBuffer)}
	m.proc, m.cfg, m.stage = p, cfg, stageStarting
	m.live, m.out, m.failure, m.stopped = nil, nil, "", false
	m.check.clear()
	m.check.words = nil
	if cfg.Workload != "lin-kv" {
		m.check.words = &workloadWords
	}
	m.explore = newExplorer()
	m.bottomTop, m.nodeCursor, m.shapeNext = 0, 0, 0
	m.hist.follow()
	m.flash = fmt.Sprintf("starting %s: %s", plural(cfg.Nodes, "node"), maelstrom.QuoteCommand(cfg.Bin))
	return tea.Batch(startNodeCmd(m.gen, ctx, cfg, p), m.check.spinner.Tick)
}

// workloadWords are the verdicts of the workloads not checked for
// linearizability (Maelstrom's valid and invalid).
var workloadWords = verdictWords{pass: "VALID", fail: "INVALID", unknown: "UNKNOWN",
	witness: "the operations that show it", none: "there is no INVALID verdict"}

// startNodeCmd starts the processes (it waits for every init_ok, up to
// the init timeout) with a log folder of their own.
func startNodeCmd(gen int, ctx context.Context, cfg maelstrom.Config, p *nodeProcs) tea.Cmd {
	return func() tea.Msg {
		defer close(p.started)
		p.begun.Store(true)
		if ctx.Err() != nil {
			return nodeStartedMsg{gen: gen, err: ctx.Err()} // left before it began
		}
		if cfg.LogDir == "" {
			dir, err := os.MkdirTemp("", "faultline-node-")
			if err != nil {
				return nodeStartedMsg{gen: gen, err: fmt.Errorf("cannot make a folder for the nodes' logs: %w", err)}
			}
			cfg.LogDir = dir
		}
		r, err := maelstrom.Start(ctx, cfg, maelstrom.Options{Events: p.events})
		if r != nil {
			p.setRun(r)
		}
		return nodeStartedMsg{gen: gen, run: r, err: err}
	}
}

// eventsCmd waits for the run's next events and brings them, gathered
// for a moment, to Update. It ends when the run is over, and says so:
// the outcome waits for that (runDone), since a batch it still carries
// would otherwise arrive after the trace was finished, and be lost.
func eventsCmd(gen int, ch <-chan maelstrom.Event, done <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		var batch []maelstrom.Event
		select {
		case e := <-ch:
			batch = append(batch, e)
		case <-done:
			return nodeEventsMsg{gen: gen, over: true} // the rest is taken with the outcome
		}
		time.Sleep(nodeBatchInterval)
		for {
			select {
			case e := <-ch:
				batch = append(batch, e)
			default:
				return nodeEventsMsg{gen: gen, batch: batch}
			}
		}
	}
}

func nodeTickCmd(gen int) tea.Cmd {
	return tea.Tick(nodeTickInterval, func(time.Time) tea.Msg { return nodeTickMsg{gen: gen} })
}

// waitCmd waits for the run to end and brings its outcome.
func waitCmd(gen int, r *maelstrom.Run) tea.Cmd {
	return func() tea.Msg {
		<-r.Done()
		out, err := r.Wait()
		return nodeDoneMsg{gen: gen, out: out, err: err}
	}
}

// started takes the run in once every node has answered init, or shows
// why one did not.
func (m *nodeModel) started(msg nodeStartedMsg) tea.Cmd {
	if msg.gen != m.gen {
		return nil // a run left behind: its context is cancelled, it stops itself
	}
	if msg.err != nil {
		m.fail(msg.err)
		return nil
	}
	r := msg.run
	m.cfg = r.Config()
	m.live = newLiveRun(r)
	m.stage = stageRunning
	m.flash = fmt.Sprintf("running: %s for %s; p k z h add faults", m.cfg.Workload, m.cfg.TimeLimit)
	return tea.Batch(eventsCmd(m.gen, m.proc.events, r.Done()), nodeTickCmd(m.gen), waitCmd(m.gen, r))
}

// fail shows a node's error (the node, what it did or wrote, its log) in
// place of the run.
func (m *nodeModel) fail(err error) {
	m.stage = stageFailed
	var ne *maelstrom.NodeError
	switch {
	case errors.As(err, &ne):
		m.failure = nodeErrorText(ne)
	case errors.Is(err, context.Canceled):
		m.failure = "Stopped while the nodes were starting; every process was stopped."
	default:
		m.failure = err.Error()
	}
	m.flash = "the run could not go on: enter or esc changes the settings, r tries again"
}

// nodeErrorText is a node's error as the screen lays it out: what the
// node did, the last lines of its stderr, and its log on a line of its
// own (to copy).
func nodeErrorText(ne *maelstrom.NodeError) string {
	s := fmt.Sprintf("node %s %s", ne.Node, ne.What)
	if ne.Detail != "" {
		s += ": " + ne.Detail
	}
	s += "."
	if len(ne.Tail) > 0 {
		s += "\nThe last lines of its stderr:"
		for _, l := range ne.Tail {
			s += "\n    " + l
		}
	}
	if ne.Log != "" {
		s += "\nIts log: " + ne.Log
	}
	return s
}

func (m *nodeModel) eventsIn(msg nodeEventsMsg) tea.Cmd {
	if msg.gen != m.gen || m.live == nil || m.stage != stageRunning {
		return nil
	}
	if msg.over {
		m.live.readerOver = true
		if held := m.live.doneHeld; held != nil {
			return m.runDone(*held)
		}
		return nil
	}
	m.live.absorb(msg.batch)
	return eventsCmd(m.gen, m.proc.events, m.live.r.Done())
}

func (m *nodeModel) tick(msg nodeTickMsg) tea.Cmd {
	if msg.gen != m.gen || m.stage != stageRunning {
		return nil
	}
	m.live.absorb(nil) // the clock moved: held-back events join the trace
	return nodeTickCmd(m.gen)
}

// runDone takes the outcome in: every event left, the whole history, and
// the check of it.
func (m *nodeModel) runDone(msg nodeDoneMsg) tea.Cmd {
	if msg.gen != m.gen || m.live == nil {
		return nil
	}
	if !m.live.readerOver {
		m.live.doneHeld = &msg // the events reader may still carry a batch
		return nil
	}
	var rest []maelstrom.Event
	for drained := false; !drained; { // the run is over: nothing writes to it now
		select {
		case e := <-m.proc.events:
			rest = append(rest, e)
		default:
			drained = true
		}
	}
	m.live.finish(msg.out, rest)
	m.out = &msg.out
	if msg.err != nil {
		m.fail(msg.err)
		return nil
	}
	m.stage = stageOver
	m.hist.follow()
	m.flash = "run over: checking the history"
	return m.checkHistory(msg.out.History, msg.out.FinalFrom, true)
}

// checkHistory checks h as the workload requires, in the background.
func (m *nodeModel) checkHistory(h history.History, finalFrom int, full bool) tea.Cmd {
	workload := m.cfg.Workload
	return m.check.startWith(h, full, workload, func(ctx context.Context, id int, h history.History, _ *checkProgress) tea.Cmd {
		return func() tea.Msg {
			res, err := maelstrom.Check(ctx, workload, h, finalFrom, checkTimeout)
			return checkDoneMsg{id: id, res: asCheckerResult(res), extra: res, err: err}
		}
	})
}

// asCheckerResult puts a workload's verdict in the checker's shape, for
// the views that draw verdicts: valid reads as a pass, invalid as a
// failure whose failing operation is the last one of its witness.
func asCheckerResult(res maelstrom.Result) checker.Result {
	if res.Lin != nil {
		return *res.Lin
	}
	out := checker.Result{Model: checker.Model(res.Workload), Anomaly: res.Anomaly, Explanation: res.Explanation, Witness: res.Witness,
		Ops: res.Ops, WitnessMinimal: true}
	switch res.Verdict {
	case maelstrom.Valid:
		out.Verdict = checker.Linearizable
	case maelstrom.Invalid:
		out.Verdict = checker.NotLinearizable
		for i := len(res.Witness) - 1; i >= 0; i-- {
			if o := res.Witness[i]; o.Type == history.Invoke {
				out.Failing = &o
				break
			}
		}
	default:
		out.Verdict = checker.Unknown
	}
	return out
}

// result is the workload's verdict, once checked.
func (m *nodeModel) result() (maelstrom.Result, bool) {
	res, ok := m.check.extra.(maelstrom.Result)
	return res, ok && m.check.result != nil
}

func (m *nodeModel) afterCheck() {
	if m.check.err != nil {
		m.flash = "the checker could not check this history: " + m.check.err.Error()
		return
	}
	m.flash = ""
	if i := m.check.failingIndex(); i >= 0 {
		m.hist.centre(i, m.historyRows())
	}
}

// checkNow checks the history so far (c): during the run it is a prefix.
func (m *nodeModel) checkNow() tea.Cmd {
	if m.live == nil || len(m.live.h) == 0 {
		m.flash = "nothing to check yet"
		return nil
	}
	if m.stage == stageOver && m.out != nil {
		return m.checkHistory(m.out.History, m.out.FinalFrom, true)
	}
	m.flash = "checking the history so far (the run goes on)"
	return m.checkHistory(m.live.h, -1, false)
}

// stopRun ends the workload now (esc, asked twice): the run heals, waits
// for recovery and reads, as at its time limit. Still starting, or past
// the workload, it stops every process at once.
func (m *nodeModel) stopRun() tea.Cmd {
	if m.stage == stageStarting || m.live == nil {
		m.leave()
		m.toForm()
		m.flash = "stopped while starting: every process was stopped"
		return nil
	}
	if m.live.r.Phase() == maelstrom.PhaseWorkload {
		m.live.r.Stop()
		m.stopped = true
		m.flash = "ending the workload: faults healed, then the final reads and the verdict"
		return nil
	}
	m.proc.cancel()
	m.flash = "stopping every node; what was recorded is checked"
	return nil
}

// again runs the same settings again (r), or with the next seed (n).
func (m *nodeModel) again(nextSeed bool) tea.Cmd {
	if m.running() {
		m.flash = "the run is under way; esc twice ends it, then r runs again"
		return nil
	}
	if m.stage == stageForm || len(m.cfg.Bin) == 0 {
		return nil
	}
	cfg := m.cfg
	cfg.LogDir, cfg.Clients = "", 0 // a fresh log folder; clients follow the nodes
	cfg.Faults = sim.Schedule{}     // rebuilt from the nemesis names
	if nextSeed {
		cfg.Seed++
		s := m.form.settings()
		s.Seed = cfg.Seed
		m.form.inputs[fieldSeed].SetValue(fmt.Sprint(cfg.Seed))
		m.c.progress.setNodeSettings(s)
	}
	return m.start(cfg)
}

// --- faults from the keyboard ---

// inject applies a fault now, while the clients work.
func (m *nodeModel) inject(f sim.Fault, what string) tea.Cmd {
	if m.stage != stageRunning || m.live.r.Phase() != maelstrom.PhaseWorkload {
		if m.stage == stageRunning {
			m.flash = "the workload is over: every fault is healed for the final reads"
		} else {
			m.flash = "faults go in while the run is under way: r runs again"
		}
		return nil
	}
	a, err := m.live.r.Inject(f)
	if err != nil {
		m.flash = err.Error()
		return nil
	}
	m.flash = fmt.Sprintf("%s%s at %s", what, a.Desc, fmtSeconds(a.Time))
	return nil
}

func (m *nodeModel) partition() tea.Cmd {
	if m.cfg.Nodes < 2 {
		m.flash = "one node: there is no network between nodes to cut"
		return nil
	}
	shape := sim.Shapes[m.shapeNext%len(sim.Shapes)]
	m.shapeNext++
	f := sim.Fault{Kind: sim.FaultPartition, Shape: shape}
	what := fmt.Sprintf("p: %s — ", shape)
	if shape == sim.ShapeLeader && m.live != nil {
		if g := m.live.roles.at(m.live.clock()); g.leader >= 0 {
			f.Nodes = []string{m.live.ids[g.leader]}
			what = fmt.Sprintf("p: leader (%s, inferred from the messages) — ", f.Nodes[0])
		}
	}
	return m.inject(f, what)
}

// selected is the node the cursor is on.
func (m *nodeModel) selected() (sim.NodeView, bool) {
	if m.live == nil || m.stage != stageRunning {
		return sim.NodeView{}, false
	}
	nodes := m.live.r.Cluster()
	m.nodeCursor = max(0, min(m.nodeCursor, len(nodes)-1))
	return nodes[m.nodeCursor], true
}

func (m *nodeModel) crashOrRestart() tea.Cmd {
	n, ok := m.selected()
	if !ok {
		return m.inject(sim.Fault{}, "")
	}
	kind := sim.FaultCrash
	if !n.Up {
		kind = sim.FaultRestart
	}
	return m.inject(sim.Fault{Kind: kind, Nodes: []string{n.ID}}, "")
}

func (m *nodeModel) pauseOrResume() tea.Cmd {
	n, ok := m.selected()
	switch {
	case !ok:
		return m.inject(sim.Fault{}, "")
	case !n.Up:
		m.flash = n.ID + " is down: k restarts it"
		return nil
	case n.Paused:
		return m.inject(sim.Fault{Kind: sim.FaultResume, Nodes: []string{n.ID}}, "")
	}
	return m.inject(sim.Fault{Kind: sim.FaultPause, Nodes: []string{n.ID}}, "")
}

func (m *nodeModel) heal() tea.Cmd {
	return m.inject(sim.Fault{Kind: sim.FaultHealAll}, "")
}
