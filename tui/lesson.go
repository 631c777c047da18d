package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

// pane is a focusable part of the lesson screen; tab moves between them.
type pane uint8

const (
	paneText pane = iota
	paneCluster
	paneHistory
	paneCount
)

// lessonModel is the lesson screen: the text, the cluster, the history,
// the run's controls, the verdict and the questions.
type lessonModel struct {
	c       *common
	l       *lessons.Lesson
	variant string
	seed    uint64
	speed   int // index into speeds
	run     *playback
	gen     int // playback generation: ticks of older ones are ignored

	focus      pane
	text       viewport.Model
	textWidth  int
	nodeCursor int
	histTop    int // first history record shown; -1 follows the run

	check    checkState
	prompt   promptState
	explorer *explorerModel // t, w, m: full-screen views over the run
	look     explorerCache  // what those views derive from the run
	exportTo exportPrompt   // e: the folder to export to
	flash    string         // what the last key did
	quizDone bool           // the quiz was taken this visit
}

// backMsg asks the root to go back to the picker.
type backMsg struct{}

// newLesson opens a lesson at a variant ("" for the default) and seed.
func newLesson(c *common, l *lessons.Lesson, variant string, seed uint64) (*lessonModel, error) {
	if variant == "" {
		variant = l.DefaultVariant()
	}
	m := &lessonModel{c: c, l: l, variant: variant, seed: seed, histTop: -1, focus: paneText}
	m.check.spinner = spinner.New(spinner.WithSpinner(spinner.Line), spinner.WithStyle(c.styles.Warn))
	m.text = viewport.New(0, 0)
	if err := m.reset(); err != nil {
		return nil, err
	}
	m.speed = estimateSpeed(m.run.sc)
	if p := c.progress.get(l.ID); p.Predicted == nil && l.Text.Predict.Q != "" {
		m.prompt.open(promptPredict)
	}
	m.resize()
	return m, nil
}

// reset makes a fresh, idle run of the current variant and seed. Faults
// pressed before r apply to it from its first moment.
func (m *lessonModel) reset() error {
	sc, err := m.l.Scenario(lessons.Options{Variant: m.variant, Seed: m.seed, Trace: true})
	if err != nil {
		return err
	}
	p, err := newPlayback(sc)
	if err != nil {
		return err
	}
	m.check.clear()
	m.run = p
	m.gen++
	m.histTop = -1
	return nil
}

// leave stops background work before the screen goes away.
func (m *lessonModel) leave() {
	m.check.stop()
	m.look.order.stop()
	m.run.playing = false
	m.gen++
}

func (m *lessonModel) Update(msg tea.Msg) (*lessonModel, tea.Cmd) {
	if cmd, ok := m.explorerUpdate(msg); ok {
		return m, tea.Batch(cmd, m.explorerSync())
	}
	cmd := m.update(msg)
	m.resize() // the box under the panes grows and shrinks with its content
	return m, tea.Batch(cmd, m.explorerSync())
}

func (m *lessonModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case frameMsg:
		return m.frame(msg)
	case exportDoneMsg:
		m.flash = msg.text
		return nil
	case checkDoneMsg:
		if m.check.finish(msg) {
			m.afterCheck()
		}
		return nil
	case spinner.TickMsg:
		if !m.check.running {
			return nil
		}
		var cmd tea.Cmd
		m.check.spinner, cmd = m.check.spinner.Update(msg)
		return cmd
	case tea.KeyMsg:
		if m.exportTo.open {
			return m.exportKey(msg)
		}
		if m.explorer != nil {
			return m.explorerKey(msg)
		}
		return m.key(msg)
	}
	return nil
}

// frame plays one frame of the run.
func (m *lessonModel) frame(msg frameMsg) tea.Cmd {
	if msg.gen != m.gen || !m.run.playing {
		return nil
	}
	m.run.advance(int64(speeds[m.speed] * float64(frameInterval)))
	if m.run.done() {
		return m.runOver()
	}
	return frameCmd(m.gen)
}

