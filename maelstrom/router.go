package maelstrom

import (
	"sync/atomic"
	"time"

	"github.com/faultline-lab/faultline/sim"
)

// Stats counts what went through faultline's network.
type Stats struct {
	NodeMessages    int64 `json:"node_messages"`    // sent by nodes to nodes
	ClientMessages  int64 `json:"client_messages"`  // requests and replies between clients and nodes
	ServiceMessages int64 `json:"service_messages"` // requests to lin-kv, seq-kv, lww-kv, lin-tso
	Dropped         int64 `json:"dropped"`          // cut by a partition, lost, or sent to a node that was down
	Duplicated      int64 `json:"duplicated"`
	Delayed         int64 `json:"delayed"`
	Unroutable      int64 `json:"unroutable"` // sent to a node id that does not exist
	BadReplies      int64 `json:"bad_replies"`
	LateReplies     int64 `json:"late_replies"` // replies after the client gave up
	EventsLost      int64 `json:"events_lost"`  // events the caller's channel had no room for
}

type counters struct {
	node, client, service, dropped, duplicated, delayed, unroutable, bad, late atomic.Int64
}

// route carries one message to its destination: a node (through the
// network's faults when it comes from a node), a client, a service, or
// nowhere. from is the sending node's index, -1 for clients and services.
func (r *Run) route(m *Message, from int) {
	r.ev.message(sim.TraceSend, m, "")
	if dest, ok := r.index[m.Dest]; ok {
		if from < 0 {
			if _, isClient := r.clientIndex[m.Src]; isClient || m.Src == setupClient {
				r.count.client.Add(1)
			}
			r.deliver(m, dest)
			return
		}
		r.count.node.Add(1)
		v := r.net.decide(from, dest)
		if v.drop != "" {
			r.count.dropped.Add(1)
			r.ev.message(sim.TraceDrop, m, v.drop)
			return
		}
		if v.copies > 1 {
			r.count.duplicated.Add(1)
			r.ev.message(sim.TraceDuplicate, m, "")
			r.deliver(m, dest)
		}
		if v.delay > 0 {
			r.count.delayed.Add(1)
			time.AfterFunc(v.delay, func() { r.deliver(m, dest) })
			return
		}
		r.deliver(m, dest)
		return
	}
	if m.Dest == setupClient {
		r.setup.receive(r, m)
		return
	}
	if k, ok := r.clientIndex[m.Dest]; ok {
		r.count.client.Add(1)
		r.clients[k].receive(m)
		return
	}
	if svc, ok := r.services[m.Dest]; ok && from >= 0 {
		r.count.service.Add(1)
		line, err := serviceReply(svc, m)
		if err == nil {
			if reply, err := Decode(line); err == nil {
				r.route(&reply, -1)
			}
		}
		return
	}
	r.count.unroutable.Add(1)
	r.ev.message(sim.TraceDrop, m, "no such node")
	if from >= 0 && m.Head.MsgID != 0 && m.Head.Type != "error" {
		// Maelstrom's answer to a request for a node that does not exist.
		line, err := Encode(m.Dest, m.Src, errorBody(m.Head.MsgID, CodeNodeNotFound, "no such node: "+m.Dest))
		if err == nil {
			if reply, err := Decode(line); err == nil {
				r.deliver(&reply, from)
			}
		}
	}
}

// known reports whether id names a node, a client or a service.
func (r *Run) known(id string) bool {
	if _, ok := r.index[id]; ok {
		return true
	}
	if _, ok := r.clientIndex[id]; ok {
		return true
	}
	_, ok := r.services[id]
	return ok || id == setupClient
}

// deliver queues a message for a node's current process; a node that is
// down loses it.
func (r *Run) deliver(m *Message, dest int) {
	n := r.nodes[dest]
	n.mu.Lock()
	p := n.cur
	n.mu.Unlock()
	if p == nil || !p.inbox.push(m.Raw, false) {
		r.count.dropped.Add(1)
		why := n.id + " is down"
		if p != nil {
			why = n.id + "'s inbox is full"
		}
		r.ev.message(sim.TraceDrop, m, why)
	}
}

// Stats reports the network's counters so far.
func (r *Run) Stats() Stats {
	c := &r.count
	return Stats{NodeMessages: c.node.Load(), ClientMessages: c.client.Load(), ServiceMessages: c.service.Load(),
		Dropped: c.dropped.Load(), Duplicated: c.duplicated.Load(), Delayed: c.delayed.Load(),
		Unroutable: c.unroutable.Load(), BadReplies: c.bad.Load(), LateReplies: c.late.Load(), EventsLost: r.ev.lost.Load()}
}
