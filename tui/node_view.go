package tui

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/maelstrom"
	"github.com/faultline-lab/faultline/sim"
)

// layout is where each part of the node screen goes: a lesson's, with
// the pane of what runs (and what happened to it) where a lesson has its
// text.
func (m *nodeModel) layout() lessonLayout { return m.layoutWith(m.clusterPane) }

// layoutWith is layout with the cluster pane from pane (lessonModel's).
func (m *nodeModel) layoutWith(pane func() clusterPane) lessonLayout {
	W := m.c.width
	lines, _ := m.bottomLines(W - 3)
	return screenLayout(W, m.c.height, clusterNeed(m.c.styles, W, pane), len(lines), max(36, min(70, W*30/100)))
}

func (m *nodeModel) historyRows() int { return max(1, m.layout().historyH-2) }

// history is the run's history so far (nil before it starts).
func (m *nodeModel) history() history.History {
	if m.live == nil {
		return nil
	}
	return m.live.h
}

func (m *nodeModel) historyLen() int { return len(m.history()) }

func (m *nodeModel) View() string {
	c := m.c
	if m.stage == stageForm {
		return m.formView()
	}
	if m.explore.open {
		return m.explore.View(m.explorerInput())
	}
	pane := m.clusterPane()
	lay := m.layoutWith(func() clusterPane { return pane })
	var clusterLines []string
	if pane.snap.nodes == nil {
		clusterLines = m.startingLines(lay.clusterW - 3)
	} else {
		clusterLines = pane.lines(c.styles, lay.clusterW-3, lay.clusterH-2)
	}
	return m.view(frame{
		header: m.header(), lay: lay,
		side: func() string {
			return c.box("your node", strings.Join(m.infoLines(lay.textW-3), "\n"), lay.textW, lay.bodyH, false)
		},
		clusterTitle: m.clusterTitle(pane), clusterLines: clusterLines,
		shown:       m.history(),
		bottomTitle: m.bottomTitle(), bottom: m.bottomLines,
		status: m.statusLine(), keys: m.shortKeys(),
	})
}

// formView is the settings, with the key bar.
func (m *nodeModel) formView() string {
	c := m.c
	body := m.form.View(c, c.width, c.height-2)
	status := ""
	if m.flash != "" {
		status = " " + c.styles.Warn.Render(cut(m.flash, c.width-2))
	}
	keys := c.keys
	bar := c.helpBar([]key.Binding{short(keys.Enter, "run"), pair(keys.Up, keys.Down, "field"),
		short(pair(keys.Left, keys.Right, ""), "workload"), short(keys.Esc, "back to the lessons"), short(keys.ForceQuit, "quit")})
	lines := strings.Split(body, "\n")
	for len(lines) < c.height-2 {
		lines = append(lines, "")
	}
	return fitBlock(strings.Join(append(lines, status, bar), "\n"), c.width, c.height)
}

// clusterPane is the cluster at the run's present, with its traffic.
func (m *nodeModel) clusterPane() clusterPane {
	p := clusterPane{exact: true, latency: liveLatencyNs, cursor: m.nodeCursor, windowNs: 500_000_000}
	if m.live == nil {
		return p
	}
	l := m.live
	p.snap, p.trace, p.at = l.now(), l.trace, l.clock()
	if len(l.trace) > 0 {
		// The traffic lags the nodes a little: the newest events are still
		// being put in order.
		p.snap.at = min(p.snap.at, l.trace[len(l.trace)-1].Time)
	}
	if f, at, ok := l.r.Upcoming(); ok && m.stage == stageRunning {
		p.next = "next: " + sim.DescribeFault(f) + " at " + fmtSeconds(at)
	}
	p.notes = []string{l.roles.at(p.at).summary()}
	return p
}

// clusterTitle names the pane with the traffic between the nodes: real
// messages arrive in a fraction of a millisecond, so a rate says more
// than the few in flight.
func (m *nodeModel) clusterTitle(p clusterPane) string {
	if p.snap.nodes == nil {
		return "cluster"
	}
	sent := 0
	for _, l := range p.traffic().links {
		sent += l.sent
	}
	return fmt.Sprintf("cluster · %.0f msgs/s between nodes", float64(sent)*1e9/float64(p.windowNs))
}

