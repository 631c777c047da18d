package toydb

import "github.com/faultline-lab/faultline/sim"

// Replicas is lesson 2's database: a fixed primary (n1) that syncs each
// write to its log before acknowledging it and ships the log to its
// followers asynchronously, in batches every ReplicationIntervalNs. The
// default variant lets any node answer reads from its own copy; the fix
// sends reads to the primary. The primary never changes (no failover), so
// its copy is the truth.
var Replicas = coreDesign("primary-async-replicas",
	Policy{Election: ElectFixed, Commit: CommitLeader, Read: ReadAnyNode, Sessions: true, Lazy: true,
		HeartbeatNs: ReplicationIntervalNs, Role: sim.RolePrimary, Machine: NewKV},
	coreVariant{Variant: Variant{Name: "read-any", Summary: "followers serve reads from their own, possibly stale, copy"}},
	coreVariant{Variant{Name: Fixed, Summary: "reads go to the primary, which never changes and holds every acknowledged write", Tolerates: everything},
		func(p *Policy) { p.Read = ReadLeaderLocal }},
)

// ReplicationIntervalNs is how often the primary ships its log: the
// replication lag followers live with.
const ReplicationIntervalNs = 400_000_000
