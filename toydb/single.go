package toydb

import (
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// Single is lesson 1's database: one node holding one register, which syncs
// every write to disk before acknowledging it. Nothing is wrong with it; a
// crash only makes some operations indeterminate.
var Single = Design{
	Name:     "single-register",
	Variants: []Variant{{Name: "single", Summary: "one node, one register, every write synced before it is acknowledged"}},
	New: func(string) sim.NodeFactory {
		return func(string) sim.Node { return &singleNode{} }
	},
}

type singleNode struct {
	value any
}

func (n *singleNode) Start(env *sim.Env) {
	n.value, _ = env.Disk().Get("value")
}

func (n *singleNode) Handle(env *sim.Env, m sim.Message) {
	m, req, ok := Request(m)
	if !ok {
		return
	}
	switch req.F {
	case "read":
		env.ReplyOK(m, n.value)
	case "write":
		n.value = req.Value
		env.Disk().Put("value", req.Value)
		env.Disk().Sync()
		env.ReplyOK(m, req.Value)
	default:
		env.ReplyError(m, "unsupported", true, "")
	}
}

func (n *singleNode) Timer(*sim.Env, any) {}

func (n *singleNode) Status() sim.Status {
	return sim.Status{Role: "single", Value: history.Format(n.value)}
}
