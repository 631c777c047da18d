package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// settle runs the explorer's background work a command started — the
// checker's order, a re-simulation, an export — and hands each result to
// the model, until none is left. Other messages (ticks) are dropped, and
// commands known to sleep are not what the explorer starts.
func settle(t testing.TB, m Model, cmd tea.Cmd) Model {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 1000 {
			t.Fatal("the explorer's work never settles")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case orderDoneMsg, scrubDoneMsg, exportDoneMsg:
			var next tea.Cmd
			m, next = updateCmd(m, msg)
			queue = append(queue, next)
		}
	}
	return m
}

// pressSettle types keys, settling the background work after each.
func pressSettle(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = updateCmd(m, keyMsg(k))
		m = settle(t, m, cmd)
	}
	return m
}

// failedRun is lesson 2 at its failing seed, played to its verdict.
func failedRun(t testing.TB, w, h int) Model {
	t.Helper()
	m := openLesson2(t, w, h)
	m = press(t, m, "2")
	return playToEnd(t, m)
}
