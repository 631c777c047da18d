package tui

import (
	"testing"

	"github.com/faultline-lab/faultline/sim"
)

// The fault keys alone, with no run: each asks for the fault of the node
// under the cursor, p and s cycle, and a key that asks for nothing says why.
func TestFaultKeysChooseTheFaultOfTheSelectedNode(t *testing.T) {
	t.Parallel()
	keys := newKeyMap()
	up := sim.NodeView{ID: "n1", Up: true}
	down := sim.NodeView{ID: "n2"}
	paused := sim.NodeView{ID: "n3", Up: true, Paused: true}
	nodes := []sim.NodeView{up, down, paused}
	var fk faultKeys
	for _, c := range []struct {
		key    string
		cursor int
		kind   sim.FaultKind
		node   string
		why    string
	}{
		{"k", 0, sim.FaultCrash, "n1", ""},
		{"k", 1, sim.FaultRestart, "n2", ""},
		{"z", 0, sim.FaultPause, "n1", ""},
		{"z", 2, sim.FaultResume, "n3", ""},
		{"z", 1, "", "", "n2 is down: k restarts it"},
		{"z", 9, sim.FaultResume, "n3", ""}, // the cursor is kept on the last node
		{"h", 0, sim.FaultHealAll, "", ""},
	} {
		f, why := fk.choose(keyMsg(c.key), keys, nodes, c.cursor)
		node := ""
		if len(f.Nodes) == 1 {
			node = f.Nodes[0]
		}
		if f.Kind != c.kind || node != c.node || why != c.why {
			t.Errorf("%s on node %d: %v %q (%q), want %v %q (%q)", c.key, c.cursor, f.Kind, node, why, c.kind, c.node, c.why)
		}
	}
	for i := range len(sim.Shapes) + 1 {
		if f, _ := fk.choose(keyMsg("p"), keys, nodes, 0); f.Shape != sim.Shapes[i%len(sim.Shapes)] {
			t.Errorf("p #%d cuts %s, want %s", i+1, f.Shape, sim.Shapes[i%len(sim.Shapes)])
		}
	}
	for i := range len(skewSteps) + 1 {
		if f, _ := fk.choose(keyMsg("s"), keys, nodes, 0); f.DeltaNs != skewSteps[i%len(skewSteps)] {
			t.Errorf("s #%d sets %d, want %d", i+1, f.DeltaNs, skewSteps[i%len(skewSteps)])
		}
	}
	if _, why := fk.choose(keyMsg("p"), keys, nodes[:1], 0); why == "" {
		t.Error("p on one node cut something")
	}
}
