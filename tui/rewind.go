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
func (p *playerModel) rewindTo(at int64) tea.Cmd {
	if p.run.playing {
		p.pause()
	}
	p.back.on, p.back.at = true, max(0, min(at, p.run.s.Now()))
	return p.sync()
}

// sync asks for the cluster at the moment shown, when that changed.
func (p *playerModel) sync() tea.Cmd { return p.back.sync(p.run) }

// scrubbed takes in the cluster at the moment shown.
func (p *playerModel) scrubbed(msg scrubDoneMsg) tea.Cmd { return p.back.scrub.finish(msg, p.run) }

// toLive leaves the past: the screen shows the run as it is.
func (p *playerModel) toLive() { p.back.on = false }

// stepBack moves the moment shown to the record before it.
func (p *playerModel) stepBack(in playerInput) tea.Cmd {
	if !p.run.started || len(p.run.s.History()) == 0 {
		in.say("nothing to step back through yet: r runs the lesson")
		return nil
	}
	from := p.run.s.Now()
	if p.back.on {
		from = p.back.at
	}
	h := p.run.s.History()
	i := sort.Search(len(h), func(i int) bool { return h[i].Time >= from }) - 1
	at := int64(0)
	if i >= 0 {
		at = h[i].Time
	}
	in.say("← → step through the run · space plays on from where it is")
	return p.rewindTo(at)
}

// stepForward moves the moment shown to the next record; at the run's
// present, it plays the run on to its next record.
func (p *playerModel) stepForward(in playerInput) tea.Cmd {
	if p.back.on {
		h := p.run.s.History()
		i := sort.Search(len(h), func(i int) bool { return h[i].Time > p.back.at })
		if i < len(h) && h[i].Time < p.run.s.Now() {
			return p.rewindTo(h[i].Time)
		}
		p.toLive()
		in.say("back at the run's present")
		return nil
	}
	if !p.run.started {
		return p.stepOnce(in)
	}
	if p.run.done() {
		in.say("the run is over; ← steps back through it, r runs again")
		return nil
	}
	p.pause()
	n := len(p.run.s.History())
	for len(p.run.s.History()) == n && !p.run.done() {
		p.run.s.Step()
	}
	p.run.absorb()
	in.say("")
	if stop := p.ahead.stopFor(p.run); stop >= 0 && len(p.run.s.History()) > stop {
		return p.breakPoint(in)
	}
	if p.run.done() {
		return p.runOver(in)
	}
	return nil
}

// historyLen is how many records the main screen shows: up to the
// moment shown.
func (p *playerModel) historyLen() int {
	h := p.run.s.History()
	if !p.back.on {
		return len(h)
	}
	return sort.Search(len(h), func(i int) bool { return h[i].Time > p.back.at })
}
