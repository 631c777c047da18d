package tui

import (
	"fmt"

	"github.com/faultline-lab/faultline/sim"
)

// state is the run's state in a word or two.
func (p *playerModel) state() string {
	switch {
	case !p.run.started:
		return "ready"
	case p.run.s.Err() != nil:
		return "stopped"
	case p.back.on:
		return "rewound"
	case p.run.done():
		return "finished"
	case p.run.playing:
		return "playing " + speedLabel(p.speed)
	}
	return "paused " + speedLabel(p.speed)
}

// where is the status line's account of the run: its state, the moment
// shown, and the operations so far.
func (p *playerModel) where(st *Styles) string {
	now := p.run.s.Now()
	when := fmtSeconds(now)
	if p.back.on {
		when = fmtSeconds(p.back.at) + " of " + fmtSeconds(now)
	}
	return fmt.Sprintf(" %s · %s · %s", st.Bold.Render(p.state()), when, p.run.opsLabel())
}

// lastEvent is the run's last event, said while it stands paused at its
// present ("" otherwise).
func (p *playerModel) lastEvent() string {
	if p.run.started && !p.run.playing && !p.back.on {
		return p.run.last
	}
	return ""
}

// clusterPane describes the cluster as the screen shows it: the run now,
// or the moment stepped back to; cursor is the node the fault keys act
// on, and own says the lesson's schedule is off.
func (p *playerModel) clusterPane(cursor int, own bool) clusterPane {
	s := p.run.s
	c := clusterPane{trace: s.Trace(), latency: s.Config().LatencyMaxNs, cursor: cursor, at: s.Now()}
	// A frame's worth of playback, never less than twice the latency.
	c.windowNs = max(int64(speeds[p.speed]*float64(frameInterval)), 2*c.latency)
	switch {
	case p.back.on:
		c.rewound, c.at = true, p.back.at
		if snap, ok := p.back.snap(); ok {
			c.snap, c.exact = snap, snap.at == p.back.at
		}
	default:
		c.snap, c.exact = snapOf(s), true
		c.next = p.nextFault(own)
	}
	return c
}

// nextFault names the next fault the lesson's schedule starts, so that
// nothing happens unannounced: "next: partition (one node cut off) at
// 2.000s for 3s".
func (p *playerModel) nextFault(own bool) string {
	if p.run.done() {
		return ""
	}
	next := p.run.s.Upcoming(1)
	if len(next) == 0 {
		if own {
			return "no scheduled faults"
		}
		return ""
	}
	u := next[0]
	s := "next: " + sim.DescribeFault(u.Fault) + " at " + fmtSeconds(u.At)
	if u.ForNs > 0 {
		s += " for " + sim.FormatDuration(u.ForNs)
	}
	return s
}

// verdictAhead is the run's outcome computed ahead (nil: none for the run
// as it stands), and whether the screen stands at its break point.
func (p *playerModel) verdictAhead() (*aheadOutcome, bool) {
	if !p.ahead.valid(p.run) {
		return nil, false
	}
	out := p.ahead.out
	return out, !p.run.done() && !p.back.on && p.run.s.Now() == out.stopAt
}
