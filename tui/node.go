package tui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/maelstrom"
)

// nodeEntryID names the picker's "Your own node" entry (remembered as the
// last one opened, like a lesson's id).
const nodeEntryID = "your-own-node"

// nodeStage is where the node screen is.
type nodeStage uint8

const (
	stageForm     nodeStage = iota // the settings are asked for
	stageStarting                  // the processes start and answer init
	stageRunning                   // the clients and the nemesis are at work
	stageOver                      // every process has stopped: the verdict
	stageFailed                    // a node broke the run, or would not start
)

// nodeModel is the "Your own node" screen: a form that asks how to run
// the learner's program, then the run itself — live, in real time, with
// the lessons' cluster picture, history, verdict, explorer and export —
// and the faults from the keyboard. The run never waits for the screen:
// its events come through a command, over a channel it never blocks on.
type nodeModel struct {
	screen
	form  nodeForm
	stage nodeStage

	cfg     maelstrom.Config
	proc    *nodeProcs // the run's processes, for stopping them from anywhere
	gen     int        // which run a message belongs to
	live    *liveRun
	out     *maelstrom.Outcome
	failure string // a node's error, whole (stageFailed)
	stopped bool   // esc ended the workload early

	pending   string // a key pressed once that needs a second press
	shapeNext int
}

// nodeProcs is a run's handle, shared with the command that starts it,
// so that leaving the screen (or the program) stops the processes even
// while they are still starting.
type nodeProcs struct {
	cancel  context.CancelFunc
	begun   atomic.Bool   // the command that starts the processes has begun
	started chan struct{} // closed when it has returned
	mu      sync.Mutex
	run     *maelstrom.Run
	events  chan maelstrom.Event
}

func (p *nodeProcs) setRun(r *maelstrom.Run) {
	p.mu.Lock()
	p.run = r
	p.mu.Unlock()
}

func (p *nodeProcs) getRun() *maelstrom.Run {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.run
}

// stop kills every process of the run and waits, briefly, until they are
// gone.
func (p *nodeProcs) stop() {
	if p == nil {
		return
	}
	p.cancel()
	if !p.begun.Load() {
		return // it never will start anything: it finds the run cancelled
	}
	select {
	case <-p.started:
	case <-time.After(15 * time.Second):
		return
	}
	if r := p.getRun(); r != nil {
		select {
		case <-r.Done():
		case <-time.After(10 * time.Second):
		}
	}
}

func newNodeModel(c *common) *nodeModel {
	s, ok := c.progress.nodeSettings()
	if !ok {
		s = defaultNodeSettings()
	}
	m := &nodeModel{screen: newScreen(c), form: newNodeForm(s)}
	c.progress.setLast(nodeEntryID)
	return m
}

// typing reports whether every key is text being typed (the form, the
// export folder).
func (m *nodeModel) typing() bool { return m.stage == stageForm || m.exportTo.open }

// running reports whether processes are (or may be) running.
func (m *nodeModel) running() bool { return m.stage == stageStarting || m.stage == stageRunning }

// leave stops everything before the screen goes away: every process is
// killed, and gone, when it returns.
func (m *nodeModel) leave() {
	m.check.stop()
	m.explore.stop()
	m.exportTo.stop()
	m.gen++
	m.proc.stop()
}

func (m *nodeModel) Update(msg tea.Msg) (*nodeModel, tea.Cmd) {
	if cmd, ok := m.explorerMsg(msg, m); ok {
		return m, cmd
	}
	cmd := m.handle(msg, m)
	return m, tea.Batch(cmd, m.followRun(m))
}

// modal gives a key to the settings while they are asked for.
func (m *nodeModel) modal(k tea.KeyMsg) (tea.Cmd, bool) {
	if m.stage != stageForm {
		return nil, false
	}
	return m.formKey(k), true
}

func (m *nodeModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case nodeStartedMsg:
		return m.started(msg)
	case nodeEventsMsg:
		return m.eventsIn(msg)
	case nodeTickMsg:
		return m.tick(msg)
	case nodeDoneMsg:
		return m.runDone(msg)
	}
	return nil
}

// formKey edits the settings; enter starts the run, esc goes back.
func (m *nodeModel) formKey(k tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	var act formAction
	m.form, cmd, act = m.form.Update(k, m.c)
	switch act {
	case formBack:
		return goBackCmd
	case formSubmit:
		cfg, field, err := m.form.config()
		if err != nil {
			m.form.problem, m.form.bad = err.Error(), field
			m.form.focusOn(field)
			return nil
		}
		m.form.problem = ""
		if warn := m.c.progress.setNodeSettings(m.form.settings()); warn != "" {
			m.flash = warn
		}
		return m.start(cfg)
	}
	m.form.problem = ""
	return cmd
}

