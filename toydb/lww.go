package toydb

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// LWWClocks is lesson 5's database: every node accepts writes to one
// register (multi-leader) and stamps each with its own wall clock; every
// replica keeps the write with the highest stamp — last write wins. A write
// is acknowledged once every replica has seen it, and a read asks every
// replica and returns the newest stamp, so with true clocks nothing is
// lost. Skew one clock and a write stamped in the past loses to an earlier
// write, though it was acknowledged. The fix lets one node (n1) order all
// writes with a counter instead of a clock.
var LWWClocks = Design{
	Name: "multi-leader-lww-register",
	Variants: []Variant{
		{Name: "wall-clock", Summary: "any node takes a write and stamps it with its own clock; every replica keeps the highest stamp"},
		{Name: "fixed", Summary: "writes go to one leader (n1), which stamps them with a counter: the order is the order it received them"},
	},
	New: func(variant string) sim.NodeFactory {
		fixed := variant == "fixed"
		return func(id string) sim.Node { return &lwwNode{id: id, fixed: fixed} }
	},
}

// lwwLeader orders every write in the fixed variant.
const lwwLeader = "n1"

// lwwStamp orders writes: At (a clock reading, or the leader's counter),
// then the node that stamped it, so no two writes tie.
type lwwStamp struct {
	At   int64
	Node string
}

func (s lwwStamp) after(t lwwStamp) bool {
	return s.At > t.At || (s.At == t.At && pbNodeLess(t.Node, s.Node))
}

type lwwPut struct {
	Op    int64
	Value any
	Stamp lwwStamp
}

func (lwwPut) Type() string { return "put" }
func (m lwwPut) String() string {
	return fmt.Sprintf("put %s stamped %d by %s (op %d)", history.Format(m.Value), m.Stamp.At, m.Stamp.Node, m.Op)
}

type lwwPutOK struct{ Op int64 }

func (lwwPutOK) Type() string     { return "put-ok" }
func (m lwwPutOK) String() string { return fmt.Sprintf("put-ok (op %d)", m.Op) }

type lwwGet struct{ Op int64 }

func (lwwGet) Type() string     { return "get" }
func (m lwwGet) String() string { return fmt.Sprintf("get (op %d)", m.Op) }

type lwwGot struct {
	Op    int64
	Value any
	Stamp lwwStamp
}

func (lwwGot) Type() string { return "got" }
func (m lwwGot) String() string {
	return fmt.Sprintf("got %s stamped %d by %s (op %d)", history.Format(m.Value), m.Stamp.At, m.Stamp.Node, m.Op)
}

// lwwOp is a client operation this node coordinates, waiting for replicas.
type lwwOp struct {
	client  sim.Message
	waiting map[string]bool // replicas yet to reply
	value   any             // a read's newest value so far
	stamp   lwwStamp
}

type lwwNode struct {
	id      string
	fixed   bool
	value   any
	stamp   lwwStamp
	counter int64 // the fixed leader's last stamp
	nextOp  int64
	ops     map[int64]*lwwOp
}

func (n *lwwNode) Start(env *sim.Env) {
	n.ops = map[int64]*lwwOp{}
	if v, ok := env.Disk().Get("value"); ok {
		n.value = v
	}
	if s, ok := env.Disk().Get("stamp"); ok {
		n.stamp = s.(lwwStamp)
	}
	n.counter = n.stamp.At
}

// keep stores a write if its stamp is newer than what this replica holds.
func (n *lwwNode) keep(env *sim.Env, v any, s lwwStamp) {
	if !s.after(n.stamp) {
		return
	}
	n.value, n.stamp = v, s
	env.Disk().Put("value", v)
	env.Disk().Put("stamp", s)
	env.Disk().Sync()
}

func (n *lwwNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case lwwPut:
		n.keep(env, b.Value, b.Stamp)
		env.Reply(m, lwwPutOK{Op: b.Op})
		return
	case lwwGet:
		env.Reply(m, lwwGot{Op: b.Op, Value: n.value, Stamp: n.stamp})
		return
	case lwwPutOK:
		n.replied(env, m.Src, b.Op, nil, lwwStamp{})
		return
	case lwwGot:
		n.replied(env, m.Src, b.Op, b.Value, b.Stamp)
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
		n.write(env, orig, req.Value)
	case "read":
		n.start(env, orig, lwwGet{})
	default:
		env.ReplyError(orig, "unsupported", true, "")
	}
}

// write stamps a value — with this node's clock, or the leader's counter —
// keeps it, and sends it to every other replica.
func (n *lwwNode) write(env *sim.Env, client sim.Message, v any) {
	s := lwwStamp{At: env.Now(), Node: n.id}
	if n.fixed {
		n.counter = max(n.counter, n.stamp.At) + 1
		s.At = n.counter
	}
	n.keep(env, v, s)
	n.start(env, client, lwwPut{Value: v, Stamp: s})
}

// start sends a put or a get to every other replica; the client is answered
// once all have replied (consistency level ALL).
func (n *lwwNode) start(env *sim.Env, client sim.Message, body sim.Body) {
	n.nextOp++
	op := &lwwOp{client: client, waiting: map[string]bool{}, value: n.value, stamp: n.stamp}
	for _, p := range env.Peers() {
		op.waiting[p] = true
	}
	switch b := body.(type) {
	case lwwPut:
		b.Op = n.nextOp
		op.value, body = b.Value, b
	case lwwGet:
		b.Op = n.nextOp
		body = b
	}
	n.ops[n.nextOp] = op
	for _, p := range env.Peers() {
		env.Send(p, body)
	}
	if len(op.waiting) == 0 {
		n.finish(env, n.nextOp)
	}
}

func (n *lwwNode) replied(env *sim.Env, from string, id int64, v any, s lwwStamp) {
	op, ok := n.ops[id]
	if !ok || !op.waiting[from] {
		return // finished, or a duplicated reply
	}
	delete(op.waiting, from)
	if s.after(op.stamp) {
		op.value, op.stamp = v, s
	}
	if len(op.waiting) == 0 {
		n.finish(env, id)
	}
}

func (n *lwwNode) finish(env *sim.Env, id int64) {
	op := n.ops[id]
	delete(n.ops, id)
	env.ReplyOK(op.client, op.value)
}

func (n *lwwNode) Timer(*sim.Env, any) {}

func (n *lwwNode) Status() sim.Status {
	role := sim.RoleLeader // multi-leader: every node takes writes
	if n.fixed && n.id != lwwLeader {
		role = "follower"
	}
	st := sim.Status{Role: role, Value: history.Format(n.value)}
	if n.fixed {
		st.Leader = lwwLeader
		st.Detail = fmt.Sprintf("stamp #%d", n.stamp.At)
	} else if n.stamp.Node != "" {
		st.Detail = fmt.Sprintf("stamp %s by %s's clock", sim.FormatDuration(n.stamp.At), n.stamp.Node)
	}
	return st
}
