// Package simtest runs toy database nodes without the simulator. Its
// Cluster is a fake sim.Port for each node: what a node sends lands in an
// outbox and the timers it sets in a list, and nothing moves until the test
// says so — deliver this message, drop that one, advance the clock, crash
// a node. In the spirit of etcd raft's rafttest: a node is a state machine,
// and a test drives it one input at a time.
package simtest

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/faultline-lab/faultline/sim"
)

// Timer is a timer a node set and that has not fired.
type Timer struct {
	ID   sim.TimerID
	Node string
	At   int64
	Tag  any
}

// Cluster is a set of nodes on a fake network and a fake clock.
type Cluster struct {
	Now     int64            // virtual time
	Skew    map[string]int64 // wall clock minus virtual time, per node
	Outbox  []sim.Message    // sent and not yet delivered or dropped, in send order
	Timers  []Timer          // pending, in the order set
	Logs    []string         // "n1: line"
	factory sim.NodeFactory
	ids     []string
	nodes   map[string]sim.Node // nil while crashed
	envs    map[string]*sim.Env
	nextID  int64
}

// New starts a node of factory for each id.
func New(factory sim.NodeFactory, ids ...string) *Cluster {
	c := &Cluster{Skew: map[string]int64{}, factory: factory, ids: ids,
		nodes: map[string]sim.Node{}, envs: map[string]*sim.Env{}}
	for i, id := range ids {
		rng := rand.New(rand.NewPCG(uint64(i+1), 7))
		c.envs[id] = sim.NewEnv(port{c, id}, id, ids, rng, sim.NewDisk())
		c.Restart(id)
	}
	return c
}

// Node is the running node of id (nil while crashed).
func (c *Cluster) Node(id string) sim.Node { return c.nodes[id] }

// Env is id's environment: its disk survives crashes.
func (c *Cluster) Env(id string) *sim.Env { return c.envs[id] }

// Crash stops a node: its unsynced writes and timers are lost, and
// messages to it are dropped until Restart.
func (c *Cluster) Crash(id string) {
	c.envs[id].Disk().Crash()
	c.nodes[id] = nil
	c.Timers = slices.DeleteFunc(c.Timers, func(t Timer) bool { return t.Node == id })
}

// Restart boots a fresh node value on id's disk.
func (c *Cluster) Restart(id string) {
	c.Crash(id)
	c.nodes[id] = c.factory(id)
	c.nodes[id].Start(c.envs[id])
}

// Deliver hands a message to its destination node (dropped if it is down;
// a message to a client stays where the test can read it).
func (c *Cluster) Deliver(m sim.Message) {
	if n := c.nodes[m.Dest]; n != nil {
		n.Handle(c.envs[m.Dest], m)
	}
}

// Take removes and returns the outbox's messages that match.
func (c *Cluster) Take(match func(sim.Message) bool) []sim.Message {
	var out, keep []sim.Message
	for _, m := range c.Outbox {
		if match(m) {
			out = append(out, m)
		} else {
			keep = append(keep, m)
		}
	}
	c.Outbox = keep
	return out
}

// Flush delivers node-to-node messages in send order until none is left,
// except those drop rejects (dropped; nil drops nothing). Messages to
// clients stay in the outbox. It gives up after limit deliveries.
func (c *Cluster) Flush(drop func(sim.Message) bool, limit int) {
	for i := 0; i < limit; i++ {
		k := slices.IndexFunc(c.Outbox, func(m sim.Message) bool { return c.isNode(m.Dest) })
		if k < 0 {
			return
		}
		m := c.Outbox[k]
		c.Outbox = slices.Delete(c.Outbox, k, k+1)
		if drop == nil || !drop(m) {
			c.Deliver(m)
		}
	}
	panic(fmt.Sprintf("simtest: still %d messages after %d deliveries", len(c.Outbox), limit))
}

// Advance moves the clock by ns, firing every timer that falls due, in
// time order. It does not deliver messages.
func (c *Cluster) Advance(ns int64) {
	end := c.Now + ns
	for {
		k := -1
		for i, t := range c.Timers {
			if t.At <= end && (k < 0 || t.At < c.Timers[k].At) {
				k = i
			}
		}
		if k < 0 {
			c.Now = end
			return
		}
		t := c.Timers[k]
		c.Timers = slices.Delete(c.Timers, k, k+1)
		c.Now = max(c.Now, t.At)
		if n := c.nodes[t.Node]; n != nil {
			n.Timer(c.envs[t.Node], t.Tag)
		}
	}
}

// Request sends a client's request (from client, with request id reqID)
// to node and delivers it; the reply, if any, is in the outbox.
func (c *Cluster) Request(client, node string, reqID int64, r sim.Request) {
	c.nextID++
	c.Deliver(sim.Message{ID: c.nextID, Src: client, Dest: node,
		Body: sim.ClientRequest{MsgID: c.nextID, ReqID: reqID, Request: r}})
}

// Replies removes and returns the replies addressed to client.
func (c *Cluster) Replies(client string) []sim.ClientReply {
	var out []sim.ClientReply
	for _, m := range c.Take(func(m sim.Message) bool { return m.Dest == client }) {
		if r, ok := m.Body.(sim.ClientReply); ok {
			out = append(out, r)
		}
	}
	return out
}

func (c *Cluster) isNode(id string) bool { return slices.Contains(c.ids, id) }

// port is one node's side of the fake.
type port struct {
	c  *Cluster
	id string
}

func (p port) Now() int64   { return p.c.Now }
func (p port) Clock() int64 { return p.c.Now + p.c.Skew[p.id] }
func (p port) Send(dest string, body sim.Body) {
	p.c.nextID++
	p.c.Outbox = append(p.c.Outbox, sim.Message{ID: p.c.nextID, Src: p.id, Dest: dest, Body: body})
}
func (p port) SetTimer(delayNs int64, tag any) sim.TimerID {
	p.c.nextID++
	p.c.Timers = append(p.c.Timers, Timer{ID: sim.TimerID(p.c.nextID), Node: p.id, At: p.c.Now + max(0, delayNs), Tag: tag})
	return sim.TimerID(p.c.nextID)
}
func (p port) CancelTimer(id sim.TimerID) {
	p.c.Timers = slices.DeleteFunc(p.c.Timers, func(t Timer) bool { return t.ID == id })
}
func (p port) Logf(format string, args ...any) {
	p.c.Logs = append(p.c.Logs, p.id+": "+fmt.Sprintf(format, args...))
}