func goBackCmd() tea.Msg { return backMsg{} }

// key is a key of the run's screen.
func (m *nodeModel) key(k tea.KeyMsg) tea.Cmd {
	keys := m.c.keys
	m.notice = nil
	if cmd, asked := m.confirmLeave(k); asked {
		return cmd
	}
	switch {
	case key.Matches(k, keys.Esc):
		switch {
		case m.check.running:
			m.cancelCheck()
		case m.running():
			return m.stopRun()
		default:
			m.toForm()
		}
	case key.Matches(k, keys.Quit):
		m.leave()
		return goBackCmd
	case key.Matches(k, keys.Run):
		return m.again(false)
	case key.Matches(k, keys.Seed):
		return m.again(true)
	case key.Matches(k, keys.Partition):
		return m.partition()
	case key.Matches(k, keys.Crash):
		return m.crashOrRestart()
	case key.Matches(k, keys.Pause):
		return m.pauseOrResume()
	case key.Matches(k, keys.Skew):
		m.flash, m.notice = "s: refused (see the box)", []string{"Clock skew: " + clockRefusal + "."}
	case key.Matches(k, keys.Heal):
		return m.heal()
	case key.Matches(k, keys.Check):
		return m.checkNow()
	case key.Matches(k, keys.Tab):
		m.nextPane(m.layout(), false)
	case key.Matches(k, keys.Up):
		m.scroll(-1)
	case key.Matches(k, keys.Down):
		m.scroll(1)
	case key.Matches(k, keys.PageUp):
		m.scroll(-max(1, m.historyRows()-1))
	case key.Matches(k, keys.PageDown):
		m.scroll(max(1, m.historyRows()-1))
	case key.Matches(k, keys.Timeline):
		return m.openExplorer(viewHistory)
	case key.Matches(k, keys.Witness):
		return m.openExplorer(viewWitness)
	case key.Matches(k, keys.Messages):
		return m.openExplorer(viewMessages)
	case key.Matches(k, keys.Export):
		return m.askExport()
	case key.Matches(k, keys.Enter):
		if !m.running() && m.stage == stageFailed {
			m.toForm()
		}
	case key.Matches(k, keys.Play, keys.Step, keys.Slower, keys.Faster, keys.Left, keys.Right):
		m.flash = "your nodes run in real time: nothing here pauses, steps or changes speed (z pauses a node; t w m look back)"
	}
	return nil
}

// clockRefusal is why s does nothing here.
const clockRefusal = "clock skew cannot be imposed on your node: it reads the machine's clock, which faultline does not control " +
	"(give your node a clock offset of its own to test it)"

// confirmLeave asks before q (while processes run) abandons the run: the
// second q leaves, any other key keeps the run.
func (m *nodeModel) confirmLeave(k tea.KeyMsg) (tea.Cmd, bool) {
	keys := m.c.keys
	needs := m.running() && (key.Matches(k, keys.Quit) || (key.Matches(k, keys.Esc) && !m.check.running))
	if !needs {
		m.pending = ""
		return nil, false
	}
	if m.pending == k.String() {
		m.pending = ""
		return nil, false
	}
	m.pending = k.String()
	if key.Matches(k, keys.Quit) {
		m.flash = "the run is under way: q again kills every node and goes back to the lessons; any other key keeps it"
	} else {
		m.flash = "the run is under way: esc again ends it now (faults healed, final reads, verdict); any other key keeps it"
	}
	return nil, true
}

func (m *nodeModel) openExplorer(v explorerView) tea.Cmd {
	if m.live == nil {
		m.flash = "nothing to explore yet: the run has not started"
		return nil
	}
	return m.screen.openExplorer(v, m)
}

// explorerInput hands the explorer the run, its verdict and the lines
// that frame every view.
func (m *nodeModel) explorerInput() explorerInput {
	in := explorerInput{c: m.c, src: m.live, check: &m.check, header: m.header(), status: m.statusLine()}
	if m.cfg.Workload == "lin-kv" {
		in.model = "kv"
	}
	return in
}

// toForm goes back to the settings, for another command or workload.
func (m *nodeModel) toForm() {
	m.leave()
	m.stage = stageForm
	m.explore.open = false
	m.flash, m.notice = "", nil
	m.form.focusOn(m.form.focus)
}

// scroll moves the focused pane: the node the fault keys act on, the
// history, or the box under the panes.
func (m *nodeModel) scroll(n int) {
	m.scrollPane(n, m.cfg.Nodes, m.historyLen(), m.historyRows())
}

// shutdown stops the run when the program ends, however it ends.
func (m *nodeModel) shutdown() {
	if m != nil {
		m.leave()
	}
}
