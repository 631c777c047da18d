package sim

import (
	"testing"
)

// Each owner's undo undoes only its own faults; the learner's undo and
// heal-all lift everyone's; the cluster lives under the composition.
func TestScheduleUndoesOnlyItsOwnFaults(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Nodes = 5
	const ms = 1_000_000
	sched := Schedule{Faults: []Fault{
		{At: 100 * ms, Kind: FaultPartition, Shape: ShapeGroups, Groups: [][]string{{"n1"}, {"n2", "n3", "n4", "n5"}}},
		{At: 100 * ms, Kind: FaultPause, Nodes: []string{"n2"}},
		{At: 100 * ms, Kind: FaultCrash, Nodes: []string{"n1"}},
		{At: 100 * ms, Kind: FaultClockSkew, Nodes: []string{"n3"}, DeltaNs: 1_000_000_000},
		{At: 100 * ms, Kind: FaultLoss, Probability: 0.5},
		{At: 300 * ms, Kind: FaultHeal},
		{At: 300 * ms, Kind: FaultResume, Target: TargetAll},
		{At: 300 * ms, Kind: FaultRestart, Target: TargetAll},
		{At: 300 * ms, Kind: FaultClockReset},
		{At: 300 * ms, Kind: FaultNetReset},
	}}
	s := newTestSim(t, 1, cfg, sched)
	s.RunUntil(50 * ms)
	for _, f := range []Fault{
		{Kind: FaultPartition, Shape: ShapeGroups, Groups: [][]string{{"n5"}, {"n1", "n2", "n3", "n4"}}},
		{Kind: FaultPause, Nodes: []string{"n4"}},
		{Kind: FaultCrash, Nodes: []string{"n3"}},
		{Kind: FaultClockSkew, Nodes: []string{"n3"}, DeltaNs: 2_000_000_000},
		{Kind: FaultLoss, Probability: 0.1},
	} {
		if _, err := s.Inject(f); err != nil {
			t.Fatal(err)
		}
	}
	s.RunUntil(200 * ms)
	v := s.Cluster()
	if s.Reachable("n1", "n2") || s.Reachable("n5", "n4") || !s.Reachable("n2", "n4") {
		t.Error("while both partitions are in force, the cut is not their union")
	}
	if s.PartitionShape() != ShapeOverlap || v[0].Group != -1 {
		t.Errorf("two owners' partitions: shape %q, n1's group %d", s.PartitionShape(), v[0].Group)
	}
	if !v[1].Paused || !v[3].Paused || v[0].Up || v[2].Up {
		t.Errorf("both owners' pauses and crashes should hold: %+v", v)
	}
	if v[2].SkewNs != 3_000_000_000 {
		t.Errorf("n3's skew %d, want the sum of the owners' 1s and 2s", v[2].SkewNs)
	}
	if loss, _, _ := s.NetFaults(); loss != 0.5 {
		t.Errorf("loss %v, want the stronger 0.5", loss)
	}
	if n := len(s.Active()); n != 10 {
		t.Errorf("%d faults in force, want 10: %+v", n, s.Active())
	}

	s.RunUntil(400 * ms) // the schedule undoes its own
	v = s.Cluster()
	if !s.Reachable("n1", "n2") || s.Reachable("n5", "n4") {
		t.Error("the schedule's heal must end its partition and only its partition")
	}
	if v[1].Paused || !v[3].Paused {
		t.Error("the schedule's resume must resume n2 (its own) and not n4 (the learner's)")
	}
	if !v[0].Up || v[2].Up {
		t.Error("the schedule's restart must restart n1 (its own) and not n3 (the learner's)")
	}
	if v[2].SkewNs != 2_000_000_000 {
		t.Errorf("after the schedule's clock reset n3's skew is %d, want the learner's 2s", v[2].SkewNs)
	}
	if loss, _, _ := s.NetFaults(); loss != 0.1 {
		t.Errorf("after the schedule's net reset loss is %v, want the learner's 0.1", loss)
	}
	for _, a := range s.Active() {
		if a.Owner != OwnerLearner {
			t.Errorf("still in force after the schedule's undos: %+v", a)
		}
	}

	// The learner's own undo lifts a kind from every owner; heal-all lifts all.
	if _, err := s.Inject(Fault{Kind: FaultHealAll}); err != nil {
		t.Fatal(err)
	}
	if len(s.Active()) != 0 || s.PartitionShape() != "" || s.anyFaultActive() {
		t.Errorf("heal-all left %+v", s.Active())
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
}

// A node two owners crashed stays down until both restart it; the
// learner's restart (the TUI's k on a down node) lifts every owner's crash.
func TestANodeCrashedByTwoOwners(t *testing.T) {
	t.Parallel()
	const ms = 1_000_000
	sched := Schedule{Faults: []Fault{
		{At: 100 * ms, Kind: FaultCrash, Nodes: []string{"n2"}},
		{At: 300 * ms, Kind: FaultRestart, Nodes: []string{"n2"}},
		{At: 500 * ms, Kind: FaultPause, Nodes: []string{"n3"}},
	}}
	s := newTestSim(t, 2, testConfig(), sched)
	s.RunUntil(200 * ms)
	s.Inject(Fault{Kind: FaultCrash, Nodes: []string{"n2"}})
	s.RunUntil(400 * ms)
	if s.Cluster()[1].Up {
		t.Fatal("the schedule's restart brought up a node the learner holds crashed")
	}
	s.Inject(Fault{Kind: FaultRestart, Nodes: []string{"n2"}})
	if !s.Cluster()[1].Up {
		t.Fatal("the learner's restart left n2 down")
	}
	// A crash ends every owner's pause: the process that was stopped is gone.
	s.RunUntil(600 * ms)
	s.Inject(Fault{Kind: FaultCrash, Nodes: []string{"n3"}})
	s.Inject(Fault{Kind: FaultRestart, Nodes: []string{"n3"}})
	if v := s.Cluster()[2]; !v.Up || v.Paused {
		t.Fatalf("n3 after crash and restart: %+v", v)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
}
