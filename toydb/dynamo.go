package toydb

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// SloppyQuorums is lesson 6's database: Dynamo-style replication of one
// register on every node (N = the cluster size) with tunable R and W. Any
// node coordinates a client's operation. A write first asks R replicas for
// the newest version, then stores the value with the next version on every
// replica and answers once W have it. A read asks replicas and answers with
// the newest of the first R replies.
//
// With R+W ≤ N a read can miss a finished write entirely. With R+W > N it
// cannot — yet two reads in a row can still disagree while a write is only
// partly stored: the first read happens to see the new value, the second
// does not. The fix is ABD's: before answering, a read writes the newest
// value it saw back to a majority.
var SloppyQuorums = Design{
	Name: "dynamo-register",
	Variants: []Variant{
		{Name: "one", Summary: "R = W = 1 (R+W ≤ N): each operation waits for a single replica"},
		{Name: "quorum", Summary: "R = W = a majority (R+W > N), but reads do not write back what they saw"},
		{Name: "fixed", Summary: "majority quorums, and a read writes the newest value it saw back to a majority before answering (ABD)"},
	},
	New: func(variant string) sim.NodeFactory {
		return func(id string) sim.Node {
			n := &dynNode{id: id, writeBack: variant == "fixed"}
			if variant == "one" {
				n.r, n.w = 1, 1
			}
			return n
		}
	},
}

// dynReadDeadlineNs is how long a coordinator tries to reach R replicas for
// a read before it gives up and fails the read (a read that never answered
// changed nothing, so the failure is definite).
const dynReadDeadlineNs = 500_000_000

// dynVersion orders writes: a counter, then the coordinating node.
type dynVersion struct {
	N    int64
	Node string
}

func (v dynVersion) after(u dynVersion) bool {
	return v.N > u.N || (v.N == u.N && pbNodeLess(u.Node, v.Node))
}

func (v dynVersion) String() string {
	if v.Node == "" {
		return "v0"
	}
	return fmt.Sprintf("v%d@%s", v.N, v.Node)
}

type dynGet struct{ Op int64 }

func (dynGet) Type() string     { return "get" }
func (m dynGet) String() string { return fmt.Sprintf("get (op %d)", m.Op) }

type dynGot struct {
	Op      int64
	Value   any
	Version dynVersion
}

func (dynGot) Type() string { return "got" }
func (m dynGot) String() string {
	return fmt.Sprintf("got %s %s (op %d)", history.Format(m.Value), m.Version, m.Op)
}

type dynPut struct {
	Op      int64
	Value   any
	Version dynVersion
}

func (dynPut) Type() string { return "put" }
func (m dynPut) String() string {
	return fmt.Sprintf("put %s %s (op %d)", history.Format(m.Value), m.Version, m.Op)
}

type dynPutOK struct{ Op int64 }

func (dynPutOK) Type() string     { return "put-ok" }
func (m dynPutOK) String() string { return fmt.Sprintf("put-ok (op %d)", m.Op) }

// dynDeadline is the timer tag of a read's deadline.
type dynDeadline struct{ Op int64 }

func (d dynDeadline) String() string { return fmt.Sprintf("deadline of op %d", d.Op) }

// dynOp is an operation this node coordinates.
type dynOp struct {
	client  sim.Message
	req     sim.Request
	storing bool            // false: asking for versions; true: storing value
	replied map[string]bool // who answered in the current phase, this node included
	value   any             // newest seen, or being stored
	version dynVersion
}

type dynNode struct {
	id        string
	r, w      int // 0: a majority
	writeBack bool
	value     any
	version   dynVersion
	nextOp    int64
	ops       map[int64]*dynOp
}

func (n *dynNode) Start(env *sim.Env) {
	n.ops = map[int64]*dynOp{}
	if v, ok := env.Disk().Get("value"); ok {
		n.value = v
	}
	if v, ok := env.Disk().Get("version"); ok {
		n.version = v.(dynVersion)
	}
	if n.r == 0 {
		n.r = pbMajority(env)
	}
	if n.w == 0 {
		n.w = pbMajority(env)
	}
}

