package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/sim"
)

// A design that declares its key state is shown as it declares it, in its
// order (the value too, where the design declares it), in place of its
// value and detail; the term and the leader are not said twice;
// what the simulator knows of the node (leader, clock, unsynced writes)
// follows. Without a declared key, value and detail are split into fields.
func TestDeclaredKeyStateIsShownAsDeclared(t *testing.T) {
	t.Parallel()
	v := sim.NodeView{ID: "n2", Up: true, SkewNs: 2e9, Unsynced: 3,
		Status: sim.Status{Role: sim.Role("follower"), Term: 4, Leader: "n1", Value: "7", Detail: "commit 5, applied 5"}}
	declared := keyFields([]keyFact{{"term", "4"}, {"commit", "5"}, {"lease", ""}})
	if got, want := fieldsWith(v, declared), []string{"term 4", "commit 5", "lease", "leader n1", "clock +2s", "3 unsynced"}; !slices.Equal(got, want) {
		t.Errorf("declared: %q, want %q", got, want)
	}
	// A declared leader is not said twice, and a leader does not name itself.
	withLeader := keyFields([]keyFact{{"term", "4"}, {"value", "7"}, {"leader", "n1"}, {"commit", "5"}})
	if got, want := fieldsWith(v, withLeader), []string{"term 4", "value 7", "leader n1", "commit 5", "clock +2s", "3 unsynced"}; !slices.Equal(got, want) {
		t.Errorf("declared leader: %q, want %q", got, want)
	}
	self := v
	self.ID = "n1"
	if got := fieldsWith(self, withLeader); slices.Contains(got, "leader n1") {
		t.Errorf("the leader names itself: %q", got)
	}
	if got, want := nodeFields(v), []string{"term 4", "value 7", "commit 5", "applied 5", "leader n1", "clock +2s", "3 unsynced"}; !slices.Equal(got, want) {
		t.Errorf("undeclared: %q, want %q", got, want)
	}
	if keyFields(nil) != nil {
		t.Error("no facts must mean no declared key")
	}
}

// A worker's status is its task's state, not a value (lesson 8 showed
// "value idle").
func TestWorkersStateIsNoValue(t *testing.T) {
	t.Parallel()
	for _, word := range []string{"idle", "computing"} {
		v := sim.NodeView{ID: "n3", Up: true, Status: sim.Status{Role: sim.RoleWorker, Value: word}}
		got := nodeFields(v)
		if len(got) == 0 || got[0] != word {
			t.Errorf("worker %s: fields %q", word, got)
		}
	}
	v := sim.NodeView{ID: "n2", Up: true, Status: sim.Status{Role: sim.RoleStorage, Value: "98"}}
	if got := nodeFields(v); len(got) == 0 || got[0] != "value 98" {
		t.Errorf("storage: fields %q", got)
	}
}

// The explorer's node rows keep a long role whole and give the clock's
// room to the fields (lesson 8's showed "lock-se…" at 100 columns).
func TestNodeRowsKeepRolesWhole(t *testing.T) {
	t.Parallel()
	st := newTestModel(t, Options{Lesson: lesson2}, 100, 30).lesson.c.styles
	nodes := []sim.NodeView{
		{ID: "n1", Up: true, Status: sim.Status{Role: sim.RoleLockService, Detail: "token 103, 0 waiting"}},
		{ID: "n3", Up: true, Status: sim.Status{Role: sim.RoleWorker, Value: "idle"}},
	}
	for _, r := range nodeRows(st, nodes) {
		r = plain(r)
		if strings.Contains(r, "…") || lineWidth("  "+r) > 96 {
			t.Errorf("row %q is cut or too wide for 100 columns", r)
		}
	}
	if r := plain(nodeRows(st, nodes)[0]); !strings.Contains(r, "lock-service") {
		t.Errorf("row %q cuts the role", r)
	}
}
