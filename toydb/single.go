package toydb

import "github.com/faultline-lab/faultline/sim"

// Single is lesson 1's database: one node holding one register, which syncs
// every write to disk before acknowledging it. Nothing is wrong with it; a
// crash only makes some operations indeterminate.
var Single = coreDesign("single-register",
	Policy{Election: ElectFixed, Commit: CommitLeader, Read: ReadLeaderLocal, Sessions: true, Role: sim.RoleSingle, Machine: NewKV},
	coreVariant{Variant: Variant{Name: "single", Summary: "one node, one register, every write synced before it is acknowledged", Tolerates: everything}},
)