// startingLines stand in for the picture while the processes start.
func (m *nodeModel) startingLines(width int) []string {
	st := m.c.styles
	switch m.stage {
	case stageStarting:
		return wrapLines(fmt.Sprintf("%s starting %s and waiting for each to answer init…", m.check.spinner.View(),
			strings.Join(maelstrom.NodeIDs(m.cfg.Nodes), " ")), width)
	case stageFailed:
		return []string{st.Error.Render(cut("The run stopped: see below.", width))}
	}
	return nil
}

// header names the node's command and always shows the workload and the
// seed.
func (m *nodeModel) header() string {
	right := fmt.Sprintf("%s · %s · seed %d ", m.cfg.Workload, plural(m.cfg.Nodes, "node"), m.cfg.Seed)
	return m.headerLine(" faultline › your own node: "+maelstrom.QuoteCommand(m.cfg.Bin), right)
}

// runState is the run's state in a word or two.
func (m *nodeModel) runState() string {
	switch m.stage {
	case stageStarting:
		return "starting"
	case stageFailed:
		return "stopped"
	case stageOver:
		if m.out != nil && m.out.Interrupted {
			return "cut short"
		}
		return "over"
	}
	switch m.live.r.Phase() {
	case maelstrom.PhaseWorkload:
		return "running"
	case maelstrom.PhaseDraining:
		return "last operations"
	case maelstrom.PhaseRecovery:
		return "healed, recovering"
	case maelstrom.PhaseFinal:
		return "final reads"
	}
	return "stopping"
}

// statusLine shows where the run is and what the last key did.
func (m *nodeModel) statusLine() string {
	st := m.c.styles
	info := " " + st.Bold.Render(m.runState())
	if m.live != nil {
		info += fmt.Sprintf(" · %s of real time · %s", fmtSeconds(m.live.clock()), m.opsLabel())
		stats := m.stats()
		info += fmt.Sprintf(" · %d msgs", stats.NodeMessages)
		if stats.Dropped > 0 {
			info += fmt.Sprintf(" (%d dropped)", stats.Dropped)
		}
	}
	if res := m.check.result; res != nil && m.stage == stageRunning {
		info += " · so far " + m.check.word(st, res.Verdict)
	}
	return m.statusOf(info, "")
}

// opsLabel is the operations invoked so far.
func (m *nodeModel) opsLabel() string { return fmt.Sprintf("ops %d", m.live.invokes) }

func (m *nodeModel) stats() maelstrom.Stats {
	if m.out != nil {
		return m.out.Stats
	}
	if m.live == nil {
		return maelstrom.Stats{}
	}
	return m.live.r.Stats()
}

func (m *nodeModel) bottomTitle() string {
	switch {
	case len(m.notice) > 0:
		return "exported"
	case m.stage == stageFailed:
		return "your node stopped the run"
	case m.check.running:
		return "checking"
	case m.check.result != nil || m.check.err != nil:
		return "verdict"
	case m.stage == stageStarting:
		return "starting"
	}
	return "real time"
}

// bottomLines is the box under the panes: the run's note while it runs,
// the verdict after, or the node's error. The last pinned lines say what
// to press next.
func (m *nodeModel) bottomLines(width int) ([]string, int) {
	st := m.c.styles
	if width <= 0 {
		return nil, 0
	}
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, wrapLines(s, width)...)
		}
	}
	pinned := func(s string) ([]string, int) {
		before := len(out)
		add(st.Bold.Render("Next: ") + s)
		return out, len(out) - before
	}
	switch {
	case len(m.notice) > 0:
		for _, n := range m.notice {
			add(n)
		}
		return out, 1
	case m.stage == stageFailed:
		for i, l := range strings.Split(m.failure, "\n") {
			if i == 0 {
				l = st.Error.Render("The run could not go on: ") + l
			}
			add(l)
		}
		return pinned("enter or esc changes the settings · r tries again · q goes back to the lessons.")
	case m.stage == stageStarting:
		add(fmt.Sprintf("Starting %s of %s, one process each, and waiting for every init_ok (up to %s).",
			plural(m.cfg.Nodes, "node"), maelstrom.QuoteCommand(m.cfg.Bin), m.cfg.InitTimeout))
		return pinned("esc twice stops it · q twice goes back to the lessons.")
	case m.check.running:
		add(fmt.Sprintf("%s checking %d history records (%s)…  esc cancels.", m.check.spinner.View(), m.check.ops, m.checkedWhat()))
		return out, 0
	case m.check.cancelled:
		add("Check cancelled. c checks again.")
		return out, 0
	case m.check.err != nil:
		add(st.Error.Render("The checker could not check this history: ") + m.check.err.Error())
		return out, 0
	case m.check.result != nil:
		return m.verdictLines(width)
	}
	add("Real time: interleavings are not reproducible; e exports the run when over, for go run . node --scenario F to check again.")
	then := ", then recovery"
	if !maelstrom.FinalReads(m.cfg.Workload) {
		then = ""
	}
	return pinned(fmt.Sprintf("p k z h faults (↑ ↓ node) · ends after %s%s · esc esc ends now", m.cfg.TimeLimit, then))
}

