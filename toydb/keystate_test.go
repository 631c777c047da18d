package toydb

import (
	"testing"

	"github.com/faultline-lab/faultline/sim/simtest"
)

// Every node of every design declares its key state (issue 12): the few
// facts its lesson is about, each with a label and a value, so that the
// workbench can always show them.
func TestEveryNodeDeclaresItsKeyState(t *testing.T) {
	t.Parallel()
	designs := []Design{Single, Replicas, AsyncFailover, SplitBrain, LWWClocks, SloppyQuorums,
		GatewayCounter, LeaseLock, FsyncStore, LeaderReads, RacyCAS, ISRLog, Raft,
		DirtyReads, LostUpdate, WriteSkew}
	ids := []string{"n1", "n2", "n3", "n4", "n5"}
	for _, d := range designs {
		for _, v := range d.Variants {
			c := simtest.New(d.New(v.Name), ids...)
			run(c, 1_000_000_000, nil) // long enough for an election
			for _, id := range ids {
				key := c.Node(id).Status().Key
				if len(key) == 0 {
					t.Errorf("%s/%s: %s declares no key state", d.Name, v.Name, id)
				}
				for _, f := range key {
					if f.Label == "" || f.Value == "" {
						t.Errorf("%s/%s: %s has a fact without a label or value: %+v", d.Name, v.Name, id, f)
					}
				}
			}
		}
	}
}
