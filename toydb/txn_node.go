package toydb

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// A transactional database server: n1 holds the store and runs every
// transaction; any other node is a connection proxy that passes a client's
// transaction on to n1, which answers the client directly. One server is
// all an isolation anomaly needs — concurrency, not replication — and the
// proxies let the same design run under every fault of a bigger cluster.
//
// A transaction arrives whole (Jepsen's micro-operations) and runs a
// micro-operation at a time, each a few milliseconds apart, as the
// statements of an interactive session would; many run at once. A commit
// is written to the log on disk and synced before the client hears of it,
// and the server remembers every request's outcome on disk, so that a
// duplicated or late message never runs a transaction twice, or runs one
// it already aborted.

// txnStepNs bounds the time between a transaction's micro-operations.
const (
	txnStepMinNs = 2_000_000
	txnStepMaxNs = 12_000_000
)

// txnVariant is a variant of a transactional design: its concurrency
// control.
type txnVariant struct {
	Variant
	iso isolation
}

// txnDesign is a transactional design over lists (list-append) or
// registers (rw-register).
func txnDesign(name string, lists bool, variants ...txnVariant) Design {
	d := Design{Name: name}
	for _, v := range variants {
		if v.iso.dirty && !v.iso.locks {
			panic("toydb: writes in place need write locks") // a design bug, caught by the lessons' registry
		}
		d.Variants = append(d.Variants, v.Variant)
	}
	d.New = func(variant string) sim.NodeFactory {
		var iso isolation
		for _, v := range variants {
			if v.Name == variant {
				iso = v.iso
			}
		}
		return func(id string) sim.Node { return &txnNode{iso: iso, lists: lists} }
	}
	return d
}

// txnStep is the timer that runs a transaction's next micro-operation.
type txnStep struct{ ID int64 }

// txnOutcome is what the server answered a request, kept on disk.
type txnOutcome struct {
	OK     bool
	Result []any  // the completed micro-operations (ok)
	Code   string // why it aborted (not ok)
}

// txnCommit is one commit in the log on disk.
type txnCommit struct {
	Seq    int64
	Writes []kvWrite
}

// Clone copies the outcome for the disk (sim.Cloner) as Put would, without
// its reflection: the server stores one for every transaction.
func (o txnOutcome) Clone() any {
	o.Result = sim.DeepCopy(o.Result).([]any) // a nil list stays nil
	return o
}

// Clone copies the commit for the disk (sim.Cloner) as Put would, without
// its reflection: the server stores one on every commit.
func (c txnCommit) Clone() any {
	if c.Writes != nil {
		ws := make([]kvWrite, len(c.Writes))
		for i, w := range c.Writes {
			ws[i] = kvWrite{Key: w.Key, Value: sim.DeepCopy(w.Value)}
		}
		c.Writes = ws
	}
	return c
}

// kvWrite is a key's new value in a commit.
type kvWrite struct {
	Key   string
	Value any
}

// txnFlight is a transaction the server is running, and whom to answer.
type txnFlight struct {
	run   *txnRun
	reqID int64
	msg   sim.Message
}

type txnNode struct {
	iso    isolation
	lists  bool
	server string
	role   sim.Role

	store   *txnStore
	running map[int64]*txnFlight // local id → flight
	byReq   map[int64]*txnFlight // request id → flight
	nextID  int64
}

func (n *txnNode) Start(env *sim.Env) {
	n.server = env.Nodes()[0]
	switch {
	case len(env.Nodes()) == 1:
		n.role = sim.RoleSingle
	case env.ID() == n.server:
		n.role = sim.RolePrimary
	default:
		n.role = sim.RoleForwarder
		return
	}
	n.store = newTxnStore(n.iso, n.lists)
	n.running, n.byReq = map[int64]*txnFlight{}, map[int64]*txnFlight{}
	count, _ := env.Disk().Get(txnLogLength)
	last, _ := count.(int64)
	for seq := int64(1); seq <= last; seq++ {
		v, ok := env.Disk().Get(txnLogEntry(seq)) // a read-only commit has none
		if c, isCommit := v.(txnCommit); ok && isCommit {
			for _, w := range c.Writes {
				n.store.install(w.Key, c.Seq, w.Value)
			}
		}
	}
	n.store.seq = last
}

// The disk's keys: the log's length, its entries, and each request's
// outcome.
const txnLogLength = "txn/log-length"

func txnLogEntry(seq int64) string   { return "txn/log/" + strconv.FormatInt(seq, 10) }
func txnOutcomeKey(req int64) string { return "txn/outcome/" + strconv.FormatInt(req, 10) }

