package maelstrom

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// setupClient is the client that sends init and topology (Maelstrom's
// first client is c0 too); the workload's clients are c1, c2, ...
const setupClient = "c0"

// setup tracks the setup client's requests: init to each node, and the
// broadcast topology.
type setup struct {
	next atomic.Int64
}

func (s *setup) nextID() int64 { return s.next.Add(1) }

// receive handles a reply to the setup client: an init_ok releases the
// node's held messages (after its topology, for broadcast).
func (s *setup) receive(r *Run, m *Message) {
	dest, ok := r.index[m.Src]
	if !ok {
		return
	}
	n := r.nodes[dest]
	n.mu.Lock()
	p := n.cur
	n.mu.Unlock()
	if p == nil {
		return
	}
	switch {
	case m.Head.Type == "init_ok" && m.Head.InReplyTo != p.initID && !p.initOK.Load():
		p.fail("answered init with the wrong in_reply_to", fmt.Sprintf("%s (its init had msg_id %d)", Clip(m.Raw, 160), p.initID))
	case m.Head.InReplyTo == p.initID && m.Head.InReplyTo != 0:
		if m.Head.Type != "init_ok" {
			p.fail("answered init with something else", fmt.Sprintf("a %q message: %s (want {\"type\":\"init_ok\",\"in_reply_to\":%d})", m.Head.Type, Clip(m.Raw, 160), p.initID))
			return
		}
		if !p.initOK.CompareAndSwap(false, true) {
			return
		}
		if r.cfg.Workload == "broadcast" {
			p.topologyID = s.nextID()
			line, _ := Encode(setupClient, n.id, map[string]any{"type": "topology", "msg_id": p.topologyID, "topology": r.topology})
			p.inbox.push(line, true)
		}
		p.inbox.release()
		close(p.inited)
	case m.Head.InReplyTo == p.topologyID && m.Head.InReplyTo != 0:
		if m.Head.Type == "topology_ok" && p.topologyOK.CompareAndSwap(false, true) {
			close(p.topologyDone)
		}
	}
}

// client is one of Maelstrom's client processes: it runs one operation at
// a time against a node and records it. As in Jepsen, a client whose
// operation ends indeterminate (info) retires its process id, and a new
// one takes its place.
type client struct {
	r       *Run
	id      string
	k       int
	mu      sync.Mutex
	process int64
	busy    bool
	o       op
	node    string
	msgID   int64
	nextMsg int64
	timer   *time.Timer
}

// invoke records the invocation and sends the request.
func (c *client) invoke(o op) {
	r := c.r
	c.mu.Lock()
	c.busy, c.o, c.node = true, o, r.ids[o.Node]
	c.nextMsg++
	c.msgID = c.nextMsg
	r.record(history.Op{Process: history.Process(c.process), Type: history.Invoke, F: o.F, Key: o.Key, Value: o.Value, Node: c.node})
	body := r.wl.request(o)
	body["msg_id"] = c.msgID
	line, err := Encode(c.id, c.node, body)
	id := c.msgID
	c.timer = time.AfterFunc(r.cfg.OpTimeout, func() { c.timeout(id) })
	c.mu.Unlock()
	if err != nil {
		return // cannot happen: bodies are plain data; the timeout records info
	}
	m, err := Decode(line)
	if err == nil {
		r.route(&m, -1)
	}
}

// receive handles a reply from a node.
func (c *client) receive(m *Message) {
	r := c.r
	c.mu.Lock()
	if !c.busy || m.Head.InReplyTo != c.msgID {
		c.mu.Unlock()
		r.count.late.Add(1)
		r.ev.message(sim.TraceDrop, m, "late reply: the client had given up")
		return
	}
	c.timer.Stop()
	t, v, errName := c.complete(m)
	c.finish(t, v, errName)
}

func (c *client) complete(m *Message) (history.Type, any, string) {
	r := c.r
	body, err := DecodeBody(m.BodyJSON())
	if err != nil {
		r.count.bad.Add(1)
		return history.Info, nil, "unreadable reply: " + err.Error()
	}
	if m.Head.Type == "error" {
		if kv, ok := r.wl.(*kvWorkload); ok && kv != nil {
			if t, v, e, ok := kvError(c.o, body); ok {
				return t, v, e
			}
		}
		return errorCompletion(c.o, body)
	}
	t, v, bad := r.wl.reply(c.o, body)
	if bad != "" {
		r.count.bad.Add(1)
		r.noteBadReply(c.node, bad, m)
	}
	return t, v, bad
}

// timeout gives up on a request: the operation may or may not have
// happened, so it is recorded as info.
func (c *client) timeout(id int64) {
	c.mu.Lock()
	if !c.busy || c.msgID != id {
		c.mu.Unlock()
		return
	}
	v := c.o.Value
	if c.o.F == "read" || c.o.F == "generate" {
		v = nil
	}
	c.finish(history.Info, v, "timeout")
}

// finish records the completion and frees the client. c.mu is held.
func (c *client) finish(t history.Type, v any, errName string) {
	r := c.r
	r.record(history.Op{Process: history.Process(c.process), Type: t, F: c.o.F, Key: c.o.Key, Value: v, Node: c.node, Error: errName})
	if t == history.Info {
		c.process += int64(len(r.clients))
	}
	c.busy = false
	c.mu.Unlock()
	r.free <- c
}
