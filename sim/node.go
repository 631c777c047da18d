package sim

import (
	"fmt"
	"math/rand/v2"
)

// Node is a toy database replica: a pure state machine. It never sleeps,
// starts goroutines or reads the wall clock; it reacts to messages and
// timers through the Env it is handed (etcd raft's shape: input in, effects
// out through one narrow port a test can fake — see sim/simtest).
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
	// Key is the few facts the node's lesson is about (lease end and
	// fencing token, term and commit index, in-sync set, ...), in a fixed
	// order, each short, so the workbench can always show them in a line.
	Key []Fact
}

// Fact is one labelled piece of a node's key state: "commit" "41".
type Fact struct {
	Label string
	Value string
}

// Facts builds a Key from alternating labels and values; a value that is
// not a string is printed with fmt.
func Facts(labelValue ...any) []Fact {
	out := make([]Fact, 0, len(labelValue)/2)
	for i := 0; i+1 < len(labelValue); i += 2 {
		out = append(out, Fact{Label: fmt.Sprint(labelValue[i]), Value: fmt.Sprint(labelValue[i+1])})
	}
	return out
}

// TimerID names a timer so a node can cancel it.
type TimerID int64

// Port is what an Env acts through: the simulator, or a test's fake. Every
// effect a node has on the world passes here, so a fake can record it.
type Port interface {
	// Now is virtual time: what a monotonic clock on this node reads.
	Now() int64
	// Clock is this node's wall clock: virtual time plus its skew.
	Clock() int64
	Send(dest string, body Body)
	SetTimer(delayNs int64, tag any) TimerID
	CancelTimer(id TimerID)
	// Logf writes a line to the trace (a port may skip the formatting when
	// nobody reads the trace; one that does may also have a Tracing() bool
	// method saying so, which Env.Tracing asks).
	Logf(format string, args ...any)
}

// Env is a node's window on the world: its id, peers, clocks, network,
// timers, randomness, log and disk.
type Env struct {
	port  Port
	id    string
	nodes []string
	peers []string
	rng   *rand.Rand
	disk  *Disk
}

// NewEnv is the environment of node id among nodes (this one included, in
// order), acting through port, with its own PRNG and disk.
func NewEnv(port Port, id string, nodes []string, rng *rand.Rand, disk *Disk) *Env {
	e := &Env{port: port, id: id, nodes: nodes, rng: rng, disk: disk}
	for _, n := range nodes {
		if n != id {
			e.peers = append(e.peers, n)
		}
	}
	return e
}

// ID is this node's id (n1, n2, ...).
func (e *Env) ID() string { return e.id }

// Peers are the other nodes, in order.
func (e *Env) Peers() []string { return e.peers }

// Nodes are all nodes, this one included, in order.
func (e *Env) Nodes() []string { return e.nodes }

// Majority is the smallest number of nodes, this one included, that any
// two such sets share a node.
func (e *Env) Majority() int { return len(e.nodes)/2 + 1 }

// Now is the node's local wall clock: virtual time plus its skew, which
// the nemesis may set, jump and strobe. Use it for timestamps that other
// nodes read; measure durations (leases, timeouts) with Monotonic.
func (e *Env) Now() int64 { return e.port.Clock() }

// Monotonic is the node's monotonic clock (CLOCK_MONOTONIC): it never
// jumps and keeps counting while the node is paused. Readings mean
// something only on the node that took them.
func (e *Env) Monotonic() int64 { return e.port.Now() }

// Send sends a body to another node or a client.
func (e *Env) Send(dest string, body Body) { e.port.Send(dest, body) }

// Reply answers a message to its sender.
func (e *Env) Reply(to Message, body Body) { e.port.Send(to.Src, body) }

// ReplyOK answers a client's request with success and a value.
func (e *Env) ReplyOK(req Message, value any) {
	e.Reply(req, ClientReply{InReplyTo: msgID(req), OK: true, Value: value})
}

// ReplyError answers a client's request with an error. definite means the
// operation certainly did not happen and never will: a node that cannot
// be sure says indefinite, and the client records info.
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
func (e *Env) SetTimer(delayNs int64, tag any) TimerID { return e.port.SetTimer(delayNs, tag) }

// CancelTimer stops a timer that has not fired.
func (e *Env) CancelTimer(id TimerID) { e.port.CancelTimer(id) }

// Rand is the node's own deterministic PRNG.
func (e *Env) Rand() *rand.Rand { return e.rng }

// Disk is the node's disk: writes survive a crash only once synced.
func (e *Env) Disk() *Disk { return e.disk }

// Logf writes a line to the trace.
func (e *Env) Logf(format string, args ...any) { e.port.Logf(format, args...) }

// Tracing reports whether the lines Logf writes are kept (a port says so
// with a Tracing method; one without keeps them): a node may skip building
// a line nobody will read, as Logf's arguments cost work even then.
func (e *Env) Tracing() bool {
	t, ok := e.port.(interface{ Tracing() bool })
	return !ok || t.Tracing()
}

// simPort is the simulator's side of node i's Env.
type simPort struct {
	s *Sim
	i int
}

func (p simPort) Now() int64                  { return p.s.now }
func (p simPort) Clock() int64                { return p.s.localClock(p.i) }
func (p simPort) Send(dest string, body Body) { p.s.send(p.i, dest, body) }
func (p simPort) SetTimer(delayNs int64, tag any) TimerID {
	return p.s.setTimer(p.i, delayNs, tag)
}
func (p simPort) CancelTimer(id TimerID) { p.s.cancelTimer(id) }
func (p simPort) Tracing() bool          { return p.s.cfg.Trace }
func (p simPort) Logf(format string, args ...any) {
	if p.s.cfg.Trace {
		p.s.trace(TraceEvent{Kind: TraceLog, Src: p.s.nodeIDs[p.i], Detail: fmt.Sprintf(format, args...)})
	}
}
