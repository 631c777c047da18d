package toydb

import "github.com/faultline-lab/faultline/sim"

// LWWClocks is lesson 5's database: every node accepts writes to one
// register (multi-leader) and stamps each with its own wall clock; every
// replica keeps the write with the highest stamp — last write wins — and,
// between equal stamps, the greater value, as Cassandra does, so replicas
// agree. A write is acknowledged once every replica has it, and a read asks
// every replica and returns the newest (consistency level ALL), so with
// true clocks nothing is lost. Skew one clock and a write stamped in the
// past loses to an earlier write, though it was acknowledged. It is lesson
// 6's Dynamo-style store with every node a replica and R = W = N. The fix
// lets one primary (n1) order every write: a replicated log on the core,
// no clock in it.
var LWWClocks = Design{
	Name: "multi-leader-lww-register",
	Variants: []Variant{
		{Name: "wall-clock", Summary: "any node takes a write and stamps it with its own clock; every replica keeps the highest stamp", Tolerates: trueClocks},
		{Name: Fixed, Summary: "one primary (n1) orders every write, in the order it receives them, and serves every read: no timestamps at all", Tolerates: everything},
	},
	New: func(variant string) sim.NodeFactory {
		if variant == Fixed {
			return NewCore(Policy{Election: ElectFixed, Commit: CommitLeader, Read: ReadLeaderLocal, Sessions: true, Role: sim.RolePrimary, Machine: NewKV})
		}
		return func(id string) sim.Node { return &dynNode{id: id, k: dynKind{all: true}} }
	},
}
