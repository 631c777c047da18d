package sim

import (
	"strings"
	"testing"
)

// roleNode says it plays the role its id gives it: n2 and n4 are workers.
type roleNode struct{ role Role }

func (roleNode) Start(*Env)           {}
func (roleNode) Handle(*Env, Message) {}
func (roleNode) Timer(*Env, any)      {}
func (n roleNode) Status() Status     { return Status{Role: n.role} }
func newRoleNode(id string) Node {
	if id == "n2" || id == "n4" {
		return roleNode{RoleWorker}
	}
	return roleNode{RoleStorage}
}

func TestRoleTargetPicksANodeWithThatRole(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Nodes, cfg.Ops = 5, 0
	seen := map[string]bool{}
	for seed := uint64(1); seed <= 20; seed++ {
		s, err := New(seed, cfg, Schedule{}, newRoleNode, regGen{})
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.Inject(Fault{Kind: FaultPause, Target: "role:worker"})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Fault.Nodes) != 1 || (a.Fault.Nodes[0] != "n2" && a.Fault.Nodes[0] != "n4") {
			t.Fatalf("seed %d: paused %v, want n2 or n4", seed, a.Fault.Nodes)
		}
		seen[a.Fault.Nodes[0]] = true
	}
	if len(seen) != 2 {
		t.Fatalf("over 20 seeds the pause always hit %v", seen)
	}
}

func TestRoleTargetValidation(t *testing.T) {
	t.Parallel()
	if err := (Fault{Kind: FaultPause, Target: "role:"}).Validate([]string{"n1"}); err == nil {
		t.Fatal("accepted a role target without a role")
	}
	if err := (Fault{Kind: FaultPause, Target: "role:worker"}).Validate([]string{"n1"}); err != nil {
		t.Fatal(err)
	}
}

// A design reporting a role the simulator does not know ("Leader" for
// "leader") stops the run when a fault aims at a role, instead of quietly
// hitting a random node.
func TestUnknownRoleStopsARoleTargetedFault(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Ops = 20
	s, err := New(1, cfg, Schedule{Faults: []Fault{{At: 1, Kind: FaultCrash, Target: TargetLeader}}},
		func(string) Node { return roleNode{"Leader"} }, regGen{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err == nil || !strings.Contains(err.Error(), `"Leader"`) {
		t.Fatalf("got %v, want an error naming the role", err)
	}
}
