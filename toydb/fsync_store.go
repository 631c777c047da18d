package toydb

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// FsyncStore is lesson 9's database: one register on one node (n1; any
// other node forwards to it). The default variant acknowledges a write as
// soon as it is in the page cache and fsyncs in the background every
// FsyncIntervalNs, as many stores do by default for speed; a crash loses
// the writes since the last fsync, acknowledged or not. The fix fsyncs
// before it acknowledges.
var FsyncStore = Design{
	Name: "fsync-store",
	Variants: []Variant{
		{Name: "ack-before-fsync", Summary: "a write is acknowledged once it is in the page cache; an fsync runs every second in the background"},
		{Name: "fixed", Summary: "a write is fsynced before it is acknowledged"},
	},
	New: func(variant string) sim.NodeFactory {
		return func(string) sim.Node { return &fsNode{syncFirst: variant == "fixed"} }
	},
}

// FsyncIntervalNs is how often the default variant fsyncs.
const FsyncIntervalNs = 1_000_000_000

// fsFsync is the background fsync's timer.
type fsFsync struct{}

func (fsFsync) String() string { return "background fsync" }

type fsNode struct {
	syncFirst bool
	value     any
	synced    any   // the value on disk for certain
	unsynced  int64 // acknowledged writes not yet on disk
	server    bool
	seen      map[int64]bool // request ids of writes applied since the last start
}

func (n *fsNode) Start(env *sim.Env) {
	n.value, _ = env.Disk().Get("value")
	n.synced = n.value
	n.seen = map[int64]bool{}
	n.server = env.ID() == fsServer(env)
	if !n.syncFirst && n.server {
		env.SetTimer(FsyncIntervalNs, fsFsync{})
	}
}

func fsServer(env *sim.Env) string { return env.Nodes()[0] }

func (n *fsNode) Handle(env *sim.Env, m sim.Message) {
	orig, req, ok := Request(m)
	if !ok {
		return
	}
	if env.ID() != fsServer(env) {
		Forward(env, fsServer(env), orig, req)
		return
	}
	switch req.F {
	case "read":
		env.ReplyOK(orig, n.value)
	case "write":
		// A forwarded write the network delivered twice must not land twice:
		// a late copy would overwrite newer writes.
		if n.seen[req.ReqID] {
			return
		}
		n.seen[req.ReqID] = true
		n.value = req.Value
		env.Disk().Put("value", req.Value)
		if n.syncFirst {
			n.sync(env)
		} else {
			n.unsynced++
		}
		env.ReplyOK(orig, req.Value)
	default:
		env.ReplyError(orig, "unsupported", true, "")
	}
}

func (n *fsNode) sync(env *sim.Env) {
	env.Disk().Sync()
	n.synced, n.unsynced = n.value, 0
}

func (n *fsNode) Timer(env *sim.Env, tag any) {
	if _, ok := tag.(fsFsync); ok {
		if n.unsynced > 0 {
			env.Logf("fsync: %d acknowledged writes reach the disk", n.unsynced)
		}
		n.sync(env)
		env.SetTimer(FsyncIntervalNs, fsFsync{})
	}
}

func (n *fsNode) Status() sim.Status {
	if !n.server {
		return sim.Status{Role: "forwarder", Leader: "n1", Detail: "sends every request to n1"}
	}
	d := fmt.Sprintf("on disk: %s", history.Format(n.synced))
	if n.unsynced > 0 {
		d += fmt.Sprintf("; %d acknowledged writes only in memory", n.unsynced)
	}
	return sim.Status{Role: "primary", Leader: "n1", Value: history.Format(n.value), Detail: d}
}
