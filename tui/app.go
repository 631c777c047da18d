// Package tui is faultline's workbench: a lesson picker, and a lesson
// screen where a toy database runs on a simulated cluster, the learner
// injects faults from the keyboard, and the checker gives its verdict.
//
// One root model routes to typed children by state (the picker, the lesson
// screen, the help); they share a common struct of size, styles, keys and
// progress. Long work — a check, an export — runs in commands; playback
// advances the simulation by a fixed amount of virtual time per frame, so
// the simulation never sees the wall clock.
package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/faultline-lab/faultline/lessons"
)

// Model is the root of the TUI.
type Model struct {
	c        *common
	picker   pickerModel
	lesson   *lessonModel // nil on the picker
	node     *nodeModel   // "Your own node"; nil unless open
	showHelp bool
	seed     uint64 // the seed lessons open with; 0: the one the text narrates, else defaultSeed
}

// newModel builds the root. A lesson in opts opens straight away; an error
// opening it (an unknown lesson or variant) is returned.
func newModel(opts Options, r *lipgloss.Renderer, progress *progressStore) (Model, error) {
	c := newCommon(r, progress)
	m := Model{c: c, picker: newPicker(c)}
	if opts.SeedSet {
		m.seed = opts.Seed
	}
	if last := progress.last(); last != "" {
		m.picker.selectLesson(last) // the picker starts where the learner left off
	}
	if opts.Lesson == "" {
		return m, nil
	}
	l, err := lessons.Get(opts.Lesson)
	if err != nil {
		return m, err
	}
	lm, err := newLesson(c, l, opts.Variant, m.seed)
	if err != nil {
		return m, err
	}
	m.lesson = lm
	m.picker.selectLesson(l.ID)
	return m, nil
}

// defaultSeed is the seed a lesson opens with when none is given: the same
// for everyone, so a room of learners sees the same run.
const defaultSeed = 1

// Init starts nothing: a run starts with r.
func (m Model) Init() tea.Cmd { return nil }

func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		if m.lesson != nil {
			m.lesson.resize()
		}
		m.picker.scroll()
		return m, nil
	case tea.KeyMsg:
		return m.key(msg)
	case openLessonMsg:
		if msg.id == nodeEntryID {
			m.node, m.picker.message = newNodeModel(m.c), ""
			return m, nil
		}
		return m.open(msg.id), nil
	case backMsg:
		if m.lesson != nil {
			m.picker.selectLesson(m.lesson.l.ID)
		}
		if m.node != nil {
			m.node.leave()
			m.picker.selectLesson(nodeEntryID)
		}
		m.lesson, m.node = nil, nil
		return m, nil
	}
	if m.node != nil {
		var cmd tea.Cmd
		m.node, cmd = m.node.Update(msg)
		return m, cmd
	}
	if m.lesson != nil {
		var cmd tea.Cmd
		m.lesson, cmd = m.lesson.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m Model) key(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if k.Type == tea.KeyRunes && len(k.Runes) > 1 && !k.Paste {
		// Keys typed faster than the terminal is read arrive together;
		// each is still a key of its own.
		var cmds []tea.Cmd
		var next tea.Model = m
		for _, r := range k.Runes {
			var cmd tea.Cmd
			next, cmd = next.(Model).key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: k.Alt})
			cmds = append(cmds, cmd)
		}
		return next, tea.Batch(cmds...)
	}
	keys := m.c.keys
	if key.Matches(k, keys.ForceQuit) {
		m.shutdown()
		return m, tea.Quit
	}
	if m.node != nil && m.node.typing() && !m.c.tooSmall() {
		// Settings or a folder are being typed: every key is a character.
		var cmd tea.Cmd
		m.node, cmd = m.node.Update(k)
		return m, cmd
	}
	if m.lesson != nil && m.lesson.exportTo.open && !m.c.tooSmall() {
		// A folder name is being typed: every key is a character of it.
		var cmd tea.Cmd
		m.lesson, cmd = m.lesson.Update(k)
		return m, cmd
	}
	if m.showHelp {
		if key.Matches(k, keys.Help, keys.Esc, keys.Quit) {
			m.showHelp = false
		}
		return m, nil
	}
	if m.c.tooSmall() {
		// Only the way out works when nothing can be seen.
		if key.Matches(k, keys.Quit, keys.Esc) {
			return m.quitOrBack()
		}
		return m, nil
	}
	if key.Matches(k, keys.Help) {
		m.showHelp = true
		return m, nil
	}
	if m.node != nil {
		var cmd tea.Cmd
		m.node, cmd = m.node.Update(k)
		return m, cmd
	}
	if m.lesson != nil {
		var cmd tea.Cmd
		m.lesson, cmd = m.lesson.Update(k)
		return m, cmd
	}
	if key.Matches(k, keys.Quit, keys.Esc) {
		return m, tea.Quit
	}
	var cmd tea.Cmd
	m.picker, cmd = m.picker.Update(k)
	return m, cmd
}

// shutdown stops what the screens run in the background — above all a
// live run's processes, which are gone when it returns. The program calls
// it however it ends.
func (m Model) shutdown() {
	if m.lesson != nil {
		m.lesson.leave()
	}
	m.node.shutdown()
}

// quitOrBack is q: from a lesson back to the picker, from the picker out.
func (m Model) quitOrBack() (tea.Model, tea.Cmd) {
	if m.node != nil {
		m.node.leave()
		m.picker.selectLesson(nodeEntryID)
		m.node = nil
		return m, nil
	}
	if m.lesson != nil {
		m.lesson.leave()
		m.picker.selectLesson(m.lesson.l.ID)
		m.lesson = nil
		return m, nil
	}
	return m, tea.Quit
}

func (m Model) open(id string) Model {
	l, err := lessons.Get(id)
	if err == nil {
		var lm *lessonModel
		if lm, err = newLesson(m.c, l, "", m.seed); err == nil {
			m.lesson, m.picker.message = lm, ""
			return m
		}
	}
	m.picker.message = "could not open the lesson: " + err.Error()
	return m
}

func (m Model) View() string {
	c := m.c
	switch {
	case c.width == 0 && c.height == 0:
		return "" // no size yet: the first WindowSizeMsg is on its way
	case c.tooSmall():
		return c.tooSmallView()
	case m.showHelp && m.node != nil:
		return m.node.header() + "\n" + fitBlock(c.fullHelp("keys of your own node's screen", c.keys.nodeFull()), c.width, c.height-1)
	case m.node != nil:
		return m.node.View()
	case m.showHelp && m.lesson != nil:
		// The lesson's header stays, so the seed is always in sight.
		title, groups := "keys of the lesson screen", c.keys.lessonFull()
		if m.lesson.explore.open {
			title, groups = "keys of this view", c.keys.explorerFull()
		}
		return m.lesson.header() + "\n" + fitBlock(c.fullHelp(title, groups), c.width, c.height-1)
	case m.showHelp:
		return c.fullHelp("faultline — keys of the lesson list", c.keys.pickerFull())
	case m.lesson != nil:
		return m.lesson.View()
	}
	return m.picker.View()
}
