package toydb

import "github.com/faultline-lab/faultline/sim"

// The transactional lessons' databases: one server (txn_node.go), three
// sets of switches. A correct variant reads no clock and keeps every
// commit and every answer on disk before the client hears it, so it
// tolerates every fault; a buggy one breaks with no fault at all, so it
// declares none.

// DirtyReads is lesson 14's database, over lists: the default variant
// applies a write where every transaction reads it before it commits.
var DirtyReads = txnDesign("txn-server (lists)", true,
	txnVariant{Variant{Name: "read-uncommitted",
		Summary: "each write goes straight into the table, where other transactions read it before it commits; an abort undoes it"},
		isolation{dirty: true, locks: true}},
	txnVariant{Variant{Name: Fixed,
		Summary:   "each write waits in its transaction until commit, so reads see only committed data (read committed)",
		Tolerates: sim.AllNemeses()},
		isolation{locks: true}},
)

// LostUpdate is lesson 15's database, over registers: the default
// variant reads the latest committed value and lets the last commit
// overwrite whatever is there.
var LostUpdate = txnDesign("txn-server (registers)", false,
	txnVariant{Variant{Name: "read-committed",
		Summary: "reads see the latest committed value; at commit a write overwrites whatever is there, so the last to commit wins"},
		isolation{}},
	txnVariant{Variant{Name: "auto-retry",
		Summary: "snapshot isolation, but a transaction that loses a write conflict is quietly retried: its writes are applied to the newer state"},
		isolation{snapshot: true, firstCommitterWins: true, blindRetry: true}},
	txnVariant{Variant{Name: Fixed,
		Summary:   "snapshot isolation: of two concurrent transactions that write the same key, the second to commit aborts (first committer wins)",
		Tolerates: sim.AllNemeses()},
		isolation{snapshot: true, firstCommitterWins: true}},
)

// WriteSkew is lesson 16's database, over lists: the default variant is
// snapshot isolation, which checks only writes against writes.
var WriteSkew = txnDesign("txn-server (lists)", true,
	txnVariant{Variant{Name: "snapshot-isolation",
		Summary: "every transaction reads a snapshot taken when it began; of two concurrent writers of a key the second aborts, but reads are never checked"},
		isolation{snapshot: true, firstCommitterWins: true}},
	txnVariant{Variant{Name: Fixed,
		Summary:   "snapshot isolation that also certifies reads: a transaction aborts if a key it read was changed by a commit after its snapshot",
		Tolerates: sim.AllNemeses()},
		isolation{snapshot: true, firstCommitterWins: true, certifyReads: true}},
)
