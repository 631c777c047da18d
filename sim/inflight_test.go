package sim

import (
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// The in-flight counts agree, at every step of a run under every fault,
// with the messages actually queued or held for a paused node.
func TestInFlightCountsTheMessagesOnTheirWay(t *testing.T) {
	t.Parallel()
	s := mixSim(t, 8, 5, 150, newReg, AllNemeses(), 0.5)
	ends := append(append([]string{}, s.NodeIDs()...), s.ClientIDs()...)
	seen := 0
	for s.Step() {
		want := map[[2]string]int{}
		for _, sl := range s.queue.heap {
			if e := s.queue.data[sl.id]; e.kind == evDeliver {
				want[[2]string{e.msg.Src, e.msg.Dest}]++
			}
		}
		for i := range s.nodes {
			for _, id := range s.nodes[i].held {
				if e := s.queue.data[id]; e.kind == evDeliver {
					want[[2]string{e.msg.Src, e.msg.Dest}]++
				}
			}
		}
		total := 0
		for _, dest := range ends {
			to := 0
			for _, src := range ends {
				n := want[[2]string{src, dest}]
				if got := s.InFlightBetween(src, dest); got != n {
					t.Fatalf("step %d: %s→%s: %d in flight, %d queued", s.Steps(), src, dest, got, n)
				}
				to += n
			}
			if got := s.InFlightTo(dest); got != to {
				t.Fatalf("step %d: to %s: %d in flight, %d queued", s.Steps(), dest, got, to)
			}
			total += to
			seen = max(seen, to)
		}
		if s.InFlightMessages() != total {
			t.Fatalf("step %d: %d in flight in all, %d queued", s.Steps(), s.InFlightMessages(), total)
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if seen < 3 {
		t.Fatalf("at most %d messages on their way to anyone: the test shows nothing", seen)
	}
}

// A client's processes: a process that times out retires and the client
// goes on as process + clients.
func TestClientOfFollowsRetiredProcesses(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Ops, cfg.Clients = 9, 3
	s, _ := New(1, cfg, Schedule{}, newBlackhole, regGen{})
	if got := s.ClientIDs(); len(got) != 3 || got[0] != "c1" || got[2] != "c3" {
		t.Fatalf("client ids %v", got)
	}
	// Every invocation's trace names the client; ClientOf must agree.
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	invokes := 0
	for _, e := range s.Trace() {
		if e.Kind != TraceInvoke {
			continue
		}
		var op history.Op
		k := 0
		for _, o := range s.History() {
			if o.Type == history.Invoke && o.Time == e.Time && !o.IsNemesis() {
				if k == 0 || s.ClientOf(o.Process) == e.Src {
					op = o
				}
				k++
			}
		}
		if s.ClientOf(op.Process) != e.Src {
			t.Fatalf("process %d invoked from %s, ClientOf says %s", op.Process, e.Src, s.ClientOf(op.Process))
		}
		invokes++
	}
	if invokes != 9 {
		t.Fatalf("%d invocations", invokes)
	}
	if c := s.Clients(); c[0].Process != 9 || c[0].Busy {
		t.Fatalf("after three timeouts c1 should be process 9, idle: %+v", c[0])
	}
	if ClientOf(history.Nemesis, 3) != "" {
		t.Fatal("the nemesis has a client")
	}
}

// position finds every node and client (nodes first, then clients, as the
// in-flight counts index them) and nothing else.
func TestPositionFindsEveryNodeAndClientOnly(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Nodes, cfg.Clients = 12, 11
	s, err := New(1, cfg, Schedule{}, newReg, regGen{})
	if err != nil {
		t.Fatal(err)
	}
	ends := append(append([]string{}, s.NodeIDs()...), s.ClientIDs()...)
	for want, id := range ends {
		if got, ok := s.position(id); !ok || got != want {
			t.Errorf("position(%q) = %d, %v; want %d", id, got, ok, want)
		}
	}
	for _, id := range []string{"", "n", "n0", "n01", "n+1", "c0", "c013", "x1", "n13", "c999", "n-1", "1"} {
		if got, ok := s.position(id); ok {
			t.Errorf("position(%q) = %d; want none", id, got)
		}
	}
}
