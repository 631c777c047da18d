package toydb

// ISRLog is lesson 12's database: a replicated log holding a queue, after
// Kafka. A leader, chosen by vote in numbered terms (Kafka's epochs),
// appends every operation (enqueue, dequeue, drain) to its log and ships
// it to the followers. It keeps an in-sync replica set (ISR): the
// followers that acknowledged recently. An operation is acknowledged once
// every ISR member holds it; a follower that falls behind is dropped from
// the ISR.
//
// The default variant lets the ISR shrink to the leader alone (Kafka's
// min.insync.replicas = 1) and lets any replica be elected, however far
// behind (unclean leader election). The fix requires a majority in the ISR
// before acknowledging and elects only a replica whose log is complete.
var ISRLog = coreDesign("kafka-like-log",
	Policy{Election: ElectMajority, Commit: CommitInSync, Sessions: true, Machine: NewQueue},
	coreVariant{Variant{Name: "unclean", Summary: "the in-sync set may shrink to the leader alone, which then acknowledges by itself; any replica may be elected"},
		func(p *Policy) { p.Election, p.MinInSync = ElectAnyLog, 1 }},
	coreVariant{Variant: Variant{Name: Fixed, Summary: "acknowledge only with a majority in sync; a replica votes only for a candidate whose log is at least as complete as its own", Tolerates: everything}},
)