// runOver stops playback and checks the finished run.
func (m *lessonModel) runOver() tea.Cmd {
	m.run.playing = false
	m.gen++
	if err := m.run.s.Err(); err != nil {
		m.flash = "the run stopped: " + err.Error()
		return nil
	}
	m.flash = "run finished; checking the history"
	return m.check.start(m.l, m.run.s.History(), true, m.variant)
}

func (m *lessonModel) key(k tea.KeyMsg) tea.Cmd {
	keys := m.c.keys
	switch {
	case key.Matches(k, keys.Esc):
		switch {
		case m.check.running:
			m.check.cancelByUser()
			m.flash = "check cancelled; c checks again"
		case m.prompt.kind != promptNone:
			m.prompt.close()
		default:
			return m.back()
		}
	case key.Matches(k, keys.Quit):
		return m.back()
	case key.Matches(k, keys.Run):
		return m.startRun()
	case key.Matches(k, keys.Play):
		return m.togglePlay()
	case key.Matches(k, keys.Step):
		return m.stepOnce()
	case key.Matches(k, keys.Slower):
		m.speed = max(0, m.speed-1)
		m.flash = "speed " + speedLabel(m.speed)
	case key.Matches(k, keys.Faster):
		m.speed = min(len(speeds)-1, m.speed+1)
		m.flash = "speed " + speedLabel(m.speed)
	case key.Matches(k, keys.Partition):
		m.partition()
	case key.Matches(k, keys.Crash):
		m.crashOrRestart()
	case key.Matches(k, keys.Pause):
		m.pauseOrResume()
	case key.Matches(k, keys.Skew):
		m.skew()
	case key.Matches(k, keys.Heal):
		m.inject(sim.Fault{Kind: sim.FaultHealAll})
	case key.Matches(k, keys.Variant):
		m.nextVariant()
	case key.Matches(k, keys.Seed):
		m.seed++
		m.restartIdle(fmt.Sprintf("seed %d — press r to run it", m.seed))
	case key.Matches(k, keys.Check):
		return m.checkNow()
	case key.Matches(k, keys.Answer):
		m.answer(int(k.Runes[0] - '1'))
	case key.Matches(k, keys.Enter):
		m.enter()
	case key.Matches(k, keys.Tab):
		m.focus = (m.focus + 1) % paneCount
	case key.Matches(k, keys.Up):
		m.scroll(-1)
	case key.Matches(k, keys.Down):
		m.scroll(1)
	case key.Matches(k, keys.PageUp):
		m.scroll(-m.pageSize())
	case key.Matches(k, keys.PageDown):
		m.scroll(m.pageSize())
	case key.Matches(k, keys.Timeline):
		m.openExplorer(viewHistory)
	case key.Matches(k, keys.Witness):
		m.openExplorer(viewWitness)
	case key.Matches(k, keys.Messages):
		m.openExplorer(viewMessages)
	case key.Matches(k, keys.Export):
		return m.askExport()
	}
	return nil
}

func (m *lessonModel) back() tea.Cmd {
	m.leave()
	return func() tea.Msg { return backMsg{} }
}

// startRun plays a fresh run (or the idle one, with any faults already
// pressed). r always runs, whatever question is open.
func (m *lessonModel) startRun() tea.Cmd {
	if m.run.started {
		if err := m.reset(); err != nil {
			m.flash = err.Error()
			return nil
		}
	}
	m.check.clear()
	if m.prompt.kind == promptPredict {
		m.prompt.close() // its moment has passed; an answer is kept for the reveal
	}
	m.run.started, m.run.playing = true, true
	m.gen++
	m.histTop = -1
	m.flash = fmt.Sprintf("running %s, seed %d, at %s", m.variant, m.seed, speedLabel(m.speed))
	if warn := m.c.progress.update(m.l.ID, func(p *lessonProgress) {
		if p.Status == statusNew {
			p.Status = statusStarted
		}
	}); warn != "" {
		m.flash = warn
	}
	return frameCmd(m.gen)
}

