package toydb

import (
	"fmt"

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
		{Name: Fixed, Summary: "replicas forward compare-and-set to the leader, which compares and writes in one step", Tolerates: everything},
	},
	New: func(variant string) sim.NodeFactory {
		return func(id string) sim.Node {
			return &rcNode{id: id, leader: "n1", atomic: variant == Fixed}
		}
	},
}

// rcGet and rcPut are a replica's two halves of a racy compare-and-set,
// each named by the replica's ident for the operation.
type rcGet struct{ Op ident }

func (rcGet) Type() string       { return "get" }
func (g rcGet) String() string   { return fmt.Sprintf("get (cas #%s)", g.Op) }
func (rcGot) Type() string       { return "got" }
func (g rcGot) String() string   { return fmt.Sprintf("got %s (cas #%s)", history.Format(g.Value), g.Op) }
func (rcPut) Type() string       { return "put" }
func (p rcPut) String() string   { return fmt.Sprintf("put %s (cas #%s)", history.Format(p.Value), p.Op) }
func (rcPutOK) Type() string     { return "put-ok" }
func (p rcPutOK) String() string { return fmt.Sprintf("put-ok (cas #%s)", p.Op) }

type rcGot struct {
	Op    ident
	Value any
}

type rcPut struct {
	Op    ident
	Value any
}

type rcPutOK struct{ Op ident }

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
	done   done

	ids     idents
	pending map[ident]rcCAS // replica: CASes between their read and their write
}

func (n *rcNode) Start(env *sim.Env) {
	n.value, _ = env.Disk().Get("value")
	n.done = done{env}
	n.pending = map[ident]rcCAS{}
	if !n.isLeader() {
		n.ids = newIdents(env)
	}
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
	if req.F == "read" {
		env.ReplyOK(orig, n.value)
		return
	}
	o, seen := n.done.lookup(req.ReqID)
	if !seen {
		// Run once; a copy of the request is answered from the record.
		o = n.apply(req.Request)
		n.done.record(req.ReqID, o)
		env.Disk().Put("value", n.value)
		env.Disk().Sync()
	}
	if o.Code != "" {
		env.ReplyError(orig, o.Code, true, n.leader)
		return
	}
	env.ReplyOK(orig, o.Value)
}

// apply runs a write or a compare-and-set on the leader's register.
func (n *rcNode) apply(req sim.Request) outcome {
	switch req.F {
	case "write":
		n.value = req.Value
	case "cas":
		from, to, ok := rcCASArgs(req.Value)
		switch {
		case !ok:
			return outcome{Code: history.ErrorBadRequest}
		case !history.Equal(n.value, from):
			return outcome{Code: history.ErrorMismatch}
		}
		n.value = to
	default:
		return outcome{Code: history.ErrorUnsupported}
	}
	return outcome{Value: req.Value}
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
		env.ReplyError(m, history.ErrorBadRequest, true, n.leader)
		return
	}
	id := n.ids.next()
	n.pending[id] = rcCAS{msg: m, from: from, to: to}
	env.Send(n.leader, rcGet{Op: id})
}

// compare is the second step: by now the value may have changed again.
func (n *rcNode) compare(env *sim.Env, g rcGot) {
	c, ok := n.pending[g.Op]
	if !ok {
		return
	}
	if !history.Equal(g.Value, c.from) {
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
		return sim.Status{Role: sim.RoleLeader, Term: 1, Leader: n.leader, Value: history.Format(n.value),
			Key: sim.Facts("value", history.Format(n.value))}
	}
	return sim.Status{Role: sim.RoleReplica, Leader: n.leader, Value: "-",
		Detail: fmt.Sprintf("%d cas between read and write", len(n.pending)),
		Key:    sim.Facts("between read and write", len(n.pending))}
}
