package toydb

// Raft is lesson 13's database: a small Raft replicated key-value store
// (Ongaro and Ousterhout, "In Search of an Understandable Consensus
// Algorithm", 2014). Randomized elections, log replication with the
// AppendEntries consistency check, commit by a majority of the current
// term, term/vote/log synced to disk before any RPC is answered, reads
// through a read index confirmed by a heartbeat round, snapshots, and
// client sessions (§6.3). The default and fixed variants are the correct
// protocol; every other variant flips one switch that a real
// implementation got wrong at some point.
var Raft = coreDesign("raft-kv", withRedirect(correct(NewKV)),
	coreVariant{Variant: Variant{Name: "raft", Summary: "a correct Raft: majority commit of current-term entries, term/vote/log synced before replying, read-index reads, client sessions", Tolerates: everything}},
	coreVariant{Variant: Variant{Name: Fixed, Summary: "the same correct Raft, every switch off", Tolerates: everything}},
	coreVariant{Variant{Name: "commit-without-majority", Summary: "the leader counts an entry committed as soon as it is in its own log"},
		func(p *Policy) { p.Commit = CommitLeader }},
	coreVariant{Variant{Name: "forget-vote", Summary: "the vote lives only in memory: a node that restarts may vote twice in one term"},
		func(p *Policy) { p.Persist = ForgetVote }},
	coreVariant{Variant{Name: "follower-reads", Summary: "any node answers a read from its own state machine"},
		func(p *Policy) { p.Read = ReadAnyNode }},
	coreVariant{Variant{Name: "leader-local-reads", Summary: "the leader answers reads from its state without a heartbeat round to confirm it still leads"},
		func(p *Policy) { p.Read = ReadLeaderLocal }},
	coreVariant{Variant{Name: "no-election-restriction", Summary: "a node votes for a candidate without checking that its log is at least as up to date"},
		func(p *Policy) { p.Election = ElectAnyLog }},
	coreVariant{Variant{Name: "truncate-on-append", Summary: "a follower cuts its log after the entry an append-entries message builds on, even for a late duplicate of an older message"},
		func(p *Policy) { p.TruncateOnAppend = true }},
	coreVariant{Variant{Name: "ack-by-index", Summary: "a node answers a client when any entry commits at the index its write was given, not only that write"},
		func(p *Policy) { p.AckByIndex = true }},
	coreVariant{Variant{Name: "no-sessions", Summary: "no client sessions: a retried request that already committed is applied again"},
		func(p *Policy) { p.Sessions = false }},
)

func withRedirect(p Policy) Policy {
	p.Redirect = true
	return p
}
