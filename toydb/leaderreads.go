package toydb

// LeaderReads is lesson 10's database: a small Raft register. Nodes elect
// a leader by majority vote in numbered terms, the leader appends each
// write to a log and acknowledges it once a majority holds it. Writes are
// safe in every variant; the variants differ in how the leader serves
// reads, and the buggy ones keep leading while cut off.
var LeaderReads = coreDesign("raft-like-leader", correct(NewKV),
	coreVariant{Variant{Name: "local", Summary: "the leader answers reads from its own state at once, without checking that it still leads"},
		func(p *Policy) { p.Read, p.CheckQuorum = ReadLeaderLocal, false }},
	coreVariant{Variant{Name: "lease", Summary: "the leader answers reads locally while its lease lasts, timed by its wall clock; otherwise as fixed", Tolerates: trueClocks},
		func(p *Policy) { p.Read, p.CheckQuorum = ReadLease, false }},
	coreVariant{Variant: Variant{Name: Fixed, Summary: "read index: the leader answers a read only after a majority confirms, after the read arrived, that it still leads", Tolerates: everything}},
)
