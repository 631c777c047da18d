package toydb

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// SloppyQuorums is lesson 6's database: Dynamo-style replication of one
// register. Its preference list is the nodes in order; the first N = 3 are
// its home replicas, the rest fallbacks. Any node coordinates a client's
// operation: it stores a write on replicas and answers once W have it; it
// asks replicas for a read and answers with the newest of the first R
// replies.
//
// With R+W ≤ N a read can miss a finished write entirely. With a sloppy
// quorum R+W > N is no cure: a write that cannot reach enough home replicas
// lands on fallbacks, which hand it on later (hinted handoff), and a read
// from the home side meets none of them. With strict quorums R+W > N a read
// meets every finished write — yet two reads in a row can still disagree
// while a write is only partly stored. The fix is ABD's: strict quorums, and
// before answering, a read writes the newest value it saw back to a majority.
var SloppyQuorums = Design{
	Name: "dynamo-register",
	Variants: []Variant{
		{Name: "sloppy", Summary: "R = W = 2 of N = 3 (R+W > N), but writes that cannot reach their home replicas land on fallbacks (hinted handoff): quorums need not meet"},
		{Name: "one", Summary: "R = W = 1 (R+W ≤ N): each operation waits for a single replica"},
		{Name: "quorum", Summary: "strict quorums, R = W = 2 of N = 3 (R+W > N), but reads do not write back what they saw"},
		{Name: Fixed, Summary: "strict majority quorums, and a read writes the newest value it saw back to a majority before answering (ABD)", Tolerates: everything},
	},
	New: func(variant string) sim.NodeFactory {
		k := dynKind{r: 2, w: 2, sloppy: variant == "sloppy", writeBack: variant == Fixed}
		if variant == "one" {
			k.r, k.w = 1, 1
		}
		return func(id string) sim.Node { return &dynNode{id: id, k: k} }
	},
}

// Timing of the coordinators, on virtual time.
const (
	// dynN is the number of home replicas.
	dynN = 3
	// dynCheckNs is how long a coordinator waits for replies before it
	// counts the silent replicas down (and, with a sloppy quorum, asks the
	// next nodes of the preference list instead).
	dynCheckNs = 150_000_000
	// dynReadDeadlineNs is how long a read tries before it fails (a read
	// that never answered changed nothing, so the failure is definite).
	dynReadDeadlineNs = 500_000_000
	// dynHandoffNs is how often a fallback tries to hand its hints home.
	dynHandoffNs = 200_000_000
)

type dynKind struct {
	r, w      int
	all       bool // every node is a home replica, and R = W = N (consistency level ALL)
	sloppy    bool
	writeBack bool // and read before writing: ABD
}

// dynVersion is a write's version: a counter or a clock reading, and the
// node that gave it.
type dynVersion struct {
	N    int64
	Node string
}

func (v dynVersion) String() string {
	if v.Node == "" {
		return "v0"
	}
	return fmt.Sprintf("v%d@%s", v.N, v.Node)
}

// dynCell is a replica's versioned value.
type dynCell struct {
	Value   any
	Version dynVersion
}

func (c dynCell) String() string { return history.Format(c.Value) + " " + c.Version.String() }

// after orders cells by version number and, between equal numbers (two
// clocks that read the same), by value, as Cassandra breaks ties: every
// replica keeps the same one.
func (c dynCell) after(d dynCell) bool {
	if c.Version.N != d.Version.N {
		return c.Version.N > d.Version.N
	}
	if k := history.Compare(c.Value, d.Value); k != 0 {
		return k > 0
	}
	return nodeLess(d.Version.Node, c.Version.Node)
}

// dynMsg is every message between replicas: a get and its got (Cell, what
// the replica holds), a put (Cell; Hint names the home replica a fallback
// holds it for) and its put-ok, a fallback's handoff of a hinted write and
// the home replica's handoff-ok. Op names the coordinator's operation.
type dynMsg struct {
	Kind string
	Op   ident
	Cell dynCell
	Hint string
}

// The kinds of dynMsg.
const (
	dynGet       = "get"
	dynGot       = "got"
	dynPut       = "put"
	dynPutOK     = "put-ok"
	dynHandoff   = "handoff"
	dynHandoffOK = "handoff-ok"
)

func (m dynMsg) Type() string { return m.Kind }
func (m dynMsg) String() string {
	s := m.Kind
	if m.Kind != dynGet && m.Kind != dynPutOK {
		s += " " + m.Cell.String()
	}
	if m.Hint != "" {
		s += " as a hint for " + m.Hint
	}
	if m.Kind != dynHandoff && m.Kind != dynHandoffOK {
		s += fmt.Sprintf(" (op %s)", m.Op)
	}
	return s
}

// Timer tags.
type (
	dynCheck    struct{ Op ident }
	dynHandTick struct{}
)

func (d dynCheck) String() string  { return fmt.Sprintf("check op %s", d.Op) }
func (dynHandTick) String() string { return "hinted handoff" }

