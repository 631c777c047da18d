package maelstrom

import (
	"time"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// NetworkView is the network between the learner's nodes at one moment:
// the partition (its shape, its groups, and who hears whom) and the loss,
// duplication and delay of node-to-node messages.
type NetworkView struct {
	Shape  string     // "" when the network is whole
	Groups [][]string // as the partition resolved them (none for a ring)
	Desc   string     // the partition in words; "" when whole
	// Hears[a][b] reports whether messages from node b reach node a (by
	// index, n1 first); nil when the network is whole.
	Hears   [][]bool
	Loss    float64
	Dup     float64
	DelayNs int64
}

// State is the cluster at one moment: every node (up, paused, its
// partition group, messages waiting) and the network.
type State struct {
	Nodes []sim.NodeView
	Net   NetworkView
}

// Network describes the network now.
func (r *Run) Network() NetworkView { return r.net.view() }

func (nw *network) view() NetworkView {
	nw.mu.RLock()
	defer nw.mu.RUnlock()
	v := NetworkView{Shape: nw.shape, Loss: nw.lossP, Dup: nw.dupP, DelayNs: int64(nw.delay)}
	if nw.shape == "" {
		return v
	}
	for _, g := range nw.groups {
		v.Groups = append(v.Groups, append([]string(nil), g...))
	}
	v.Desc = describeCut(nw.shape, nw.groups)
	n := len(nw.ids)
	v.Hears = make([][]bool, n)
	for a := range v.Hears {
		v.Hears[a] = make([]bool, n)
		for b := range v.Hears[a] {
			v.Hears[a][b] = a == b || !nw.blocked[b*n+a]
		}
	}
	return v
}

// state is the cluster now.
func (r *Run) state() *State { return &State{Nodes: r.Cluster(), Net: r.Network()} }

// HistoryFrom is a copy of the history from record i on (nil when there
// is nothing new): a view that follows the run reads only what is new.
func (r *Run) HistoryFrom(i int) history.History {
	r.histMu.Lock()
	defer r.histMu.Unlock()
	if i < 0 {
		i = 0
	}
	if i >= len(r.hist) {
		return nil
	}
	return append(history.History(nil), r.hist[i:]...)
}

// Upcoming is the next fault the schedule will apply, and when (in
// nanoseconds since the run began); false when none is left before the
// time limit, or the workload is over.
func (r *Run) Upcoming() (sim.Fault, int64, bool) {
	if r.Phase() != PhaseWorkload {
		return sim.Fault{}, 0, false
	}
	s := r.cfg.Faults
	since := r.sinceWork()
	best, bestAt, found := sim.Fault{}, time.Duration(0), false
	for _, f := range s.Faults {
		if f.Live {
			continue
		}
		at := time.Duration(f.At)
		if s.CycleNs > 0 && at < since {
			// The first repetition of f still to come.
			k := (since - at + time.Duration(s.CycleNs) - 1) / time.Duration(s.CycleNs)
			at += k * time.Duration(s.CycleNs)
		}
		if at < since || at >= r.cfg.TimeLimit {
			continue
		}
		if !found || at < bestAt {
			best, bestAt, found = f, at, true
		}
	}
	return best, r.workStart + int64(bestAt), found
}
