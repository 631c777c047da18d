package maelstrom

import (
	"context"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/sim"
)

// A fault's event carries the cluster as the fault left it, the network
// says who hears whom, HistoryFrom reads only what is new, and Upcoming
// names the schedule's next fault.
func TestViewsOfARunForTheWorkbench(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, "echo", example(t, "hello"))
	cfg.TimeLimit, cfg.Recovery = time.Minute, 0
	cfg.Faults = quickFaults(t, "pause")
	events := make(chan Event, 1<<16)
	r, err := Start(context.Background(), cfg, Options{Events: events})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { r.Stop(); <-r.Done() }()
	time.Sleep(100 * time.Millisecond) // the workload is under way
	f, at, ok := r.Upcoming()
	if !ok || f.Kind != sim.FaultPause || at <= r.now() || at > r.now()+int64(time.Second) {
		t.Fatalf("upcoming: %+v at %v (%v), now %v", f, time.Duration(at), ok, r.Elapsed())
	}
	if _, err := r.Inject(sim.Fault{Kind: sim.FaultPartition, Shape: sim.ShapeOne, Nodes: []string{"n3"}}); err != nil {
		t.Fatal(err)
	}
	net := r.Network()
	if net.Shape != string(sim.ShapeOne) || net.Desc == "" || net.Hears[0][2] || net.Hears[2][0] || !net.Hears[0][1] || !net.Hears[2][2] {
		t.Fatalf("network after isolating n3: %+v", net)
	}
	if _, err := r.Inject(sim.Fault{Kind: sim.FaultCrash, Nodes: []string{"n2"}}); err != nil {
		t.Fatal(err)
	}
	var states []*State
	deadline := time.After(5 * time.Second)
	for len(states) < 2 {
		select {
		case e := <-events:
			if e.Kind == sim.TraceFault {
				if e.State == nil || e.Op == nil {
					t.Fatalf("a fault event without its state or record: %+v", e)
				}
				states = append(states, e.State)
			}
		case <-deadline:
			t.Fatal("no fault events")
		}
	}
	if s := states[0]; s.Net.Hears == nil || s.Net.Hears[2][0] || !s.Nodes[1].Up {
		t.Fatalf("the partition's state: %+v", s)
	}
	if s := states[1]; s.Nodes[1].Up || s.Net.Hears == nil {
		t.Fatalf("the crash's state: n2 should be down, the cut still there: %+v", s)
	}
	h := r.History()
	if got := r.HistoryFrom(len(h) - 2); len(got) < 2 || got[0].Index != h[len(h)-2].Index {
		t.Fatalf("HistoryFrom(%d) = %v", len(h)-2, got)
	}
	if got := r.HistoryFrom(1 << 30); got != nil {
		t.Fatalf("HistoryFrom past the end = %v", got)
	}
}
