package tui

import (
	"sort"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

// scrubState shows the cluster as it was at the explorer's moment. A run
// is deterministic, so the past is recomputed by simulating the run's
// scenario (live faults included) again up to that moment — in a command,
// never in Update. Simulations already part-way are kept as checkpoints:
// moving forward continues the nearest one, so scrubbing stays quick.
type scrubState struct {
	owner scrubOwner
	key   scrubKey
	pool  []*sim.Sim // idle checkpoints, at various moments
	id    int        // which request a scrubDoneMsg answers
	busy  bool
	asked int64 // the moment asked for while busy (or last asked)
	has   bool  // nodes holds a result
	at    int64 // the moment snap shows
	snap  clusterSnap
	err   string
}

// scrubOwner says which screen asked for a re-simulation: the main
// screen's rewind or the explorer's moment.
type scrubOwner uint8

const (
	scrubExplorer scrubOwner = iota
	scrubMain
)

// scrubKey identifies the run a checkpoint belongs to: a new run, or a
// fault added live, makes old checkpoints wrong.
type scrubKey struct {
	run    *playback
	faults int
}

// scrubCheckpoints is how many simulations are kept part-way, at most;
// each holds a copy of the history so far, so a long run keeps fewer.
const scrubCheckpoints = 4

// checkpointsFor is how many checkpoints a run of n history records keeps:
// about 200,000 records' worth in all, and at least one.
func checkpointsFor(n int) int { return max(1, min(scrubCheckpoints, 200_000/max(1, n))) }

// scrubDoneMsg brings a re-simulation back.
type scrubDoneMsg struct {
	owner scrubOwner
	id    int
	key   scrubKey
	s     *sim.Sim
	at    int64
	snap  clusterSnap
	err   error
}

// scrubCmd simulates sc up to the moment at, starting from s (nil: from
// the beginning), and describes the cluster there.
func scrubCmd(owner scrubOwner, id int, key scrubKey, sc sim.Scenario, s *sim.Sim, at int64) tea.Cmd {
	return func() tea.Msg {
		if s == nil {
			sc.Config.Trace = false // the cluster is all a scrub needs
			var err error
			if s, _, err = lessons.Start(sc); err != nil {
				return scrubDoneMsg{owner: owner, id: id, key: key, at: at, err: err}
			}
		}
		s.RunUntil(at)
		s.CatchUp(at) // a fault pressed live at this very moment
		return scrubDoneMsg{owner: owner, id: id, key: key, s: s, at: at, snap: snapOf(s)}
	}
}

// request asks for the cluster at moment at; while a re-simulation runs,
// only the latest request is remembered and follows it.
func (sc *scrubState) request(p *playback, at int64) tea.Cmd {
	key := scrubKey{run: p, faults: len(p.s.Schedule().Faults)}
	if key != sc.key {
		*sc = scrubState{owner: sc.owner, key: key, id: sc.id + 1}
	}
	at = max(0, min(at, p.s.Now()))
	if (sc.has && !sc.busy && sc.at == at) || (sc.busy && sc.asked == at) {
		return nil
	}
	sc.asked = at
	if sc.busy {
		return nil
	}
	sc.busy = true
	sc.id++
	return scrubCmd(sc.owner, sc.id, key, p.scenario(), sc.take(at), at)
}

// set shows a moment whose cluster the run kept (a live run's past needs
// no re-simulation).
func (sc *scrubState) set(at int64, snap clusterSnap) {
	sc.busy, sc.has, sc.at, sc.asked, sc.snap, sc.err = false, true, at, at, snap, ""
}

// take removes from the pool the checkpoint closest before at, if any.
func (sc *scrubState) take(at int64) *sim.Sim {
	best := -1
	for i, s := range sc.pool {
		if s.Now() <= at && (best < 0 || s.Now() > sc.pool[best].Now()) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	s := sc.pool[best]
	sc.pool = append(sc.pool[:best], sc.pool[best+1:]...)
	return s
}

// finish takes a re-simulation in, keeps its simulation as a checkpoint,
// and asks again if the moment moved meanwhile.
func (sc *scrubState) finish(msg scrubDoneMsg, p *playback) tea.Cmd {
	if msg.key != sc.key || msg.id != sc.id {
		return nil // an older run's, or a request superseded
	}
	sc.busy = false
	sc.has, sc.at = true, msg.at
	sc.snap, sc.err = msg.snap, ""
	if msg.err != nil {
		sc.err = msg.err.Error()
	}
	if msg.s != nil {
		sc.keep(msg.s, checkpointsFor(len(p.s.History())))
	}
	if sc.asked != sc.at {
		return sc.request(p, sc.asked)
	}
	return nil
}

// keep adds a checkpoint; with too many, it drops the one closest to its
// neighbour, so those kept stay spread over the run.
func (sc *scrubState) keep(s *sim.Sim, most int) {
	sc.pool = append(sc.pool, s)
	sort.Slice(sc.pool, func(i, j int) bool { return sc.pool[i].Now() < sc.pool[j].Now() })
	for len(sc.pool) > most {
		drop, gap := len(sc.pool)-1, int64(-1)
		for i := 1; i < len(sc.pool); i++ {
			if g := sc.pool[i].Now() - sc.pool[i-1].Now(); gap < 0 || g < gap {
				drop, gap = i, g
			}
		}
		sc.pool = append(sc.pool[:drop], sc.pool[drop+1:]...)
	}
}
