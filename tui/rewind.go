package tui

import (
	"sort"

	tea "github.com/charmbracelet/bubbletea"
)

// rewindState is the main screen looking at an earlier moment of the run
// (← and →): the history up to then, and the cluster as it was, from a
// re-simulation in the background (a run is deterministic, so the past is
// computed again, never stored).
type rewindState struct {
	on    bool
	at    int64
	scrub scrubState
}

// sync asks for the cluster at the moment shown, when that changed.
func (r *rewindState) sync(p *playback) tea.Cmd {
	if !r.on {
		return nil
	}
	r.scrub.owner = scrubMain
	return r.scrub.request(p, r.at)
}

// snap is the cluster at the moment shown, when a re-simulation has
// brought one; false while it is coming.
func (r *rewindState) snap() (clusterSnap, bool) {
	if !r.on || !r.scrub.has {
		return clusterSnap{}, false
	}
	return r.scrub.snap, true
}

// rewindTo shows the run at moment at (playback pauses).
func (m *lessonModel) rewindTo(at int64) tea.Cmd {
	if m.run.playing {
		m.pausePlay()
	}
	m.back.on, m.back.at = true, max(0, min(at, m.run.s.Now()))
	return m.back.sync(m.run)
}

// toLive leaves the past: the screen shows the run as it is.
func (m *lessonModel) toLive() { m.back.on = false }

// stepBack moves the moment shown to the record before it.
func (m *lessonModel) stepBack() tea.Cmd {
	if !m.run.started || len(m.run.s.History()) == 0 {
		m.flash = "nothing to step back through yet: r runs the lesson"
		return nil
	}
	from := m.run.s.Now()
	if m.back.on {
		from = m.back.at
	}
	h := m.run.s.History()
	i := sort.Search(len(h), func(i int) bool { return h[i].Time >= from }) - 1
	at := int64(0)
	if i >= 0 {
		at = h[i].Time
	}
	m.flash = "← → step through the run · space plays on from where it is"
	return m.rewindTo(at)
}

// stepForward moves the moment shown to the next record; at the run's
// present, it plays the run on to its next record.
func (m *lessonModel) stepForward() tea.Cmd {
	if m.back.on {
		h := m.run.s.History()
		i := sort.Search(len(h), func(i int) bool { return h[i].Time > m.back.at })
		if i < len(h) && h[i].Time < m.run.s.Now() {
			return m.rewindTo(h[i].Time)
		}
		m.toLive()
		m.flash = "back at the run's present"
		return nil
	}
	if !m.run.started {
		return m.stepOnce()
	}
	if m.run.done() {
		m.flash = "the run is over; ← steps back through it, r runs again"
		return nil
	}
	m.pausePlay()
	n := len(m.run.s.History())
	for len(m.run.s.History()) == n && !m.run.done() {
		m.run.s.Step()
	}
	m.run.absorb()
	m.flash = ""
	if stop := m.ahead.stopFor(m.run); stop >= 0 && len(m.run.s.History()) > stop {
		return m.breakPoint()
	}
	if m.run.done() {
		return m.runOver()
	}
	return nil
}

// historyLen is how many records the main screen shows: up to the
// moment shown.
func (m *lessonModel) historyLen() int {
	h := m.run.s.History()
	if !m.back.on {
		return len(h)
	}
	return sort.Search(len(h), func(i int) bool { return h[i].Time > m.back.at })
}
