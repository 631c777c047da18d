package sim

import "testing"

func TestCatchUpShowsALiveFaultAtItsMoment(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	s := newTestSim(t, 5, cfg, Schedule{})
	s.RunUntil(400_000_000)
	at := s.Now()
	if _, err := s.Inject(Fault{Kind: FaultCrash, Nodes: []string{"n2"}}); err != nil {
		t.Fatal(err)
	}
	s.Run()
	sched := s.Schedule()

	// A replay stopped at the moment of the crash: without CatchUp the crash
	// waits for the next event; with it, n2 is down as it was.
	r := newTestSim(t, 5, cfg, sched)
	r.RunUntil(at)
	if !r.Cluster()[1].Up {
		t.Skip("an event fell exactly at the crash's moment; nothing to catch up")
	}
	r.CatchUp(at)
	if r.Cluster()[1].Up {
		t.Fatal("after CatchUp the crashed node is still up")
	}
	r.CatchUp(at) // twice is once
	r.Run()
	if render(r) != render(s) {
		t.Fatal("CatchUp changed the run")
	}
}
