package toydb

// SplitBrain is lesson 4's database: a leader-based compare-and-set
// register. The default variant picks its leader the way many clustered
// stores once did: every node follows the lowest node id it can hear, and
// a leader acknowledges at once. Cut the network in two and each side has
// a lowest id — two leaders, both accepting writes. The fix elects a
// leader by majority vote in numbered terms and makes every operation
// wait for a majority, so a leader on the minority side can do nothing.
var SplitBrain = coreDesign("elected-cas-register", correct(NewKV),
	coreVariant{Variant{Name: "lowest-id", Summary: "the lowest node id a node can hear leads; no majority needed, so each side of a partition has its own leader"},
		func(p *Policy) {
			p.Election, p.Commit, p.Read, p.CheckQuorum = ElectLowestID, CommitLeader, ReadLeaderLocal, false
		}},
	coreVariant{Variant: Variant{Name: Fixed, Summary: "a leader needs a majority vote in a new term, and every operation, a failed compare too, waits for a majority", Tolerates: everything}},
)