func (m *lessonModel) togglePlay() tea.Cmd {
	switch {
	case !m.run.started || m.run.done():
		return m.startRun()
	case m.run.playing:
		m.run.playing = false
		m.gen++
		m.flash = "paused; space resumes, . steps one event"
		return nil
	}
	m.run.playing = true
	m.gen++
	m.flash = "playing at " + speedLabel(m.speed)
	return frameCmd(m.gen)
}

func (m *lessonModel) stepOnce() tea.Cmd {
	if m.run.done() {
		m.flash = "the run is over; r runs again"
		return nil
	}
	if !m.run.started {
		m.startRun() // its first frame is ignored: the generation moves on below
	}
	m.run.playing = false
	m.gen++
	m.run.step()
	m.flash = ""
	if m.run.done() {
		return m.runOver()
	}
	return nil
}

// inject applies a fault at the current moment of the run and records it
// in the run's schedule.
func (m *lessonModel) inject(f sim.Fault) {
	if m.run.done() {
		m.flash = "the run is over; r runs again, then press the fault keys while it plays"
		return
	}
	a, err := m.run.s.Inject(f)
	if err != nil {
		m.flash = err.Error()
		return
	}
	m.run.absorb()
	when := "at " + sim.FormatDuration(a.Time)
	if !m.run.started {
		when = "from the start; press r to run"
	}
	m.flash = a.Desc + " " + when
	if f.Kind == sim.FaultPartition {
		m.flash = fmt.Sprintf("p: %s — %s", f.Shape, m.flash)
	}
}

func (m *lessonModel) partition() {
	if m.run.s.Config().Nodes < 2 {
		m.flash = "one node: there is no network between nodes to cut"
		return
	}
	shape := sim.Shapes[m.run.shapeNext%len(sim.Shapes)]
	m.run.shapeNext++
	m.inject(sim.Fault{Kind: sim.FaultPartition, Shape: shape})
}

// selected is the node the cursor is on in the cluster view.
func (m *lessonModel) selected() sim.NodeView {
	nodes := m.run.s.Cluster()
	m.nodeCursor = max(0, min(m.nodeCursor, len(nodes)-1))
	return nodes[m.nodeCursor]
}

func (m *lessonModel) crashOrRestart() {
	n := m.selected()
	kind := sim.FaultCrash
	if !n.Up {
		kind = sim.FaultRestart
	}
	m.inject(sim.Fault{Kind: kind, Nodes: []string{n.ID}})
}

func (m *lessonModel) pauseOrResume() {
	n := m.selected()
	switch {
	case !n.Up:
		m.flash = n.ID + " is down: k restarts it"
	case n.Paused:
		m.inject(sim.Fault{Kind: sim.FaultResume, Nodes: []string{n.ID}})
	default:
		m.inject(sim.Fault{Kind: sim.FaultPause, Nodes: []string{n.ID}})
	}
}

// skewSteps are the offsets s sets in turn on the selected node's clock.
var skewSteps = []int64{2_000_000_000, -2_000_000_000, 0}

func (m *lessonModel) skew() {
	n := m.selected()
	d := skewSteps[m.run.skewNext%len(skewSteps)]
	m.run.skewNext++
	m.inject(sim.Fault{Kind: sim.FaultClockSkew, Nodes: []string{n.ID}, DeltaNs: d})
}

func (m *lessonModel) nextVariant() {
	vs := m.l.Variants()
	i := 0
	for j, v := range vs {
		if v.Name == m.variant {
			i = j
		}
	}
	v := vs[(i+1)%len(vs)]
	m.variant = v.Name
	m.restartIdle(fmt.Sprintf("variant %s: %s — press r to run it", v.Name, v.Summary))
}