// checkedWhat is what the workload's check holds the history to.
func (m *nodeModel) checkedWhat() string {
	if m.cfg.Workload == "lin-kv" {
		return "linearizability, per key"
	}
	return m.cfg.Workload + "'s checker"
}

// verdictLines: the verdict in words, what was checked, the
// explanation and where the witness is, what the run was, the note on
// real time, and what to do next (last, so it always shows).
func (m *nodeModel) verdictLines(width int) ([]string, int) {
	st := m.c.styles
	res := m.check.result
	wres, _ := m.result()
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, wrapLines(s, width)...)
		}
	}
	scope := "the whole run"
	if !m.check.full {
		scope = "the history so far"
	}
	head := m.check.word(st, res.Verdict)
	switch {
	case res.Verdict == checker.NotLinearizable && res.Anomaly != "":
		head += " — " + st.Bold.Render(res.Anomaly)
	case res.Verdict == checker.Linearizable && m.cfg.Workload == "lin-kv":
		head += " — every operation fits one order that respects real time"
	case res.Verdict == checker.Linearizable:
		head += " — " + wres.Checked
	case res.Verdict == checker.Unknown && m.cfg.Workload == "lin-kv":
		head += fmt.Sprintf(" — the checker ran out of time (%s) before deciding", checkTimeout)
	}
	head += st.Dim.Render(fmt.Sprintf(" (%s, %s, %d operations)", m.cfg.Workload, scope, res.Ops))
	add(head)
	if res.Verdict != checker.Linearizable || m.cfg.Workload == "lin-kv" {
		add(res.Explanation)
	}
	if res.Verdict == checker.NotLinearizable {
		add(fmt.Sprintf("Witness: %d records, marked > in the history (! the failing one) · w witness · m the messages that carried it · t timeline", len(res.Witness)))
	}
	if o := m.out; o != nil && m.check.full {
		if o.Interrupted {
			add("The run was cut short: every node was stopped, and what was recorded is what was checked.")
		}
		s := o.Stats
		add(st.Dim.Render(fmt.Sprintf("%s of real time · %s · %s · %d messages between nodes (%d dropped, %d duplicated, %d delayed), %d to services.",
			fmtSeconds(o.ElapsedNs), opsCount(o.History), plural(len(o.Applied), "fault"), s.NodeMessages, s.Dropped, s.Duplicated, s.Delayed, s.ServiceMessages)))
		for _, n := range o.Notes {
			add(st.Warn.Render("Note: ") + n)
		}
	}
	add(st.Dim.Render("Real time: the same seed can give another interleaving and another verdict. e saves a scenario that re-checks this history: go run . node --scenario F."))
	before := len(out)
	add(st.Bold.Render("Next: ") + m.nextStep())
	return out, len(out) - before
}

// nextStep is what the verdict asks for next.
func (m *nodeModel) nextStep() string {
	res := m.check.result
	switch {
	case !m.check.full:
		return "that was the history so far; the finished run is checked again."
	case res.Verdict == checker.NotLinearizable:
		return "w m t show why · e exports it · r runs again, n with the next seed · esc changes the settings."
	case res.Verdict == checker.Unknown:
		return "c checks again · r runs again · esc changes the settings."
	}
	return "r runs again (another interleaving), n with the next seed; add faults while it runs (p k z h) · e exports · esc changes the settings."
}

// opsCount counts operations by how they ended.
func opsCount(h history.History) string {
	count := map[history.Type]int{}
	invokes := 0
	for _, o := range h {
		switch {
		case o.IsNemesis():
		case o.Type == history.Invoke:
			invokes++
		default:
			count[o.Type]++
		}
	}
	return fmt.Sprintf("%d operations (%d ok, %d failed, %d unknown)", invokes, count[history.OK], count[history.Fail], count[history.Info])
}