// dynOp is an operation this node coordinates.
type dynOp struct {
	client  sim.Message
	req     sim.Request
	storing bool              // false: asking for versions; true: storing cell
	asked   map[string]string // replica → the home node it stands in for ("" itself)
	replied map[string]bool
	cell    dynCell // newest seen, or being stored
	started int64   // monotonic
}

type dynNode struct {
	id      string
	k       dynKind
	nodes   []string // the preference list
	issued  int64    // the highest version number this node has given a write
	cell    dynCell
	ids     idents
	ops     map[ident]*dynOp
	down    map[string]bool // replicas that missed a check, until heard from again
	hints   map[string]bool // home replicas this node holds a write for
	handing bool            // a handoff timer is running
}

func (n *dynNode) Start(env *sim.Env) {
	n.ops, n.down, n.hints = map[ident]*dynOp{}, map[string]bool{}, map[string]bool{}
	n.nodes = env.Nodes()
	if n.k.all {
		n.k.r, n.k.w = len(n.nodes), len(n.nodes)
	}
	n.ids = newIdents(env)
	sim.Load(env.Disk(), "cell", &n.cell)
	sim.Load(env.Disk(), "issued", &n.issued)
	sim.Load(env.Disk(), "hints", &n.hints)
	n.armHandoff(env)
}

// home lists the home replicas: the first N nodes (all of them under ALL).
func (n *dynNode) home() []string {
	if n.k.all {
		return n.nodes
	}
	return n.nodes[:min(dynN, len(n.nodes))]
}

// store keeps a value if its version is newer than this replica's.
func (n *dynNode) store(env *sim.Env, c dynCell) {
	if !c.after(n.cell) {
		return
	}
	n.cell = c
	env.Disk().Put("cell", c)
	env.Disk().Sync()
}

func (n *dynNode) Handle(env *sim.Env, m sim.Message) {
	delete(n.down, m.Src)
	b, ok := m.Body.(dynMsg)
	if !ok {
		if orig, req, ok := Request(m); ok {
			n.coordinate(env, orig, req.Request)
		}
		return
	}
	switch b.Kind {
	case dynGet:
		env.Reply(m, dynMsg{Kind: dynGot, Op: b.Op, Cell: n.cell})
	case dynPut:
		n.put(env, b.Cell, b.Hint)
		env.Reply(m, dynMsg{Kind: dynPutOK, Op: b.Op})
	case dynHandoff:
		n.store(env, b.Cell)
		env.Reply(m, dynMsg{Kind: dynHandoffOK, Cell: b.Cell})
	case dynHandoffOK:
		if n.hints[m.Src] && !n.cell.after(b.Cell) {
			delete(n.hints, m.Src)
			env.Disk().Put("hints", n.hints)
			env.Disk().Sync()
		}
	case dynGot:
		n.replied(env, b.Op, m.Src, false, b.Cell)
	case dynPutOK:
		n.replied(env, b.Op, m.Src, true, dynCell{})
	}
}

// coordinate starts a client's operation.
func (n *dynNode) coordinate(env *sim.Env, client sim.Message, req sim.Request) {
	if req.F != "read" && req.F != "write" {
		env.ReplyError(client, history.ErrorUnsupported, true, "")
		return
	}
	id := n.ids.next()
	op := &dynOp{client: client, req: req, cell: n.cell, started: env.Monotonic()}
	n.ops[id] = op
	env.SetTimer(dynCheckNs, dynCheck{Op: id})
	if req.F == "write" && !n.k.writeBack {
		// Cassandra's way: the coordinator's clock is the version, and
		// nothing is read before writing.
		op.cell = dynCell{Value: req.Value, Version: dynVersion{N: env.Now(), Node: n.id}}
		op.storing = true
	}
	n.send(env, id)
}

// send starts the operation's current phase: a get or a put to the
// replicas it picks.
func (n *dynNode) send(env *sim.Env, id ident) {
	op := n.ops[id]
	op.asked, op.replied = map[string]string{}, map[string]bool{}
	self := ""
	for _, home := range n.home() {
		if to := n.replicaFor(env, op, home); to != n.id {
			n.ask(env, id, to, home)
		} else {
			self = home
		}
	}
	if self != "" { // last: answering itself may end the phase
		n.ask(env, id, n.id, self)
	}
}

// replicaFor picks who stands in for a home replica: the home replica
// itself, or, under a sloppy quorum when it is down, the first node of the
// preference list that is neither down nor already asked.
func (n *dynNode) replicaFor(env *sim.Env, op *dynOp, home string) string {
	if !n.k.sloppy || !n.down[home] {
		return home
	}
	for _, id := range env.Nodes() {
		if _, asked := op.asked[id]; !asked && !n.down[id] && !slices.Contains(n.home(), id) {
			return id
		}
	}
	return home
}