// restartIdle replaces the run with an idle one after a change of variant
// or seed.
func (m *lessonModel) restartIdle(flash string) {
	if err := m.reset(); err != nil {
		m.flash = err.Error()
		return
	}
	m.flash = flash
}

func (m *lessonModel) checkNow() tea.Cmd {
	h := m.run.s.History()
	if len(h) == 0 {
		m.flash = "nothing to check yet: r runs the lesson"
		return nil
	}
	if m.run.playing {
		m.run.playing = false
		m.gen++
	}
	m.flash = "checking the history so far"
	return m.check.start(m.l, h, m.run.done(), m.variant)
}

// afterCheck records the evidence, and points the text and the history at
// what the verdict is about.
func (m *lessonModel) afterCheck() {
	if m.check.err != nil {
		m.flash = "the checker could not check this history: " + m.check.err.Error()
		return
	}
	res := m.check.result
	m.flash = ""
	switch res.Verdict {
	case checker.NotLinearizable:
		m.jumpText("what happened")
		if i := m.check.failingIndex(); i >= 0 {
			m.histTop = max(0, int(i)-m.historyRows()/2)
		}
	case checker.Linearizable:
		if m.variant == "fixed" {
			m.jumpText("the fix")
		}
	}
	full, variant := m.check.full, m.check.variant
	buggy := !m.l.IsCorrect(variant)
	before := m.c.progress.status(m.l.ID)
	warn := m.c.progress.update(m.l.ID, func(p *lessonProgress) {
		if p.Status == statusNew {
			p.Status = statusStarted
		}
		if full && res.Verdict != checker.Unknown {
			p.SawVerdict = true
		}
		if buggy && res.Verdict == checker.NotLinearizable {
			p.SawFail = true
		}
		if !buggy && full && res.Verdict == checker.Linearizable {
			p.SawFixedPass = true
		}
		// Done on evidence: a buggy variant caught and a correct one passing;
		// a lesson with no bug (lesson 1) needs one checked run.
		if (len(m.l.Buggy()) > 0 && p.SawFail && p.SawFixedPass) || (len(m.l.Buggy()) == 0 && p.SawVerdict) {
			p.Status = statusDone
		}
	})
	switch {
	case warn != "":
		m.flash = warn
	case before != statusDone && m.c.progress.status(m.l.ID) == statusDone:
		m.flash = "lesson done: it is marked done in the lesson list"
	}
}

// nextStep is the hint under a verdict: what the evidence so far asks for.
func (m *lessonModel) nextStep() string {
	res := m.check.result
	if res == nil {
		return ""
	}
	p := m.c.progress.get(m.l.ID)
	def := m.l.DefaultVariant()
	buggy := !m.l.IsCorrect(m.variant)
	hasBugs := len(m.l.Buggy()) > 0
	switch {
	case res.Verdict == checker.Unknown:
		return "The checker ran out of time before deciding. c checks again; a shorter run (n for another seed) checks faster."
	case !m.check.full:
		return "That was the history so far; space plays on, and the finished run is checked again."
	case p.Status == statusDone && hasBugs:
		return "Lesson done: you saw a bug caught and a correct design survive the same faults."
	case p.Status == statusDone:
		return "Lesson done. Try your own faults (p k z s h), or the next lesson (q)."
	case buggy && res.Verdict == checker.NotLinearizable:
		return "v cycles variants to fixed, then r runs the same seed and faults against it."
	case buggy && res.Verdict == checker.Linearizable:
		return "This run did not expose the bug. n tries the next seed; or add faults yourself while it runs (p, k, z, s)."
	case !buggy && res.Verdict == checker.Linearizable && hasBugs && !p.SawFail && m.l.IsCorrect(def):
		return fmt.Sprintf("This design held. Now break it: v picks a variant with a bug (%s), then r.", strings.Join(m.l.Buggy(), ", "))
	case !buggy && res.Verdict == checker.Linearizable && hasBugs && !p.SawFail:
		return fmt.Sprintf("The fix held. Now see %s fail: v to switch back, then r.", def)
	case !buggy && res.Verdict == checker.NotLinearizable:
		return fmt.Sprintf("The %s variant must never fail: that is a bug in faultline. Please report lesson %s, seed %d.", m.variant, m.l.ID, m.seed)
	}
	return ""
}

