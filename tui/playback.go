package tui

import (
	"fmt"
	"math"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

// frameInterval is the wall time between playback frames. Each frame
// advances virtual time by speed × frameInterval: the simulation itself
// never sees the wall clock, so a run is the same at every speed.
const frameInterval = 50 * time.Millisecond

// speeds are the playback speeds `[` and `]` move between.
var speeds = []float64{0.25, 0.5, 1, 2, 4, 8, 16, 32, 64}

// defaultSpeed is ×1, unless a lesson's run is long or short enough that
// another speed plays it out in about half a minute.
const defaultSpeed = 2

// targetWallNs is how long a lesson's default run should take to watch.
const targetWallNs = 30e9

func speedLabel(i int) string {
	v := speeds[i]
	if v == math.Trunc(v) {
		return fmt.Sprintf("×%d", int(v))
	}
	return fmt.Sprintf("×%g", v)
}

// speedFor picks the speed that plays virtualNs in about targetWallNs.
func speedFor(virtualNs int64) int {
	best, bestErr := defaultSpeed, math.Inf(1)
	for i, v := range speeds {
		e := math.Abs(math.Log(float64(virtualNs) / v / targetWallNs))
		if e < bestErr {
			best, bestErr = i, e
		}
	}
	return best
}

// estimateSpeed runs a lesson's default scenario headless (no trace) to
// learn how long it lasts in virtual time, and picks a watchable speed.
func estimateSpeed(sc sim.Scenario) int {
	sc.Config.Trace = false
	s, _, err := lessons.Start(sc)
	if err != nil {
		return defaultSpeed
	}
	if s.Run() != nil || s.Now() <= 0 {
		return defaultSpeed
	}
	return speedFor(s.Now())
}

// playback is one run of a lesson on the screen: the simulation, how far it
// has been played, and what the views derive from its trace.
type playback struct {
	sc      sim.Scenario
	s       *sim.Sim
	started bool // r, space or . has set it going
	playing bool
	flight  inflight

	traceSeen int
	histSeen  int
	invokes   int    // client invocations so far
	last      string // the latest event, for the status line
	shapeNext int    // the partition shape p applies next
	skewNext  int    // the skew s applies next
}

// frameMsg is a playback tick; gen tells a live tick from one that belongs
// to a paused or replaced run.
type frameMsg struct{ gen int }

func frameCmd(gen int) tea.Cmd {
	return tea.Tick(frameInterval, func(time.Time) tea.Msg { return frameMsg{gen: gen} })
}

func newPlayback(sc sim.Scenario) (*playback, error) {
	s, _, err := lessons.Start(sc)
	if err != nil {
		return nil, err
	}
	return &playback{sc: sc, s: s, flight: newInflight(s.NodeIDs())}, nil
}

// advance plays ns of virtual time.
func (p *playback) advance(ns int64) {
	p.s.RunUntil(p.s.Now() + ns)
	p.absorb()
}

// step processes one event.
func (p *playback) step() {
	p.s.Step()
	p.absorb()
}

// absorb reads what the run produced since the last frame: only the new
// trace events and history records, so a frame costs what happened in it.
func (p *playback) absorb() {
	tr := p.s.Trace()
	for _, e := range tr[p.traceSeen:] {
		p.flight.observe(e)
	}
	if len(tr) > p.traceSeen {
		p.last = describeEvent(tr[len(tr)-1])
	}
	p.traceSeen = len(tr)
	h := p.s.History()
	for _, o := range h[p.histSeen:] {
		if o.Type == history.Invoke && !o.IsNemesis() {
			p.invokes++
		}
	}
	p.histSeen = len(h)
	p.flight.forgetLost(p.s)
}

// done reports whether the run has finished (or stopped on a bound).
func (p *playback) done() bool { return p.s.Done() }

// scenario is the run's full input as it stands: replaying it, live faults
// included, gives the same history.
func (p *playback) scenario() sim.Scenario {
	sc := p.sc
	sc.Faults = p.s.Schedule()
	return sc
}

// describeEvent is one trace event in a few words.
func describeEvent(e sim.TraceEvent) string {
	switch e.Kind {
	case sim.TraceSend, sim.TraceDeliver, sim.TraceDrop, sim.TraceDuplicate, sim.TraceHold:
		s := fmt.Sprintf("%s %s→%s", e.Kind, e.Src, e.Dest)
		if e.Body != nil {
			s += " " + sim.DescribeBody(e.Body)
		}
		if e.Detail != "" {
			s += " (" + e.Detail + ")"
		}
		return s
	case sim.TraceFault:
		return e.Detail
	}
	who := e.Src
	if e.Dest != "" {
		who += "→" + e.Dest
	}
	return fmt.Sprintf("%s %s %s", e.Kind, who, e.Detail)
}
