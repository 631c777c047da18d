package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// confirmState asks before a key throws a run away: v or n while a run
// is under way takes effect on its second press; any other key keeps the
// run.
type confirmState struct {
	pending string // the key pressed once, "" none
}

// ask reports whether k was taken as the first press of a key that needs
// confirming, or esc answering one (the caller does nothing more with it).
func (c *confirmState) ask(m *lessonModel, k tea.KeyMsg) (tea.Cmd, bool) {
	keys := m.c.keys
	if c.pending != "" && key.Matches(k, keys.Esc) {
		// esc answers the question (keep the run); it does not also leave.
		c.pending = ""
		m.flash = "the run goes on"
		return nil, true
	}
	needs := key.Matches(k, keys.Variant, keys.Seed) && m.play.run.started && !m.play.run.done()
	if !needs {
		c.pending = ""
		return nil, false
	}
	if c.pending == k.String() {
		c.pending = ""
		return nil, false
	}
	c.pending = k.String()
	what := "next variant"
	if key.Matches(k, keys.Seed) {
		what = "next seed"
	}
	// Short enough for the status line at 80 columns.
	m.flash = k.String() + " again: " + what + ", ends this run"
	return nil, true
}
