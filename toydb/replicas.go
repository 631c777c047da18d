package toydb

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// Replicas is lesson 2's database: a fixed primary (n1) that replicates to
// its followers asynchronously, in batches. The default variant lets any
// node serve reads from its own copy; the fix sends reads to the primary,
// which answers only after a majority confirms it still leads.
var Replicas = Design{
	Name: "primary-async-replicas",
	Variants: []Variant{
		{Name: "read-any", Summary: "followers serve reads from their own, possibly stale, copy"},
		{Name: "fixed", Summary: "reads go to the primary, which confirms with a majority that it still leads before answering"},
	},
	New: func(variant string) sim.NodeFactory {
		return func(id string) sim.Node {
			return &replicaNode{id: id, primary: "n1", fixed: variant == "fixed"}
		}
	},
}

// ReplicationIntervalNs is how often the primary ships its latest value:
// the replication lag followers live with.
const ReplicationIntervalNs = 400_000_000

type replicate struct {
	Seq   int64
	Value any
}

func (replicate) Type() string { return "replicate" }
func (r replicate) String() string {
	return fmt.Sprintf("replicate #%d = %s", r.Seq, history.Format(r.Value))
}

type confirm struct{ Round int64 }

func (confirm) Type() string       { return "confirm-lead" }
func (c confirm) String() string   { return fmt.Sprintf("confirm-lead round %d", c.Round) }
func (confirmOK) Type() string     { return "confirm-lead-ok" }
func (c confirmOK) String() string { return fmt.Sprintf("confirm-lead-ok round %d", c.Round) }

type confirmOK struct{ Round int64 }

type replicaNode struct {
	id      string
	primary string
	fixed   bool
	seq     int64 // version of value
	value   any
	// primary only: reads waiting for a confirmation round
	round   int64
	acks    map[int64]int
	waiting map[int64][]sim.Message
}

func (n *replicaNode) Start(env *sim.Env) {
	if v, ok := env.Disk().Get("value"); ok {
		n.value = v
	}
	if s, ok := env.Disk().Get("seq"); ok {
		n.seq = s.(int64)
	}
	n.acks, n.waiting = map[int64]int{}, map[int64][]sim.Message{}
	if env.ID() == n.primary {
		env.SetTimer(ReplicationIntervalNs, "replicate")
	}
}

func (n *replicaNode) isPrimary(env *sim.Env) bool { return env.ID() == n.primary }

func (n *replicaNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case replicate:
		if b.Seq > n.seq {
			n.seq, n.value = b.Seq, b.Value
			env.Disk().Put("value", b.Value)
			env.Disk().Put("seq", b.Seq)
		}
		return
	case confirm:
		env.Reply(m, confirmOK{Round: b.Round})
		return
	case confirmOK:
		n.acks[b.Round]++
		if n.acks[b.Round]+1 == len(env.Nodes())/2+1 { // a majority, the primary included
			for _, r := range n.waiting[b.Round] {
				env.ReplyOK(r, n.value)
			}
			delete(n.waiting, b.Round)
		}
		return
	}
	orig, req, ok := Request(m)
	if !ok {
		return
	}
	if !n.isPrimary(env) && (req.F != "read" || n.fixed) {
		Forward(env, n.primary, orig, req)
		return
	}
	switch req.F {
	case "read":
		if n.isPrimary(env) && n.fixed {
			n.confirmThenRead(env, orig)
			return
		}
		env.ReplyOK(orig, n.value)
	case "write":
		n.seq++
		n.value = req.Value
		env.Disk().Put("value", req.Value)
		env.Disk().Put("seq", n.seq)
		env.Disk().Sync()
		env.ReplyOK(orig, req.Value)
	default:
		env.ReplyError(orig, "unsupported", true, n.primary)
	}
}

// confirmThenRead answers a read only once a majority has said the primary
// still leads: a deposed or cut-off primary cannot answer.
func (n *replicaNode) confirmThenRead(env *sim.Env, m sim.Message) {
	if len(env.Nodes()) == 1 {
		env.ReplyOK(m, n.value)
		return
	}
	n.round++
	n.waiting[n.round] = append(n.waiting[n.round], m)
	for _, p := range env.Peers() {
		env.Send(p, confirm{Round: n.round})
	}
}

func (n *replicaNode) Timer(env *sim.Env, tag any) {
	if tag == "replicate" {
		for _, p := range env.Peers() {
			env.Send(p, replicate{Seq: n.seq, Value: n.value})
		}
		env.SetTimer(ReplicationIntervalNs, "replicate")
	}
}

func (n *replicaNode) Status() sim.Status {
	role := sim.RoleFollower
	if n.id == n.primary {
		role = sim.RolePrimary
	}
	return sim.Status{Role: role, Leader: n.primary, Value: history.Format(n.value), Detail: fmt.Sprintf("version %d", n.seq)}
}
