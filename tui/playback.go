package tui

import (
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
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

// frameTick is the wall time a frame waits for: frameInterval, which the
// tests shorten (virtual time per frame stays frameInterval's, so every
// screen is the same, only sooner).
var frameTick = frameInterval

// speeds are the playback speeds `[` and `]` move between.
var speeds = []float64{0.25, 0.5, 1, 2, 4, 8, 16, 32, 64}

// defaultSpeed is ×1, unless a lesson's run is long or short enough that
// another speed plays it out in about a quarter of a minute.
const defaultSpeed = 2

// targetWallNs is how long a lesson's default run should take to watch,
// idle time skipped.
const targetWallNs = 15e9

// idleBoost is how much faster playback goes while no client operation
// is in flight: nothing a learner watches happens then but heartbeats.
const idleBoost = 4

func speedLabel(i int) string {
	v := speeds[i]
	if v == math.Trunc(v) {
		return fmt.Sprintf("×%d", int(v))
	}
	return fmt.Sprintf("×%g", v)
}

// speedFor picks the speed that plays virtualNs (idle time counted at
// its boost) in about targetWallNs.
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
// learn how long it lasts in virtual time, busy and idle, and picks a
// watchable speed. A run is decided by its scenario, so the speed is kept
// for the next time the same run opens (a whole run, for each lesson
// opened: the learner going back and forth, and the tests).
func estimateSpeed(sc sim.Scenario) int {
	sc.Config.Trace = false
	key, keyErr := json.Marshal(sc)
	if keyErr == nil {
		if v, ok := speedOf.Load(string(key)); ok {
			return v.(int)
		}
	}
	speed := defaultSpeed
	if s, _, err := lessons.Start(sc); err == nil && s.Run() == nil && s.Now() > 0 {
		speed = speedFor(watchedNs(s.History(), s.Now()))
	}
	if keyErr == nil && speedsKept.Add(1) <= maxSpeedsKept {
		speedOf.Store(string(key), speed)
	}
	return speed
}

// speedOf is estimateSpeed's answers by scenario (its JSON), at most
// maxSpeedsKept of them.
var (
	speedOf    sync.Map
	speedsKept atomic.Int64
)

const maxSpeedsKept = 1024

// watchedNs is a run's length as playback shows it: time with an
// operation in flight at full length, idle time shortened by idleBoost.
func watchedNs(h history.History, end int64) int64 {
	var busy, last int64
	open := 0
	for _, o := range h {
		if o.IsNemesis() {
			continue
		}
		if open > 0 {
			busy += o.Time - last
		}
		last = o.Time
		if o.Type == history.Invoke {
			open++
		} else {
			open = max(0, open-1)
		}
	}
	return busy + (end-busy)/idleBoost
}

// playback is one run of a lesson on the screen: the simulation, how far it
// has been played, and what the views derive from its trace.
type playback struct {
	sc      sim.Scenario
	s       *sim.Sim
	started bool // r, space or . has set it going
	playing bool
	pressed int // faults the learner pressed in this run

	traceSeen int
	histSeen  int
	invokes   int // client invocations so far
	open      int // client operations in flight
	total     int // operations the run will invoke: the main phase and the final ones
	last      string
	faultKeys faultKeys // what p and s apply next
}

// frameMsg is a playback tick; gen tells a live tick from one that belongs
// to a paused or replaced run.
type frameMsg struct{ gen int }

func frameCmd(gen int) tea.Cmd {
	return tea.Tick(frameTick, func(time.Time) tea.Msg { return frameMsg{gen: gen} })
}

// finalOps is how many final operations a lesson's workload runs after
// the main phase.
func finalOps(l *lessons.Lesson) int { return len(l.Workload().Final()) }

func newPlayback(sc sim.Scenario, finals int) (*playback, error) {
	s, _, err := lessons.Start(sc)
	if err != nil {
		return nil, err
	}
	return &playback{sc: sc, s: s, total: sc.Config.Ops + finals}, nil
}

// advance plays ns of virtual time, an event at a time, idle stretches at
// idleBoost. It stops early, reporting true, once the history has more
// than stop records (stop < 0: never).
func (p *playback) advance(ns int64, stop int) bool {
	budget := float64(ns)
	hit := false
	for budget > 0 && !p.s.Done() {
		next, ok := p.s.NextTime()
		if !ok {
			break
		}
		rate := 1.0
		if p.open == 0 {
			rate = idleBoost
		}
		need := float64(next-p.s.Now()) / rate
		if need > budget {
			p.s.RunUntil(p.s.Now() + int64(budget*rate))
			break
		}
		budget -= need
		p.s.Step()
		p.countOps()
		if stop >= 0 && len(p.s.History()) > stop {
			hit = true
			break
		}
	}
	p.absorb()
	return hit
}

// step processes one event.
func (p *playback) step() {
	p.s.Step()
	p.absorb()
}

// countOps follows the operations in flight, record by record.
func (p *playback) countOps() {
	h := p.s.History()
	for _, o := range h[p.histSeen:] {
		if o.IsNemesis() {
			continue
		}
		if o.Type == history.Invoke {
			p.invokes++
			p.open++
		} else {
			p.open = max(0, p.open-1)
		}
	}
	p.histSeen = len(h)
}

// absorb reads what the run produced since the last frame: only the new
// trace events and history records, so a frame costs what happened in it.
func (p *playback) absorb() {
	tr := p.s.Trace()
	if len(tr) > p.traceSeen {
		p.last = describeEvent(tr[len(tr)-1])
	}
	p.traceSeen = len(tr)
	p.countOps()
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

// opsLabel is "ops 37/150": invoked of all the run will invoke, never
// more than all.
func (p *playback) opsLabel() string {
	return fmt.Sprintf("ops %d/%d", min(p.invokes, p.total), p.total)
}

// describeEvent is one trace event in a few words.
func describeEvent(e sim.TraceEvent) string {
	switch e.Kind {
	case sim.TraceSend, sim.TraceDeliver, sim.TraceDrop, sim.TraceDuplicate, sim.TraceHold:
		s := fmt.Sprintf("%s %s→%s", e.Kind, e.Src, e.Dest)
		if e.Body != nil {
			s += " " + summarise(sim.DescribeBody(e.Body), 40)
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