// ask sends the phase's message to one replica (answering itself at once).
func (n *dynNode) ask(env *sim.Env, id ident, to, home string) {
	op, ok := n.ops[id]
	if !ok {
		return
	}
	if _, asked := op.asked[to]; asked {
		return
	}
	hint := ""
	if to != home {
		hint = home
	}
	op.asked[to] = hint
	body := dynMsg{Kind: dynGet, Op: id}
	if op.storing {
		body = dynMsg{Kind: dynPut, Op: id, Cell: op.cell, Hint: hint}
	}
	if to != n.id {
		env.Send(to, body)
		return
	}
	// This node is one of the replicas: it answers itself.
	if op.storing {
		n.put(env, op.cell, hint)
	}
	n.replied(env, id, n.id, op.storing, n.cell)
}

// put stores a value as a replica, noting a hint for its home replica.
func (n *dynNode) put(env *sim.Env, c dynCell, hint string) {
	n.store(env, c)
	if hint != "" && !n.hints[hint] {
		n.hints[hint] = true
		env.Disk().Put("hints", n.hints)
		env.Disk().Sync()
		n.armHandoff(env)
	}
}

// armHandoff keeps one timer running while this node holds hints.
func (n *dynNode) armHandoff(env *sim.Env) {
	if !n.handing && len(n.hints) > 0 {
		n.handing = true
		env.SetTimer(dynHandoffNs, dynHandTick{})
	}
}

// replied counts a replica's answer in the current phase (a copy counts
// once): a get's cell, or a put's acknowledgement.
func (n *dynNode) replied(env *sim.Env, id ident, from string, stored bool, c dynCell) {
	op, ok := n.ops[id]
	if !ok || op.storing != stored {
		return
	}
	if _, asked := op.asked[from]; !asked || op.replied[from] {
		return
	}
	op.replied[from] = true
	if !stored && c.after(op.cell) {
		op.cell = c
	}
	switch {
	case !stored && len(op.replied) == n.k.r:
		n.queried(env, id)
	case stored && len(op.replied) == n.k.w:
		n.finish(env, id)
	}
}

// queried runs once R replicas have said what they hold: a write picks the
// next version and stores; a read answers, or with write-back first stores
// what it saw.
func (n *dynNode) queried(env *sim.Env, id ident) {
	op := n.ops[id]
	switch {
	case op.req.F == "write":
		// Above anything the quorum has seen, and above every version this
		// node ever gave (on disk, for its restarts): two writes this node
		// coordinates must never share a version.
		n.issued = max(op.cell.Version.N, n.issued) + 1
		env.Disk().Put("issued", n.issued)
		env.Disk().Sync()
		op.cell = dynCell{Value: op.req.Value, Version: dynVersion{N: n.issued, Node: n.id}}
	case !n.k.writeBack:
		n.finish(env, id)
		return
	}
	op.storing = true
	op.started = env.Monotonic()
	n.send(env, id)
}

func (n *dynNode) finish(env *sim.Env, id ident) {
	op := n.ops[id]
	delete(n.ops, id)
	env.ReplyOK(op.client, op.cell.Value)
}

func (n *dynNode) Timer(env *sim.Env, tag any) {
	switch t := tag.(type) {
	case dynCheck:
		n.check(env, t.Op)
	case dynHandTick:
		n.handing = false
		for _, h := range slices.Sorted(maps.Keys(n.hints)) {
			env.Send(h, dynMsg{Kind: dynHandoff, Cell: n.cell})
		}
		n.armHandoff(env)
	}
}

// check looks at an operation still waiting: the replicas that have not
// answered count as down; a sloppy quorum asks fallbacks in their place;
// a read past its deadline fails.
func (n *dynNode) check(env *sim.Env, id ident) {
	op, ok := n.ops[id]
	if !ok {
		return
	}
	if op.req.F == "read" && env.Monotonic()-op.started >= dynReadDeadlineNs {
		delete(n.ops, id)
		env.ReplyError(op.client, history.ErrorUnavailable, true, "")
		return
	}
	for to := range op.asked { // marks a set: the order is of no matter
		if !op.replied[to] {
			n.down[to] = true
		}
	}
	if n.k.sloppy {
		for _, to := range slices.Sorted(maps.Keys(op.asked)) {
			if home := cmp.Or(op.asked[to], to); !op.replied[to] {
				n.ask(env, id, n.replicaFor(env, op, home), home)
			}
		}
	}
	env.SetTimer(dynCheckNs, dynCheck{Op: id})
}

func (n *dynNode) Status() sim.Status {
	place := "home"
	if !slices.Contains(n.home(), n.id) {
		place = "fallback"
	}
	st := sim.Status{Role: sim.RoleReplica, Value: history.Format(n.cell.Value),
		Detail: fmt.Sprintf("%s replica, %s, R=%d W=%d", place, n.cell.Version, n.k.r, n.k.w),
		Key:    sim.Facts("value", history.Format(n.cell.Value), place, "replica", "version", n.cell.Version)}
	if len(n.hints) > 0 {
		hs := strings.Join(slices.Sorted(maps.Keys(n.hints)), " ")
		st.Detail += ", hints for " + hs
		st.Key = append(st.Key, sim.Fact{Label: "hints for", Value: hs})
	}
	return st
}
