package tui

import (
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/sim"
)

// A design that declares its key state is shown as it declares it, in its
// order, in place of its value and detail; the term is not said twice;
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
	if got, want := nodeFields(v), []string{"term 4", "value 7", "commit 5", "applied 5", "leader n1", "clock +2s", "3 unsynced"}; !slices.Equal(got, want) {
		t.Errorf("undeclared: %q, want %q", got, want)
	}
	if keyFields(nil) != nil {
		t.Error("no facts must mean no declared key")
	}
}
