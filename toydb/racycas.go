package toydb

import (
	"fmt"
	"reflect"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// RacyCAS is lesson 11's database: one register held by a fixed leader,
// n1, which applies reads and writes one at a time and syncs each write.
// Every other node is a replica that passes requests on to n1. The bug is
// in the replicas' compare-and-set: they do it in two steps, reading the
// value from n1, comparing, then writing the new value to n1, so another
// client's write can slip in between.
var RacyCAS = Design{
	Name: "cas-via-replica",
	Variants: []Variant{
		{Name: "read-then-write", Summary: "a replica does compare-and-set as a read from the leader, a compare, then a write: two steps, not one"},
		{Name: "fixed", Summary: "replicas forward compare-and-set to the leader, which compares and writes in one step"},
	},
	New: func(variant string) sim.NodeFactory {
		return func(id string) sim.Node {
			return &rcNode{id: id, leader: "n1", atomic: variant == "fixed"}
		}
	},
}

// rcGet and rcPut are a replica's two halves of a racy compare-and-set.
type rcGet struct{ Op int64 }

func (rcGet) Type() string       { return "get" }
func (g rcGet) String() string   { return fmt.Sprintf("get (cas #%d)", g.Op) }
func (rcGot) Type() string       { return "got" }
func (g rcGot) String() string   { return fmt.Sprintf("got %s (cas #%d)", history.Format(g.Value), g.Op) }
func (rcPut) Type() string       { return "put" }
func (p rcPut) String() string   { return fmt.Sprintf("put %s (cas #%d)", history.Format(p.Value), p.Op) }
func (rcPutOK) Type() string     { return "put-ok" }
func (p rcPutOK) String() string { return fmt.Sprintf("put-ok (cas #%d)", p.Op) }

type rcGot struct {
	Op    int64
	Value any
}

type rcPut struct {
	Op    int64
	Value any
}

type rcPutOK struct{ Op int64 }

// rcCAS is a compare-and-set a replica is working on.
type rcCAS struct {
	msg      sim.Message
	from, to any
}

type rcNode struct {
	id     string
	leader string
	atomic bool
	value  any // the leader's register; replicas hold none

	nextOp  int64
	pending map[int64]rcCAS // replica: CASes between their read and their write
}

func (n *rcNode) Start(env *sim.Env) {
	n.value, _ = env.Disk().Get("value")
	n.pending = map[int64]rcCAS{}
}

func (n *rcNode) isLeader() bool { return n.id == n.leader }

func (n *rcNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case rcGet:
		env.Reply(m, rcGot{Op: b.Op, Value: n.value})
		return
	case rcPut:
		n.write(env, b.Value)
		env.Reply(m, rcPutOK{Op: b.Op})
		return
	case rcGot:
		n.compare(env, b)
		return
	case rcPutOK:
		if c, ok := n.pending[b.Op]; ok {
			delete(n.pending, b.Op)
			env.ReplyOK(c.msg, nil)
		}
		return
	}
	orig, req, ok := Request(m)
	if !ok {
		return
	}
	if !n.isLeader() {
		if req.F == "cas" && !n.atomic {
			n.startCAS(env, orig, req)
			return
		}
		Forward(env, n.leader, orig, req)
		return
	}
	if req.F != "read" && n.seen(env, req.ReqID) {
		return // the network duplicated a request already applied: once is enough
	}
	switch req.F {
	case "read":
		env.ReplyOK(orig, n.value)
	case "write":
		n.write(env, req.Value)
		env.ReplyOK(orig, req.Value)
	case "cas":
		from, to, ok := rcCASArgs(req.Value)
		switch {
		case !ok:
			env.ReplyError(orig, "bad-cas", true, n.leader)
		case !reflect.DeepEqual(n.value, from):
			env.ReplyError(orig, history.ErrorMismatch, true, n.leader)
		default:
			n.write(env, to)
			env.ReplyOK(orig, nil)
		}
	default:
		env.ReplyError(orig, "unsupported", true, n.leader)
	}
}

// seen reports whether the leader already ran a client request, and notes
// it on disk if not.
func (n *rcNode) seen(env *sim.Env, req int64) bool {
	key := fmt.Sprintf("req/%d", req)
	if _, done := env.Disk().Get(key); done {
		return true
	}
	env.Disk().Put(key, true)
	env.Disk().Sync()
	return false
}

func (n *rcNode) write(env *sim.Env, v any) {
	n.value = v
	env.Disk().Put("value", v)
	env.Disk().Sync()
}

// startCAS is the bug's first step: ask the leader for the value.
func (n *rcNode) startCAS(env *sim.Env, m sim.Message, req sim.ClientRequest) {
	from, to, ok := rcCASArgs(req.Value)
	if !ok {
		env.ReplyError(m, "bad-cas", true, n.leader)
		return
	}
	n.nextOp++
	n.pending[n.nextOp] = rcCAS{msg: m, from: from, to: to}
	env.Send(n.leader, rcGet{Op: n.nextOp})
}

// compare is the second step: by now the value may have changed again.
func (n *rcNode) compare(env *sim.Env, g rcGot) {
	c, ok := n.pending[g.Op]
	if !ok {
		return
	}
	if !reflect.DeepEqual(g.Value, c.from) {
		delete(n.pending, g.Op)
		env.ReplyError(c.msg, history.ErrorMismatch, true, n.leader)
		return
	}
	env.Send(n.leader, rcPut{Op: g.Op, Value: c.to})
}

func rcCASArgs(v any) (from, to any, ok bool) {
	xs, isList := v.([]any)
	if !isList || len(xs) != 2 {
		return nil, nil, false
	}
	return xs[0], xs[1], true
}

func (n *rcNode) Timer(*sim.Env, any) {}

func (n *rcNode) Status() sim.Status {
	if n.isLeader() {
		return sim.Status{Role: "leader", Term: 1, Leader: n.leader, Value: history.Format(n.value)}
	}
	return sim.Status{Role: "replica", Leader: n.leader, Value: "-",
		Detail: fmt.Sprintf("%d cas between read and write", len(n.pending))}
}
