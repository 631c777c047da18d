package sim

import "testing"

// Target "bridge" names the node that joins the halves of a bridge
// partition (lesson 13 crashes it over and over); with no bridge in force
// it picks a node at random, as "leader" does with no leader.
func TestTargetBridgeHitsTheBridgeNode(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Nodes = 5
	for seed := uint64(1); seed <= 5; seed++ {
		s := newTestSim(t, seed, cfg, Schedule{})
		s.RunUntil(1)
		s.Inject(Fault{Kind: FaultPartition, Shape: ShapeBridge})
		var bridge string
		for _, a := range s.NodeIDs() {
			all := true
			for _, b := range s.NodeIDs() {
				all = all && s.Reachable(a, b) && s.Reachable(b, a)
			}
			if all {
				bridge = a
			}
		}
		a, err := s.Inject(Fault{Kind: FaultCrash, Target: "bridge"})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Fault.Nodes) != 1 || a.Fault.Nodes[0] != bridge {
			t.Fatalf("seed %d: crashed %v, want the bridge %s", seed, a.Fault.Nodes, bridge)
		}
		s.Inject(Fault{Kind: FaultRestart, Target: "all"})
		s.Inject(Fault{Kind: FaultHeal})
		if a, _ := s.Inject(Fault{Kind: FaultPause, Target: "bridge"}); len(a.Fault.Nodes) != 1 {
			t.Fatalf("seed %d: with no bridge, paused %v, want one node", seed, a.Fault.Nodes)
		}
	}
}
