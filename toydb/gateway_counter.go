package toydb

import (
	"fmt"

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
		{Name: Fixed, Summary: "timeouts are info, and the primary applies each request id once: a copy of an add it already applied is answered from its record", Tolerates: everything},
	},
	New: func(variant string) sim.NodeFactory {
		return func(id string) sim.Node {
			if id == gcPrimary {
				return &gcPrimaryNode{dedup: variant == Fixed}
			}
			return &gcGatewayNode{}
		}
	},
}

const gcPrimary = "n1"

// gcRelay carries a client's request from a gateway to the primary, under
// the gateway's own identity for it.
type gcRelay struct {
	ID  ident
	Req sim.ClientRequest
}

func (gcRelay) Type() string { return "relay" }
func (r gcRelay) String() string {
	return fmt.Sprintf("relay #%s %s (request id %d)", r.ID, r.Req, r.Req.ReqID)
}

// gcAnswer is the primary's answer to a relayed request.
type gcAnswer struct {
	ID    ident
	Value any
	Code  string
}

func (gcAnswer) Type() string { return "answer" }
func (a gcAnswer) String() string {
	if a.Code != "" {
		return fmt.Sprintf("answer #%s error %s", a.ID, a.Code)
	}
	return fmt.Sprintf("answer #%s %s", a.ID, history.Format(a.Value))
}

// gcPrimaryNode holds the counter. With dedup it keeps a record of the
// adds it applied, so a copy is acknowledged without adding again.
type gcPrimaryNode struct {
	dedup  bool
	total  int64
	adds   int64 // adds applied
	copies int64 // adds applied more than once (no dedup) or answered from the record (dedup)
	done   done
}

func (n *gcPrimaryNode) Start(env *sim.Env) {
	n.done = done{env}
	if v, ok := env.Disk().Get("total"); ok {
		n.total = v.(int64)
	}
	if v, ok := env.Disk().Get("adds"); ok {
		n.adds = v.(int64)
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
		v, code := n.serve(env, b.Req)
		env.Reply(m, gcAnswer{ID: b.ID, Value: v, Code: code})
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
			return nil, history.ErrorBadRequest
		}
		if _, seen := n.done.lookup(req.ReqID); seen {
			n.copies++
			if n.dedup {
				env.Logf("request %d already applied: acknowledge, do not add again", req.ReqID)
				return req.Value, ""
			}
			env.Logf("request %d applied again: the total counts it twice", req.ReqID)
		}
		n.total += d
		n.adds++
		n.done.record(req.ReqID, outcome{Value: req.Value})
		env.Disk().Put("total", n.total)
		env.Disk().Put("adds", n.adds)
		env.Disk().Sync()
		return req.Value, ""
	}
	return nil, history.ErrorUnsupported
}

func (n *gcPrimaryNode) Timer(*sim.Env, any) {}

func (n *gcPrimaryNode) Status() sim.Status {
	what := "applied twice"
	if n.dedup {
		what = "retries recognised"
	}
	return sim.Status{Role: sim.RolePrimary, Leader: gcPrimary, Value: fmt.Sprint(n.total),
		Detail: fmt.Sprintf("%d adds, %d %s", n.adds, n.copies, what),
		Key:    sim.Facts("total", n.total, what, n.copies)}
}

// gcGatewayNode relays requests to the primary and its answers back. It
// keeps no timeout of its own: the client's library decides when to give up.
type gcGatewayNode struct {
	ids     idents
	pending map[ident]sim.Message
	relayed int64
}

func (n *gcGatewayNode) Start(env *sim.Env) {
	n.ids = newIdents(env)
	n.pending = map[ident]sim.Message{}
}

func (n *gcGatewayNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case sim.ClientRequest:
		id := n.ids.next()
		n.pending[id] = m
		env.Send(gcPrimary, gcRelay{ID: id, Req: b})
	case gcAnswer:
		orig, ok := n.pending[b.ID]
		if !ok {
			return // a copy, or an answer to a request sent before a crash
		}
		delete(n.pending, b.ID)
		n.relayed++
		if b.Code != "" {
			env.ReplyError(orig, b.Code, true, gcPrimary)
			return
		}
		env.ReplyOK(orig, b.Value)
	}
}

func (n *gcGatewayNode) Timer(*sim.Env, any) {}

func (n *gcGatewayNode) Status() sim.Status {
	return sim.Status{Role: sim.RoleGateway, Leader: gcPrimary,
		Detail: fmt.Sprintf("%d waiting on n1, %d answered", len(n.pending), n.relayed),
		Key:    sim.Facts("waiting", len(n.pending))}
}
