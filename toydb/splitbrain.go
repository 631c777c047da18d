package toydb

import (
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// SplitBrain is lesson 4's database: a leader-based compare-and-set
// register. The default variant picks its leader the way many clustered
// stores once did: every node follows the lowest node id it can hear. Cut
// the network in two and each side has a lowest id — two leaders, both
// accepting writes. The fix elects a leader by majority vote in numbered
// terms and makes every operation wait for a majority, so a leader on the
// minority side can do nothing.
var SplitBrain = Design{
	Name: "elected-cas-register",
	Variants: []Variant{
		{Name: "lowest-id", Summary: "the lowest node id a node can hear leads; no pbMajority needed, so each side of a partition has its own leader"},
		{Name: "fixed", Summary: "a leader needs a pbMajority vote in a new term, and every operation waits for a pbMajority of the cluster"},
	},
	New: func(variant string) sim.NodeFactory {
		fixed := variant == "fixed"
		return newPB(pbOptions{
			leaderRole:    "leader",
			electMajority: fixed,
			ackMajority:   fixed,
			checkQuorum:   fixed,
			newMachine:    func() pbMachine { return &pbRegister{} },
		})
	},
}

// pbRegister is a compare-and-set register; nil is "nothing written yet".
type pbRegister struct{ value any }

func (r *pbRegister) apply(req sim.Request) (any, string) {
	switch req.F {
	case "read":
		return r.value, ""
	case "write":
		r.value = req.Value
		return req.Value, ""
	case "cas":
		pair, ok := req.Value.([]any)
		if !ok || len(pair) != 2 {
			return nil, "bad-cas"
		}
		if !pbSame(r.value, pair[0]) {
			return nil, "cas-mismatch"
		}
		r.value = pair[1]
		return req.Value, ""
	}
	return nil, "unsupported"
}

func (r *pbRegister) snapshot() any    { return r.value }
func (r *pbRegister) restore(snap any) { r.value = snap }
func (r *pbRegister) describe() string { return history.Format(r.value) }

// pbSame compares two history values (int64, string, nil, lists, ...)
// without panicking on the uncomparable ones.
func pbSame(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return history.Format(a) == history.Format(b)
}