func (m *lessonModel) answer(choice int) {
	t := m.l.Text
	if m.prompt.kind == promptNone {
		return
	}
	if !m.prompt.answer(t, choice) {
		return
	}
	if m.prompt.kind == promptPredict {
		if warn := m.c.progress.update(m.l.ID, func(p *lessonProgress) { p.Predicted = &choice }); warn != "" {
			m.flash = warn
		}
	}
}

// enter moves the quiz on, or offers it after a verdict.
func (m *lessonModel) enter() {
	switch {
	case m.prompt.kind == promptQuiz && m.prompt.q >= len(m.l.Text.Quiz):
		m.prompt.close()
	case m.prompt.kind == promptQuiz:
		if m.prompt.next(m.l.Text) {
			right, total := m.prompt.right, len(m.l.Text.Quiz)
			m.quizDone = true
			if warn := m.c.progress.update(m.l.ID, func(p *lessonProgress) {
				p.QuizTaken++
				p.QuizRight = right
			}); warn != "" {
				m.flash = warn
			}
			m.flash = fmt.Sprintf("quiz: %d of %d right", right, total)
		}
	case m.prompt.kind == promptPredict:
		m.prompt.close()
	case m.quizOffered():
		m.prompt.open(promptQuiz)
	}
}

// quizOffered is true when a verdict is shown and the lesson has a quiz.
func (m *lessonModel) quizOffered() bool {
	return m.prompt.kind == promptNone && m.check.result != nil && len(m.l.Text.Quiz) > 0
}

// scroll moves the focused pane's content by n lines.
func (m *lessonModel) scroll(n int) {
	switch m.focus {
	case paneText:
		if n < 0 {
			m.text.ScrollUp(-n)
		} else {
			m.text.ScrollDown(n)
		}
	case paneCluster:
		m.nodeCursor = max(0, min(m.run.s.Config().Nodes-1, m.nodeCursor+n))
	case paneHistory:
		total, rows := len(m.run.s.History()), m.historyRows()
		top := m.histTop
		if top < 0 {
			top = max(0, total-rows)
		}
		top = max(0, min(top+n, total-rows))
		m.histTop = top
		if top >= total-rows {
			m.histTop = -1 // at the end again: follow the run
		}
	}
}

func (m *lessonModel) pageSize() int {
	switch m.focus {
	case paneText:
		return max(1, m.text.Height-1)
	case paneHistory:
		return max(1, m.historyRows()-1)
	}
	return 1
}

// jumpText scrolls the text to a section whose heading starts with title.
func (m *lessonModel) jumpText(title string) {
	r := m.c.texts.render(m.l.ID, m.l.Text.Body, m.textWidth)
	for h, line := range r.sections {
		if strings.HasPrefix(h, title) {
			m.text.SetYOffset(line)
			return
		}
	}
}

// resize lays the screen out again for the terminal's size.
func (m *lessonModel) resize() {
	lay := m.layout()
	w := max(10, lay.textW-2)
	if w != m.textWidth {
		off := m.text.YOffset
		m.textWidth = w
		m.text.SetContent(m.c.texts.render(m.l.ID, m.l.Text.Body, w).content)
		m.text.SetYOffset(off)
	}
	m.text.Width, m.text.Height = w, max(1, lay.bodyH-2)
	m.text.SetYOffset(m.text.YOffset) // clamp to the new height
	if m.explorer != nil {
		m.explorer.resize(m.c.width, m.c.height)
	}
}
