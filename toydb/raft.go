package toydb

import (
	"github.com/faultline-lab/faultline/sim"
)

// Raft is lesson 13's database: a small Raft replicated key-value store
// (Ongaro and Ousterhout, "In Search of an Understandable Consensus
// Algorithm", 2014). Randomized elections, log replication with the
// AppendEntries consistency check, commit by a majority of the current
// term, term/vote/log synced to disk before any RPC is answered, and reads
// through a read index confirmed by a heartbeat round. The default and
// fixed variants are the correct protocol; every other variant flips one
// switch that a real implementation got wrong at some point.
var Raft = Design{
	Name: "raft-kv",
	Variants: []Variant{
		{Name: "raft", Summary: "a correct Raft: majority commit of current-term entries, term/vote/log synced before replying, read-index reads"},
		{Name: "fixed", Summary: "the same correct Raft, every switch off"},
		{Name: "commit-without-majority", Summary: "the leader counts an entry committed as soon as it is in its own log"},
		{Name: "forget-vote", Summary: "votedFor lives only in memory: a node that restarts may vote twice in one term"},
		{Name: "follower-reads", Summary: "any node answers a read from its own state machine"},
		{Name: "leader-local-reads", Summary: "the leader answers reads from its state without a heartbeat round to confirm it still leads"},
		{Name: "no-election-restriction", Summary: "a node votes for a candidate without checking that its log is at least as up to date"},
		{Name: "truncate-on-append", Summary: "followers cut their log after prevLogIndex on every AppendEntries, even a late duplicate"},
		{Name: "ack-by-index", Summary: "a node answers a client when any entry commits at the index its write was given, not only that write"},
	},
	New: func(variant string) sim.NodeFactory {
		bugs := raftBugsOf(variant)
		return func(id string) sim.Node { return &raftNode{id: id, bugs: bugs} }
	},
}

// Timing of the protocol, in virtual time. Election timeouts are many
// heartbeats long, so a leader on a slow network keeps its followers.
const (
	RaftHeartbeatNs   = 50_000_000
	RaftElectionMinNs = 300_000_000
	RaftElectionMaxNs = 600_000_000
	// raftMaxBatch bounds the entries one AppendEntries carries.
	raftMaxBatch = 64
)

// raftBugs are the switches; all false is the correct protocol.
type raftBugs struct {
	commitWithoutMajority bool
	forgetVote            bool
	followerReads         bool
	leaderLocalReads      bool
	noElectionRestriction bool
	truncateOnAppend      bool
	ackByIndex            bool
}

func raftBugsOf(variant string) raftBugs {
	var b raftBugs
	switch variant {
	case "commit-without-majority":
		b.commitWithoutMajority = true
	case "forget-vote":
		b.forgetVote = true
	case "follower-reads":
		b.followerReads = true
	case "leader-local-reads":
		b.leaderLocalReads = true
	case "no-election-restriction":
		b.noElectionRestriction = true
	case "truncate-on-append":
		b.truncateOnAppend = true
	case "ack-by-index":
		b.ackByIndex = true
	}
	return b
}
