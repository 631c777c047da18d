package toydb

import (
	"fmt"
	"slices"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// GatewayCounter is lesson 7's database: a counter held by one primary (n1)
// that syncs every add before acknowledging it, behind gateways (n2, n3, ...)
// that relay clients' requests to it and its answers back. The database is
// sound; what differs between the variants is the client library (set by the
// lesson through sim.ClientPolicy) and whether the primary recognises a
// retried request by its id.
var GatewayCounter = Design{
	Name: "counter-behind-gateways",
	Variants: []Variant{
		{Name: "timeout-as-fail", Summary: "the client library reports a timeout as a failure and retries blindly; the primary applies every copy it receives"},
		{Name: "blind-retry", Summary: "timeouts are recorded as info, as Jepsen's rule says, but retries are still blind: the primary applies every copy"},
		{Name: "fixed", Summary: "timeouts are info, and the primary applies each request id once: a retry of an add it already applied is only acknowledged"},
	},
	New: func(variant string) sim.NodeFactory {
		return func(id string) sim.Node {
			if id == gcPrimary {
				return &gcPrimaryNode{dedup: variant == "fixed"}
			}
			return &gcGatewayNode{}
		}
	},
}

const gcPrimary = "n1"

// gcRelay carries a client's request from a gateway to the primary.
type gcRelay struct {
	Seq int64 // the gateway's number for it, to match the answer
	Req sim.ClientRequest
}

func (gcRelay) Type() string { return "relay" }
func (r gcRelay) String() string {
	return fmt.Sprintf("relay #%d %s (request id %d)", r.Seq, r.Req, r.Req.ReqID)
}

// gcAnswer is the primary's answer to a relayed request.
type gcAnswer struct {
	Seq   int64
	Value any
}

func (gcAnswer) Type() string { return "answer" }
func (a gcAnswer) String() string {
	return fmt.Sprintf("answer #%d %s", a.Seq, history.Format(a.Value))
}

// gcPrimaryNode holds the counter. With dedup it remembers the request ids
// of the adds it applied, so a retry is acknowledged without adding again.
type gcPrimaryNode struct {
	dedup   bool
	total   int64
	applied []int64 // request ids of applied adds, sorted
	copies  int64   // adds applied more than once (no dedup) or recognised as retries (dedup)
}

func (n *gcPrimaryNode) Start(env *sim.Env) {
	if v, ok := env.Disk().Get("total"); ok {
		n.total = v.(int64)
	}
	if v, ok := env.Disk().Get("applied"); ok {
		n.applied = slices.Clone(v.([]int64))
	}
}

func (n *gcPrimaryNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case sim.ClientRequest:
		v, code := n.serve(env, b)
		if code != "" {
			env.ReplyError(m, code, true, gcPrimary)
			return
		}
		env.ReplyOK(m, v)
	case gcRelay:
		v, _ := n.serve(env, b.Req)
		env.Reply(m, gcAnswer{Seq: b.Seq, Value: v})
	}
}

// serve applies a request and returns its completion value, or an error code.
func (n *gcPrimaryNode) serve(env *sim.Env, req sim.ClientRequest) (any, string) {
	switch req.F {
	case "read":
		return n.total, ""
	case "add":
		d, ok := history.Int(req.Value)
		if !ok {
			return nil, "bad-value"
		}
		i, seen := slices.BinarySearch(n.applied, req.ReqID)
		if seen {
			n.copies++
			if n.dedup {
				env.Logf("request %d already applied: acknowledge, do not add again", req.ReqID)
				return req.Value, ""
			}
			env.Logf("request %d applied again: the total counts it twice", req.ReqID)
		} else {
			n.applied = slices.Insert(n.applied, i, req.ReqID)
		}
		n.total += d
		env.Disk().Put("total", n.total)
		env.Disk().Put("applied", slices.Clone(n.applied))
		env.Disk().Sync()
		return req.Value, ""
	}
	return nil, "unsupported"
}

func (n *gcPrimaryNode) Timer(*sim.Env, any) {}

func (n *gcPrimaryNode) Status() sim.Status {
	what := "applied twice"
	if n.dedup {
		what = "retries recognised"
	}
	return sim.Status{Role: "primary", Leader: gcPrimary, Value: fmt.Sprint(n.total),
		Detail: fmt.Sprintf("%d adds, %d %s", len(n.applied), n.copies, what)}
}

// gcGatewayNode relays requests to the primary and its answers back. It
// keeps no timeout of its own: the client's library decides when to give up.
type gcGatewayNode struct {
	seq     int64
	pending map[int64]sim.Message
	relayed int64
}

func (n *gcGatewayNode) Start(*sim.Env) { n.pending = map[int64]sim.Message{} }

func (n *gcGatewayNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case sim.ClientRequest:
		n.seq++
		n.pending[n.seq] = m
		env.Send(gcPrimary, gcRelay{Seq: n.seq, Req: b})
	case gcAnswer:
		orig, ok := n.pending[b.Seq]
		if !ok {
			return
		}
		delete(n.pending, b.Seq)
		n.relayed++
		env.ReplyOK(orig, b.Value)
	}
}

func (n *gcGatewayNode) Timer(*sim.Env, any) {}

func (n *gcGatewayNode) Status() sim.Status {
	return sim.Status{Role: "gateway", Leader: gcPrimary,
		Detail: fmt.Sprintf("%d waiting on n1, %d answered", len(n.pending), n.relayed)}
}
