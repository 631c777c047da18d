package toydb

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// LWWClocks is lesson 5's database: every node accepts writes to one
// register (multi-leader) and stamps each with its own wall clock; every
// replica keeps the write with the highest stamp — last write wins — and,
// between equal stamps, the greater value, as Cassandra does, so replicas
// agree. A write is acknowledged once every replica has seen it, and a read
// asks every replica and returns the newest, so with true clocks nothing
// is lost. Skew one clock and a write stamped in the past loses to an
// earlier write, though it was acknowledged. The fix lets one node (n1)
// order all writes with a counter instead of a clock.
var LWWClocks = Design{
	Name: "multi-leader-lww-register",
	Variants: []Variant{
		{Name: "wall-clock", Summary: "any node takes a write and stamps it with its own clock; every replica keeps the highest stamp", Tolerates: trueClocks},
		{Name: Fixed, Summary: "writes go to one leader (n1), which stamps them with a counter: the order is the order it received them", Tolerates: everything},
	},
	New: func(variant string) sim.NodeFactory {
		fixed := variant == Fixed
		return func(id string) sim.Node { return &lwwNode{id: id, fixed: fixed} }
	},
}

// lwwLeader orders every write in the fixed variant.
const lwwLeader = "n1"

// lwwCell is a stamped value: a replica keeps the greatest, by stamp
// (a clock reading, or the leader's counter), then by value.
type lwwCell struct {
	Stamp int64
	Value any
}

func (c lwwCell) after(d lwwCell) bool {
	return c.Stamp > d.Stamp || c.Stamp == d.Stamp && history.Compare(c.Value, d.Value) > 0
}

type lwwPut struct {
	Op   ident
	Cell lwwCell
}

func (lwwPut) Type() string { return "put" }
func (m lwwPut) String() string {
	return fmt.Sprintf("put %s stamped %d (op %s)", history.Format(m.Cell.Value), m.Cell.Stamp, m.Op)
}

type lwwPutOK struct{ Op ident }

func (lwwPutOK) Type() string     { return "put-ok" }
func (m lwwPutOK) String() string { return fmt.Sprintf("put-ok (op %s)", m.Op) }

type lwwGet struct{ Op ident }

func (lwwGet) Type() string     { return "get" }
func (m lwwGet) String() string { return fmt.Sprintf("get (op %s)", m.Op) }

type lwwGot struct {
	Op   ident
	Cell lwwCell
}

func (lwwGot) Type() string { return "got" }
func (m lwwGot) String() string {
	return fmt.Sprintf("got %s stamped %d (op %s)", history.Format(m.Cell.Value), m.Cell.Stamp, m.Op)
}

// lwwOp is a client operation this node coordinates, waiting for replicas.
type lwwOp struct {
	client  sim.Message
	reqID   int64
	waiting map[string]bool // replicas yet to reply
	cell    lwwCell         // the write's, or the newest a read has seen
}

type lwwNode struct {
	id    string
	fixed bool
	cell  lwwCell
	ids   idents
	done  done
	ops   map[ident]*lwwOp
}

func (n *lwwNode) Start(env *sim.Env) {
	n.ops = map[ident]*lwwOp{}
	n.ids, n.done = newIdents(env), done{env}
	if c, ok := env.Disk().Get("cell"); ok {
		n.cell = c.(lwwCell)
	}
}

// keep stores a write if it is newer than what this replica holds.
func (n *lwwNode) keep(env *sim.Env, c lwwCell) {
	if !c.after(n.cell) {
		return
	}
	n.cell = c
	env.Disk().Put("cell", c)
	env.Disk().Sync()
}

func (n *lwwNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case lwwPut:
		n.keep(env, b.Cell)
		env.Reply(m, lwwPutOK{Op: b.Op})
		return
	case lwwGet:
		env.Reply(m, lwwGot{Op: b.Op, Cell: n.cell})
		return
	case lwwPutOK:
		n.replied(env, m.Src, b.Op, lwwCell{})
		return
	case lwwGot:
		n.replied(env, m.Src, b.Op, b.Cell)
		return
	}
	orig, req, ok := Request(m)
	if !ok {
		return
	}
	switch req.F {
	case "write":
		if n.fixed && n.id != lwwLeader {
			Forward(env, lwwLeader, orig, req)
			return
		}
		n.write(env, orig, req)
	case "read":
		n.start(env, orig, req.ReqID, n.cell, false)
	default:
		env.ReplyError(orig, history.ErrorUnsupported, true, "")
	}
}

// write stamps a value — with this node's clock, or the leader's counter —
// keeps it, and sends it to every other replica. The leader stamps a
// request once: a copy of it (forwarded twice, or after a crash) goes out
// again with the stamp on record, so it cannot land a second time later.
func (n *lwwNode) write(env *sim.Env, client sim.Message, req sim.ClientRequest) {
	c := lwwCell{Stamp: env.Now(), Value: req.Value}
	if n.fixed {
		for _, op := range n.ops {
			if op.reqID == req.ReqID {
				return // already under way
			}
		}
		if o, seen := n.done.lookup(req.ReqID); seen {
			c = o.Value.(lwwCell)
		} else {
			c.Stamp = n.cell.Stamp + 1
			n.done.record(req.ReqID, outcome{Value: c})
		}
	}
	n.keep(env, c)
	env.Disk().Sync()
	n.start(env, client, req.ReqID, c, true)
}

// start sends a put or a get to every other replica; the client is answered
// once all have replied (consistency level ALL).
func (n *lwwNode) start(env *sim.Env, client sim.Message, reqID int64, c lwwCell, put bool) {
	id := n.ids.next()
	op := &lwwOp{client: client, reqID: reqID, waiting: map[string]bool{}, cell: c}
	n.ops[id] = op
	for _, p := range env.Peers() {
		op.waiting[p] = true
		if put {
			env.Send(p, lwwPut{Op: id, Cell: c})
		} else {
			env.Send(p, lwwGet{Op: id})
		}
	}
	if len(op.waiting) == 0 {
		n.finish(env, id)
	}
}

func (n *lwwNode) replied(env *sim.Env, from string, id ident, c lwwCell) {
	op, ok := n.ops[id]
	if !ok || !op.waiting[from] {
		return // finished, a copy, or an answer to a request sent before a crash
	}
	delete(op.waiting, from)
	if c.after(op.cell) {
		op.cell = c
	}
	if len(op.waiting) == 0 {
		n.finish(env, id)
	}
}

func (n *lwwNode) finish(env *sim.Env, id ident) {
	op := n.ops[id]
	delete(n.ops, id)
	env.ReplyOK(op.client, op.cell.Value)
}

func (n *lwwNode) Timer(*sim.Env, any) {}

func (n *lwwNode) Status() sim.Status {
	role := sim.RoleLeader // multi-leader: every node takes writes
	if n.fixed && n.id != lwwLeader {
		role = sim.RoleFollower
	}
	st := sim.Status{Role: role, Value: history.Format(n.cell.Value), Key: sim.Facts("stamp", n.cell.Stamp)}
	if n.fixed {
		st.Leader = lwwLeader
		st.Detail = fmt.Sprintf("stamp #%d", n.cell.Stamp)
	} else if n.cell.Stamp != 0 {
		st.Detail = "stamp " + sim.FormatDuration(n.cell.Stamp)
		st.Key = sim.Facts("stamp", sim.FormatDuration(n.cell.Stamp))
	}
	return st
}