// infoLines fill the wide screen's left pane: what runs, with what, the
// faults so far, where the logs are, and the note on real time.
func (m *nodeModel) infoLines(width int) []string {
	st := m.c.styles
	var out []string
	add := func(s string) { out = append(out, wrapLines(s, width)...) }
	cfg := m.cfg
	add(st.Bold.Render("command ") + maelstrom.QuoteCommand(cfg.Bin))
	add(st.Bold.Render("workload ") + cfg.Workload + " · " + plural(cfg.Nodes, "node") + fmt.Sprintf(" · %g ops/s · seed %d", cfg.Rate, cfg.Seed))
	nem := "none"
	if len(cfg.Nemesis) > 0 {
		nem = strings.Join(cfg.Nemesis, ", ")
	}
	add(st.Bold.Render("nemesis ") + nem)
	if maelstrom.FinalReads(cfg.Workload) {
		add(st.Bold.Render("time ") + fmt.Sprintf("%s of work, then heal, %s to recover, final reads", cfg.TimeLimit, cfg.Recovery))
	} else {
		add(st.Bold.Render("time ") + fmt.Sprintf("%s of work (%s has no final reads)", cfg.TimeLimit, cfg.Workload))
	}
	if cfg.LogDir != "" {
		add(st.Bold.Render("logs ") + filepath.Join(cfg.LogDir, "n1.log") + " …")
	}
	out = append(out, "")
	if m.live != nil && len(m.live.applied) > 0 {
		out = append(out, st.Bold.Render("Faults so far"))
		applied := m.live.applied
		for _, a := range applied[max(0, len(applied)-12):] {
			add(fmtSeconds(a.Time) + " " + a.Desc)
		}
		out = append(out, "")
	}
	if m.live != nil {
		s := m.stats()
		add(fmt.Sprintf("%d messages between nodes (%d dropped, %d duplicated, %d delayed), %d to services.", s.NodeMessages, s.Dropped, s.Duplicated, s.Delayed, s.ServiceMessages))
		if s.EventsLost > 0 || m.live.capped > 0 {
			add(st.Warn.Render(fmt.Sprintf("The views missed %d events (the run was faster than the screen); the history and the verdict are whole.", s.EventsLost+int64(m.live.capped))))
		}
		out = append(out, "")
	}
	add(st.Dim.Render("Your nodes run in real time: the seed fixes the operations the clients issue and the fault schedule, " +
		"not how the messages interleave, so the same seed can give another history and another verdict."))
	return out
}

// shortKeys is the key bar: the keys that matter now.
func (m *nodeModel) shortKeys() []key.Binding {
	k := m.c.keys
	switch m.stage {
	case stageStarting:
		return []key.Binding{short(k.Esc, "stop"), short(k.Quit, "back"), k.Help}
	case stageRunning:
		return []key.Binding{short(k.Partition, "partition"), short(k.Crash, "crash"), short(k.Pause, "pause"), short(k.Heal, "heal"),
			pair(k.Up, k.Down, "node"), short(k.Timeline, "timeline"), short(k.Messages, "messages"), short(k.Esc, "end"), k.Help}
	case stageFailed:
		return []key.Binding{short(k.Enter, "settings"), short(k.Run, "try again"), short(k.Quit, "back"), k.Help}
	}
	keys := []key.Binding{short(k.Run, "run again"), short(k.Seed, "next seed")}
	if res := m.check.result; res != nil && res.Verdict == checker.NotLinearizable {
		keys = append(keys, short(k.Witness, "witness"))
	}
	return append(keys, short(k.Timeline, "timeline"), short(k.Messages, "messages"), short(k.Export, "export"),
		short(k.Esc, "settings"), short(k.Quit, "back"), k.Help)
}

// nodeFull is the ? screen of the node screen.
func (k *keyMap) nodeFull() []keyGroup {
	return []keyGroup{
		{"Run", []key.Binding{short(k.Run, "run again (after the end)"), short(k.Seed, "run again, next seed"),
			short(k.Check, "check the history so far"), short(k.Esc, "end the run now (twice); after it, the settings")}},
		{"Faults, now", []key.Binding{k.Partition, k.Crash, k.Pause, short(k.Skew, "clock skew: refused (a real process)"), k.Heal}},
		{"Look", []key.Binding{k.Timeline, k.Witness, k.Messages, k.Export, k.Tab, short(k.Up, "the node above / scroll"),
			short(k.Down, "the node below / scroll"), k.PageUp, k.PageDown}},
		{"General", []key.Binding{k.Help, short(k.Quit, "back to the lessons (twice while running)"), k.ForceQuit}},
	}
}
