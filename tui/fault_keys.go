package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/sim"
)

// faultKeys turns the lesson's fault keys (p k z s h) into the fault each
// asks for: the next partition shape, a crash or restart, a pause or
// resume of the node under the cursor, the next clock offset, a heal of
// everything. It keeps only what cycles from one press to the next, and
// reads only the nodes it is handed; the screen injects what it chooses.
type faultKeys struct {
	shapeNext int // the partition shape p applies next
	skewNext  int // the offset s sets next
}

// skewSteps are the offsets s sets in turn on the selected node's clock.
var skewSteps = []int64{2_000_000_000, -2_000_000_000, 0}

// isFaultKey reports whether k is one of the fault keys.
func isFaultKey(k tea.KeyMsg, keys *keyMap) bool {
	return key.Matches(k, keys.Partition, keys.Crash, keys.Pause, keys.Skew, keys.Heal)
}

// choose is the fault k asks for with the cursor on nodes[cursor], or,
// when it asks for none, why not.
func (fk *faultKeys) choose(k tea.KeyMsg, keys *keyMap, nodes []sim.NodeView, cursor int) (sim.Fault, string) {
	if key.Matches(k, keys.Heal) {
		return sim.Fault{Kind: sim.FaultHealAll}, ""
	}
	if key.Matches(k, keys.Partition) {
		if len(nodes) < 2 {
			return sim.Fault{}, "one node: there is no network between nodes to cut"
		}
		shape := sim.Shapes[fk.shapeNext%len(sim.Shapes)]
		fk.shapeNext++
		return sim.Fault{Kind: sim.FaultPartition, Shape: shape}, ""
	}
	if len(nodes) == 0 {
		return sim.Fault{}, "no node to aim at"
	}
	n := nodes[max(0, min(cursor, len(nodes)-1))]
	on := []string{n.ID}
	switch {
	case key.Matches(k, keys.Crash) && n.Up:
		return sim.Fault{Kind: sim.FaultCrash, Nodes: on}, ""
	case key.Matches(k, keys.Crash):
		return sim.Fault{Kind: sim.FaultRestart, Nodes: on}, ""
	case key.Matches(k, keys.Pause) && !n.Up:
		return sim.Fault{}, n.ID + " is down: k restarts it"
	case key.Matches(k, keys.Pause) && n.Paused:
		return sim.Fault{Kind: sim.FaultResume, Nodes: on}, ""
	case key.Matches(k, keys.Pause):
		return sim.Fault{Kind: sim.FaultPause, Nodes: on}, ""
	}
	d := skewSteps[fk.skewNext%len(skewSteps)]
	fk.skewNext++
	return sim.Fault{Kind: sim.FaultClockSkew, Nodes: on, DeltaNs: d}, ""
}
