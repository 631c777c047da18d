package sim

import (
	"fmt"
	"math/rand/v2"
)

// Node is a toy database replica: a pure state machine. It never sleeps,
// starts goroutines or reads the wall clock; it reacts to messages and
// timers through the Env the simulator hands it (etcd raft's shape).
type Node interface {
	// Start is called when the node boots and after every restart. The node
	// value is fresh each time (volatile state lost); the Env's disk keeps
	// what was synced.
	Start(env *Env)
	// Handle delivers a message from a peer or a client.
	Handle(env *Env, msg Message)
	// Timer fires a timer the node set, with the tag it gave.
	Timer(env *Env, tag any)
	// Status is a small summary for the cluster view.
	Status() Status
}

// NodeFactory makes a fresh node value for a node id.
type NodeFactory func(id string) Node

// Status is what the cluster view shows of a node.
type Status struct {
	Role   Role // leader, follower, primary, candidate, ... (one of Roles)
	Term   int64
	Leader string // who this node thinks leads
	Value  string // its state, briefly
	Detail string // commit index, lease, ...
}

// TimerID names a timer so a node can cancel it.
type TimerID int64

// Env is a node's window on the world: its id, peers, clock, network,
// timers, randomness, log and disk.
type Env struct {
	sim  *Sim
	id   string
	idx  int
	rng  *rand.Rand
	disk *Disk
}

// ID is this node's id (n1, n2, ...).
func (e *Env) ID() string { return e.id }

// Peers are the other nodes, in order.
func (e *Env) Peers() []string { return e.sim.peers[e.idx] }

// Nodes are all nodes, this one included, in order.
func (e *Env) Nodes() []string { return e.sim.nodeIDs }

// Now is the node's local wall clock: virtual time plus its skew. Use it
// for timestamps and leases, never for timers (timers run on virtual time,
// as a monotonic clock would).
func (e *Env) Now() int64 { return e.sim.localClock(e.idx) }

// Send sends a body to another node or a client.
func (e *Env) Send(dest string, body Body) { e.sim.send(e.id, dest, body) }

// Reply answers a message to its sender.
func (e *Env) Reply(to Message, body Body) { e.sim.send(e.id, to.Src, body) }

// ReplyOK answers a client's request with success and a value.
func (e *Env) ReplyOK(req Message, value any) {
	e.Reply(req, ClientReply{InReplyTo: msgID(req), OK: true, Value: value})
}

// ReplyError answers a client's request with an error. definite means the
// operation certainly did not happen.
func (e *Env) ReplyError(req Message, code string, definite bool, leader string) {
	e.Reply(req, ClientReply{InReplyTo: msgID(req), Code: code, Indefinite: !definite, Leader: leader})
}

func msgID(m Message) int64 {
	if r, ok := m.Body.(ClientRequest); ok {
		return r.MsgID
	}
	return 0
}

// SetTimer fires Timer(tag) after delayNs of virtual time, unless the node
// crashes first. Timers of a paused node wait until it resumes.
func (e *Env) SetTimer(delayNs int64, tag any) TimerID {
	return e.sim.setTimer(e.idx, delayNs, tag)
}

// CancelTimer stops a timer that has not fired.
func (e *Env) CancelTimer(id TimerID) { e.sim.cancelTimer(id) }

// Rand is the node's own deterministic PRNG.
func (e *Env) Rand() *rand.Rand { return e.rng }

// Disk is the node's disk: writes survive a crash only once synced.
func (e *Env) Disk() *Disk { return e.disk }

// Logf writes a line to the trace.
func (e *Env) Logf(format string, args ...any) {
	if e.sim.cfg.Trace {
		e.sim.trace(TraceEvent{Kind: TraceLog, Src: e.id, Detail: fmt.Sprintf(format, args...)})
	}
}
