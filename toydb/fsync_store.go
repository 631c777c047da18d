package toydb

import "github.com/faultline-lab/faultline/sim"

// FsyncStore is lesson 9's database: one register on one node (n1; any
// other node passes requests to it). The default variant acknowledges a
// write as soon as its log entry is in the page cache and fsyncs in the
// background every FsyncIntervalNs, as many stores do by default for
// speed; a crash loses the writes since the last fsync, acknowledged or
// not. The fix fsyncs before it acknowledges.
var FsyncStore = coreDesign("fsync-store",
	Policy{Election: ElectFixed, Commit: CommitLeader, Read: ReadLeaderLocal, Sessions: true, Role: sim.RolePrimary, Machine: NewKV},
	coreVariant{Variant{Name: "ack-before-fsync", Summary: "a write is acknowledged once it is in the page cache; an fsync runs every second in the background"},
		func(p *Policy) { p.Persist = SyncPeriodic }},
	coreVariant{Variant: Variant{Name: Fixed, Summary: "a write is fsynced before it is acknowledged", Tolerates: everything}},
)
