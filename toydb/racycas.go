package toydb

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// RacyCAS is lesson 11's database: one register held by a fixed leader,
// n1, which applies operations one at a time and syncs each; every other
// node is a replica that passes requests on to it (the core, with a fixed
// primary). The bug is in the replicas' compare-and-set: they do it in two
// steps, reading the value from n1, comparing, then writing the new value
// to n1, so another client's write can slip in between.
var RacyCAS = Design{
	Name: "cas-via-replica",
	Variants: []Variant{
		{Name: "read-then-write", Summary: "a replica does compare-and-set as a read from the leader, a compare, then a write: two steps, not one"},
		{Name: Fixed, Summary: "replicas forward compare-and-set to the leader, which compares and writes in one step", Tolerates: everything},
	},
	New: func(variant string) sim.NodeFactory {
		core := NewCore(Policy{Election: ElectFixed, Commit: CommitLeader, Read: ReadLeaderLocal, Sessions: true, Machine: NewKV})
		if variant == Fixed {
			return core
		}
		return func(id string) sim.Node { return &rcNode{Node: core(id)} }
	},
}

// rcNode is a node of the racy variant: the core's, except that a replica
// does a client's compare-and-set itself, as a client of the leader.
type rcNode struct {
	sim.Node // the core replica: everything but a replica's compare-and-set
	ids      idents
	pending  map[int64]*rcCAS // by the request id of the step under way
}

// rcCAS is a compare-and-set a replica is working on.
type rcCAS struct {
	client   sim.Message
	from, to any
	writing  bool // the read is done and matched; the write is under way
}

func (n *rcNode) Start(env *sim.Env) {
	n.Node.Start(env)
	n.ids, n.pending = newIdents(env), map[int64]*rcCAS{}
}

func (n *rcNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case sim.ClientReply:
		n.step(env, b)
		return
	case sim.ClientRequest:
		if b.F == "cas" && env.ID() != env.Nodes()[0] {
			n.start(env, m, b)
			return
		}
	}
	n.Node.Handle(env, m)
}

// start is the bug's first step: ask the leader for the value.
func (n *rcNode) start(env *sim.Env, m sim.Message, req sim.ClientRequest) {
	pair, ok := req.Value.([]any)
	if !ok || len(pair) != 2 {
		env.ReplyError(m, history.ErrorBadRequest, true, "")
		return
	}
	n.ask(env, &rcCAS{client: m, from: pair[0], to: pair[1]}, sim.Request{F: "read"})
}

// ask sends the leader one step, as a client would, under an id that
// survives this node's restarts.
func (n *rcNode) ask(env *sim.Env, c *rcCAS, r sim.Request) {
	id := n.ids.next()
	reqID := id.Inc<<32 | id.Seq
	n.pending[reqID] = c
	env.Send(env.Nodes()[0], sim.ClientRequest{MsgID: reqID, ReqID: reqID, Request: r})
}

// step takes the leader's answer: after the read, compare — by now the
// value may have changed again — and write; after the write, answer.
func (n *rcNode) step(env *sim.Env, r sim.ClientReply) {
	c, ok := n.pending[r.InReplyTo]
	if !ok {
		return // a copy, or an answer to a step sent before a crash
	}
	delete(n.pending, r.InReplyTo)
	switch {
	case !r.OK:
		env.ReplyError(c.client, r.Code, !r.Indefinite, "")
	case !c.writing && !history.Equal(r.Value, c.from):
		env.ReplyError(c.client, history.ErrorMismatch, true, "")
	case !c.writing:
		c.writing = true
		n.ask(env, c, sim.Request{F: "write", Value: c.to})
	default:
		env.ReplyOK(c.client, nil)
	}
}

func (n *rcNode) Status() sim.Status {
	st := n.Node.Status()
	if len(n.pending) > 0 {
		st.Detail += fmt.Sprintf(", %d cas between read and write", len(n.pending))
		st.Key = append(st.Key, sim.Fact{Label: "cas under way", Value: fmt.Sprint(len(n.pending))})
	}
	return st
}