// store keeps a value if its version is newer than this replica's.
func (n *dynNode) store(env *sim.Env, v any, ver dynVersion) {
	if !ver.after(n.version) {
		return
	}
	n.value, n.version = v, ver
	env.Disk().Put("value", v)
	env.Disk().Put("version", ver)
	env.Disk().Sync()
}

func (n *dynNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case dynGet:
		env.Reply(m, dynGot{Op: b.Op, Value: n.value, Version: n.version})
		return
	case dynPut:
		n.store(env, b.Value, b.Version)
		env.Reply(m, dynPutOK{Op: b.Op})
		return
	case dynGot:
		if op, ok := n.ops[b.Op]; ok && !op.storing {
			if b.Version.after(op.version) {
				op.value, op.version = b.Value, b.Version
			}
			if n.count(op, m.Src) == n.r {
				n.queried(env, b.Op)
			}
		}
		return
	case dynPutOK:
		if op, ok := n.ops[b.Op]; ok && op.storing {
			if n.count(op, m.Src) == n.w {
				n.done(env, b.Op)
			}
		}
		return
	}
	orig, req, ok := Request(m)
	if !ok {
		return
	}
	if req.F != "read" && req.F != "write" {
		env.ReplyError(orig, "unsupported", true, "")
		return
	}
	n.nextOp++
	id := n.nextOp
	n.ops[id] = &dynOp{client: orig, req: req.Request, replied: map[string]bool{n.id: true}, value: n.value, version: n.version}
	if req.F == "write" && !n.writeBack {
		// Cassandra's way: the coordinator's clock is the version, and
		// nothing is read before writing.
		n.ops[id].version = dynVersion{N: env.Now(), Node: n.id}
		n.ops[id].value = req.Value
		n.storeOp(env, id)
		return
	}
	if req.F == "read" {
		env.SetTimer(dynReadDeadlineNs, dynDeadline{Op: id})
	}
	if n.r == 1 {
		n.queried(env, id)
		return
	}
	for _, p := range env.Peers() {
		env.Send(p, dynGet{Op: id})
	}
}

// queried runs once R replicas (this one included) have said what they
// hold: a write picks the next version and stores; a read answers, or with
// write-back first stores what it saw.
func (n *dynNode) queried(env *sim.Env, id int64) {
	op := n.ops[id]
	switch {
	case op.req.F == "write":
		// Above anything the quorum or this node has seen: two writes this
		// node coordinates at once must not share a version.
		op.value, op.version = op.req.Value, dynVersion{N: max(op.version.N, n.version.N) + 1, Node: n.id}
	case !n.writeBack:
		n.done(env, id)
		return
	}
	n.storeOp(env, id)
}

// storeOp stores an operation's value and version here and on every other
// replica; the client is answered once W have it.
func (n *dynNode) storeOp(env *sim.Env, id int64) {
	op := n.ops[id]
	op.storing, op.replied = true, map[string]bool{n.id: true}
	n.store(env, op.value, op.version)
	for _, p := range env.Peers() {
		env.Send(p, dynPut{Op: id, Value: op.value, Version: op.version})
	}
	if len(op.replied) >= n.w {
		n.done(env, id)
	}
}

// count records a reply (a duplicated one counts once) and returns how
// many replicas have answered in this phase.
func (n *dynNode) count(op *dynOp, from string) int {
	op.replied[from] = true
	return len(op.replied)
}

func (n *dynNode) done(env *sim.Env, id int64) {
	op := n.ops[id]
	delete(n.ops, id)
	env.ReplyOK(op.client, op.value)
}

func (n *dynNode) Timer(env *sim.Env, tag any) {
	d, ok := tag.(dynDeadline)
	if !ok {
		return
	}
	if op, pending := n.ops[d.Op]; pending {
		delete(n.ops, d.Op)
		env.ReplyError(op.client, "unavailable", true, "")
	}
}

func (n *dynNode) Status() sim.Status {
	return sim.Status{
		Role:   "replica",
		Value:  history.Format(n.value),
		Detail: fmt.Sprintf("%s, R=%d W=%d", n.version, n.r, n.w),
	}
}
