package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/lessons"
)

// pane is a focusable part of the lesson screen; tab moves between them.
type pane uint8

const (
	paneText pane = iota
	paneCluster
	paneHistory
	paneBottom // the question or verdict under the panes, when it overflows
	paneCount
)

// lessonModel is the lesson screen: the lesson's flow (its text, the
// prediction, the quiz, the variant and seed, the fault keys) and the
// routing to its children — the player (the run and its controls), the
// explorer (t, w, m), the reader (l), the export prompt (e) — which get a
// narrow input.
type lessonModel struct {
	screen
	l       *lessons.Lesson
	text    lessonText
	variant string
	seed    uint64
	own     bool        // the learner's faults only: the lesson's schedule is off
	play    playerModel // the run, and r, space, ., [ ], ← →

	textPane textPane // the lesson text beside the cluster
	prompt   promptState
	reader   readerModel  // l: the lesson text, full screen
	confirm  confirmState // v or n while a run is under way
	quizDone bool         // the quiz was taken this visit
}

// backMsg asks the root to go back to the picker.
type backMsg struct{}

// newLesson opens a lesson at a variant ("" for the default) and seed
// (0: the seed its text narrates, else the default).
func newLesson(c *common, l *lessons.Lesson, variant string, seed uint64) (*lessonModel, error) {
	t := c.textOf(l)
	if variant == "" && seed == 0 {
		variant = t.variantOr("") // the run the text narrates, seed and variant
	}
	if variant == "" {
		variant = l.DefaultVariant()
	}
	if seed == 0 {
		seed = t.seedOr(defaultSeed)
	}
	m := &lessonModel{screen: newScreen(c), l: l, text: t, variant: variant, seed: seed}
	if l.Transactional() {
		m.check.words = txnWords(l)
	}
	m.textPane = newTextPane(l.ID, t, c.progress.get(l.ID).ran())
	if err := m.play.reset(m.playerInput(), nil); err != nil {
		return nil, err
	}
	m.play.speed = estimateSpeed(m.play.run.sc)
	if p := c.progress.get(l.ID); p.Predicted == nil && l.Text.Predict.Q != "" {
		m.prompt.open(promptPredict)
	}
	m.c.progress.setLast(l.ID)
	m.resize()
	return m, nil
}

// leave stops background work before the screen goes away.
func (m *lessonModel) leave() {
	m.check.stop()
	m.explore.stop()
	m.exportTo.stop()
	m.play.stop()
}

// explorerInput is what the explorer is handed: nothing of the lesson
// screen but the run, the verdict and the lines that frame a view.
func (m *lessonModel) explorerInput() explorerInput {
	in := explorerInput{c: m.c, src: m.play.run, model: string(m.l.Model), init: m.l.Init, check: &m.check, header: m.header(), status: m.statusLine()}
	if m.l.Transactional() {
		in.model, in.txn = "", true // no linearizability order; w opens the cycle view
	}
	return in
}

func (m *lessonModel) Update(msg tea.Msg) (*lessonModel, tea.Cmd) {
	if msg, ok := msg.(scrubDoneMsg); ok && msg.owner == scrubMain {
		return m, m.play.scrubbed(msg)
	}
	if cmd, ok := m.explorerMsg(msg, m); ok {
		return m, cmd
	}
	cmd := m.handle(msg, m)
	m.resize() // the box under the panes grows and shrinks with its content
	return m, tea.Batch(cmd, m.followRun(m), m.play.sync())
}

// modal gives a key to the reader while it has the screen.
func (m *lessonModel) modal(k tea.KeyMsg) (tea.Cmd, bool) {
	if !m.reader.open {
		return nil, false
	}
	var cmd tea.Cmd
	m.reader, cmd = m.reader.Update(k, m.c)
	if !m.reader.open && m.reader.run {
		m.reader.run = false
		return m.play.startRun(m.playerInput()), true
	}
	return cmd, true
}

func (m *lessonModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case frameMsg:
		return m.play.frame(msg, m.playerInput())
	case aheadDoneMsg:
		return m.play.aheadDone(msg, m.playerInput())
	}
	return nil
}

func (m *lessonModel) key(k tea.KeyMsg) tea.Cmd {
	keys := m.c.keys
	m.notice = nil // a notice's box stays until a key of this screen
	if cmd, asked := m.confirm.ask(m, k); asked {
		return cmd
	}
	switch {
	case key.Matches(k, keys.Esc):
		switch {
		case m.check.running:
			m.cancelCheck()
		case m.play.back.on:
			m.play.toLive()
		case m.prompt.kind != promptNone:
			m.prompt.close()
		default:
			return m.goBack()
		}
	case key.Matches(k, keys.Quit):
		return m.goBack()
	case m.play.owns(k, keys):
		return m.play.key(k, m.playerInput())
	case isFaultKey(k, keys):
		return m.faultKey(k)
	case key.Matches(k, keys.Variant):
		m.nextVariant()
	case key.Matches(k, keys.Seed):
		m.nextSeed()
	case key.Matches(k, keys.OwnFaults):
		m.toggleOwn()
	case key.Matches(k, keys.Check):
		return m.checkNow()
	case key.Matches(k, keys.Answer):
		m.answer(int(k.Runes[0] - '1'))
	case key.Matches(k, keys.Enter):
		m.enter()
	case key.Matches(k, keys.Tab):
		m.nextPane(m.layout(), true)
	case key.Matches(k, keys.Up):
		m.scroll(-1)
	case key.Matches(k, keys.Down):
		m.scroll(1)
	case key.Matches(k, keys.PageUp):
		m.scroll(-m.pageSize())
	case key.Matches(k, keys.PageDown):
		m.scroll(m.pageSize())
	case key.Matches(k, keys.Reader):
		m.reader = m.reader.show(m.c, m.l, m.textPane.body(), m.textPane.at)
	case key.Matches(k, keys.Timeline):
		return m.openExplorer(viewHistory, m)
	case key.Matches(k, keys.Witness):
		return m.openExplorer(viewWitness, m)
	case key.Matches(k, keys.Messages):
		return m.openExplorer(viewMessages, m)
	case key.Matches(k, keys.Export):
		return m.askExport()
	}
	return nil
}

func (m *lessonModel) goBack() tea.Cmd {
	m.leave()
	return func() tea.Msg { return backMsg{} }
}

// scroll moves the focused pane's content by n lines.
func (m *lessonModel) scroll(n int) {
	if m.focus == paneText {
		m.textPane.scroll(n)
		return
	}
	m.scrollPane(n, m.play.run.s.Config().Nodes, m.play.historyLen(), m.historyRows())
}

func (m *lessonModel) pageSize() int {
	switch m.focus {
	case paneText:
		return m.textPane.pageSize()
	case paneHistory:
		return max(1, m.historyRows()-1)
	case paneBottom:
		return max(1, m.layout().bottomH-3)
	}
	return 1
}

// reveal shows the text's spoilers, after the learner's first run.
func (m *lessonModel) reveal() {
	if !m.textPane.reveal() {
		return
	}
	m.resize()
	if warn := m.c.progress.update(m.l.ID, func(p *lessonProgress) { p.Ran = true }); warn != "" {
		m.flash = warn
	}
}

// resize lays the screen out again for the terminal's size.
func (m *lessonModel) resize() {
	lay := m.layout()
	m.textPane.runs(m.seed, m.variant)
	m.textPane.resize(m.c.texts, max(10, lay.textW-2), lay.bodyH-2)
	if m.reader.open {
		m.reader.resize(m.c)
	}
	if !paneShown(m.focus, lay, true) {
		m.focus = paneCluster
	}
}