func (n *txnNode) Handle(env *sim.Env, m sim.Message) {
	m, req, ok := Request(m)
	if !ok {
		return
	}
	if n.role == sim.RoleForwarder {
		Forward(env, n.server, m, req)
		return
	}
	if req.F != "txn" {
		env.ReplyError(m, "unsupported", true, "")
		return
	}
	if v, done := env.Disk().Get(txnOutcomeKey(req.ReqID)); done {
		n.answer(env, m, v.(txnOutcome))
		return
	}
	if f := n.byReq[req.ReqID]; f != nil {
		f.msg = m // a copy of a request under way: answer the newest
		return
	}
	mops, err := history.ParseMicroOps(req.Value)
	if err != nil || len(mops) == 0 {
		env.ReplyError(m, txnErrBadTxn, true, "")
		return
	}
	n.nextID++
	f := &txnFlight{run: n.store.begin(n.nextID, mops), reqID: req.ReqID, msg: m}
	n.running[f.run.id], n.byReq[req.ReqID] = f, f
	if env.Tracing() {
		n.logBegin(env, f)
	}
	n.schedule(env, f)
}

func (n *txnNode) logBegin(env *sim.Env, f *txnFlight) {
	steps := fmt.Sprintf("%d micro-operations", len(f.run.mops))
	if len(f.run.mops) == 1 {
		steps = "1 micro-operation"
	}
	if n.iso.snapshot {
		env.Logf("txn #%d begins: %s, reading the snapshot as of commit %d", f.run.id, steps, f.run.snapshot)
	} else {
		env.Logf("txn #%d begins: %s", f.run.id, steps)
	}
}

func (n *txnNode) schedule(env *sim.Env, f *txnFlight) {
	d := txnStepMinNs + env.Rand().Int64N(txnStepMaxNs-txnStepMinNs+1)
	env.SetTimer(d, txnStep{ID: f.run.id})
}

func (n *txnNode) Timer(env *sim.Env, tag any) {
	t, ok := tag.(txnStep)
	f := n.running[t.ID]
	if !ok || f == nil {
		return
	}
	if f.run.next < len(f.run.mops) {
		say := env.Tracing()
		abort, line := n.store.step(f.run, say)
		if say {
			env.Logf("%s", line)
		}
		if abort != "" {
			n.abort(env, f, abort)
			return
		}
		n.schedule(env, f)
		return
	}
	abort, why, retried := n.store.certify(f.run)
	if why != "" {
		env.Logf("%s", why)
	}
	if abort != "" {
		n.abort(env, f, abort)
		return
	}
	seq, writes := n.store.commit(f.run)
	d := env.Disk()
	if len(writes) > 0 {
		d.Put(txnLogEntry(seq), txnCommit{Seq: seq, Writes: writes})
	}
	d.Put(txnLogLength, seq)
	out := txnOutcome{OK: true, Result: f.run.result()}
	d.Put(txnOutcomeKey(f.reqID), out)
	d.Sync()
	if env.Tracing() {
		if retried {
			env.Logf("txn #%d commits as commit %d, its writes applied on top of the newer state", f.run.id, seq)
		} else {
			env.Logf("txn #%d commits as commit %d", f.run.id, seq)
		}
	}
	n.finish(f)
	n.answer(env, f.msg, out)
}

// abort ends a transaction that cannot commit: its locks go, its writes
// in place are undone, and the client hears a definite failure, which is
// on disk first so that no copy of the request runs it again.
func (n *txnNode) abort(env *sim.Env, f *txnFlight, code string) {
	n.store.release(f.run)
	out := txnOutcome{Code: code}
	env.Disk().Put(txnOutcomeKey(f.reqID), out)
	env.Disk().Sync()
	n.finish(f)
	n.answer(env, f.msg, out)
}

func (n *txnNode) finish(f *txnFlight) {
	delete(n.running, f.run.id)
	delete(n.byReq, f.reqID)
}

func (n *txnNode) answer(env *sim.Env, m sim.Message, out txnOutcome) {
	if out.OK {
		env.ReplyOK(m, out.Result)
		return
	}
	env.ReplyError(m, out.Code, true, "")
}

func (n *txnNode) Status() sim.Status {
	st := sim.Status{Role: n.role}
	if n.store == nil {
		st.Value = "passes transactions to the server"
		st.Key = sim.Facts("server", n.server)
		return st
	}
	st.Value = fmt.Sprintf("%d commits", n.store.seq)
	st.Key = sim.Facts("commits", n.store.seq, "open txns", len(n.running))
	if len(n.running) > 0 {
		st.Detail = fmt.Sprintf("%d open txns", len(n.running))
		if len(n.running) == 1 {
			st.Detail = "1 open txn"
		}
		if locked := n.store.lockedKeys(); len(locked) > 0 {
			st.Detail += ", locks on " + strings.Join(locked, " ")
			st.Key = append(st.Key, sim.Fact{Label: "locks on", Value: strings.Join(locked, " ")})
		}
	}
	return st
}
