package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// messageIndex lists the trace events the message diagram draws a row
// for: arrivals (and drops and holds) of messages, timers, faults, and the
// clients' invocations and completions. A send has no row of its own: its
// arrow is drawn where the message arrives, which is when it can change
// anything. The index grows with the trace, 4 bytes a row.
type messageIndex struct {
	tr   []sim.TraceEvent
	rows []int32 // trace positions
	seen int
}

func (x *messageIndex) absorb(tr []sim.TraceEvent) {
	x.tr = tr
	for i := x.seen; i < len(tr); i++ {
		switch tr[i].Kind {
		case sim.TraceDeliver, sim.TraceDrop, sim.TraceHold, sim.TraceTimer, sim.TraceFault,
			sim.TraceInvoke, sim.TraceComplete, sim.TraceLog:
			x.rows = append(x.rows, int32(i))
		}
	}
	x.seen = len(tr)
}

// rowAt is the first of rows at or after moment t (the last if none).
func (x *messageIndex) rowAt(rows []int32, t int64) int {
	i := sort.Search(len(rows), func(i int) bool { return x.tr[rows[i]].Time >= t })
	return min(i, max(0, len(rows)-1))
}

// traceScan bounds how far back the diagram looks for a message's send:
// far enough for any latency, pause or delay of a lesson, and never a
// scan of a whole long trace.
const traceScan = 20_000

// sendOf finds the send of the message that event i delivers, drops or
// holds (-1 when it is too far back).
func (x *messageIndex) sendOf(i int) int {
	id := x.tr[i].MsgID
	for j := i - 1; j >= max(0, i-traceScan); j-- {
		if e := x.tr[j]; e.MsgID == id && e.Kind == sim.TraceSend {
			return j
		}
	}
	return -1
}

// duplicated reports whether the message sent at send was duplicated.
func (x *messageIndex) duplicated(send int) bool {
	id := x.tr[send].MsgID
	for j := send + 1; j < min(len(x.tr), send+8); j++ {
		if e := x.tr[j]; e.MsgID == id && e.Kind == sim.TraceDuplicate {
			return true
		}
	}
	return false
}

// replyOf finds the reply that completed a client's operation at event i
// (a completion): the node's answer to the client's last request.
func (x *messageIndex) replyOf(i int) int {
	client := x.tr[i].Src
	req := -1
	for j := i - 1; j >= max(0, i-traceScan); j-- {
		e := x.tr[j]
		if e.Kind == sim.TraceSend && e.Src == client {
			req = j
			break
		}
		if e.Kind == sim.TraceInvoke && e.Src == client {
			break
		}
	}
	if req < 0 {
		return -1
	}
	for j := i - 1; j > req; j-- {
		e := x.tr[j]
		if e.Kind == sim.TraceSend && e.Dest == client && answers(e, x.tr[req]) {
			return j
		}
	}
	return -1
}

// answers reports whether message event reply answers request req: a
// simulated node's ClientReply names the request's message, a real
// node's reply its msg_id.
func answers(reply, req sim.TraceEvent) bool {
	switch b := reply.Body.(type) {
	case sim.ClientReply:
		return b.InReplyTo == req.MsgID
	case wireBody:
		q, ok := req.Body.(wireBody)
		return ok && b.inReplyTo != 0 && b.inReplyTo == q.msgID
	}
	return false
}

// opEvents finds an operation's invocation and completion in the trace
// (-1 when not found): the client of process p is c(p mod clients + 1).
func (x *messageIndex) opEvents(inv history.Op, comp *history.Op, clients int) (int, int) {
	client := sim.ClientOf(inv.Process, clients)
	find := func(kind sim.TraceKind, t int64) int {
		i := sort.Search(len(x.tr), func(i int) bool { return x.tr[i].Time >= t })
		for ; i < len(x.tr) && x.tr[i].Time == t; i++ {
			if x.tr[i].Kind == kind && x.tr[i].Src == client {
				return i
			}
		}
		return -1
	}
	a := find(sim.TraceInvoke, inv.Time)
	b := -1
	if comp != nil {
		b = find(sim.TraceComplete, comp.Time)
	}
	return a, b
}

// heard follows the information an invocation started through the trace:
// its client knows it, every message a knower sends carries it, and every
// node such a message reaches knows it from then on. It reports whether
// node knew by trace position by, and the position where node first
// learned it (-1: not within the bound).
func (x *messageIndex) heard(from int, node string, by int) (bool, int) {
	if from < 0 || from >= len(x.tr) {
		return false, -1
	}
	learned := -1
	x.spread(from, min(len(x.tr), max(by, from)+traceScan)-1, func(i int, first, _ bool) bool {
		if first && x.tr[i].Dest == node {
			learned = i
			return false
		}
		return true
	})
	return learned >= 0 && learned <= by, learned
}

// spread follows what the client of event from knew through the trace up
// to position to: a message sent by a node (or client) that knows it
// carries it, and a delivery of such a message teaches its destination.
// visit sees each delivery, drop or hold of a carrying message (first: the
// delivery that first taught its destination) and stops the walk by
// returning false.
func (x *messageIndex) spread(from, to int, visit func(i int, first, delivered bool) bool) {
	knows := map[string]bool{x.tr[from].Src: true}
	carrying := map[int64]bool{}
	for i := from; i < len(x.tr) && i <= to; i++ {
		e := x.tr[i]
		switch e.Kind {
		case sim.TraceSend, sim.TraceDuplicate:
			if knows[e.Src] {
				carrying[e.MsgID] = true
			}
		case sim.TraceDeliver, sim.TraceDrop, sim.TraceHold:
			if !carrying[e.MsgID] {
				continue
			}
			delivered := e.Kind == sim.TraceDeliver
			first := delivered && !knows[e.Dest]
			if delivered {
				knows[e.Dest] = true
			}
			if !visit(i, first, delivered) {
				return
			}
		}
	}
}

// causalNote explains, for a completed operation, which earlier operations
// the node that answered it had heard of, and which it had not: a read
// that missed a write is a stale read whose cause the diagram shows.
func (e *explorerModel) causalNote(id int32) string {
	tl, x := e.look.tl, e.look.msgs
	inv, comp, ok := tl.invComp(id)
	if !ok || comp == nil || comp.Type != history.OK {
		return ""
	}
	_, done := e.in.src.opEvents(x, inv, comp)
	if done < 0 {
		return ""
	}
	reply := x.replyOf(done)
	if reply < 0 {
		return ""
	}
	server := x.tr[reply].Src
	var heard, missed []string
	for _, w := range e.earlierOps(id) {
		winv, wcomp, _ := tl.invComp(w)
		start, _ := e.in.src.opEvents(x, winv, wcomp)
		if start < 0 {
			continue
		}
		what := fmt.Sprintf("p%s's %s", winv.Process, opWords(tl.h, tl.ops[w], false))
		knew, learned := x.heard(start, server, reply)
		switch {
		case knew:
			heard = append(heard, heldOrReached(what, winv, comp))
		case learned >= 0:
			missed = append(missed, fmt.Sprintf("%s (done %s; a message from it reached %s only at %s)", what, fmtTime(wcomp.Time, 3), server, fmtTime(x.tr[learned].Time, 3)))
		default:
			missed = append(missed, fmt.Sprintf("%s (done %s; no message ever carried it to %s)", what, fmtTime(wcomp.Time, 3), server))
		}
	}
	if len(heard)+len(missed) == 0 {
		return ""
	}
	s := fmt.Sprintf("%s answered p%s at %s.", server, inv.Process, fmtTime(x.tr[reply].Time, 3))
	if len(heard) > 0 {
		s += " " + strings.Join(heard, " ")
	}
	if len(missed) > 0 {
		s += " It had NOT heard of " + strings.Join(missed, "; ") + ": no chain of messages had brought it there."
	}
	return s
}

// heldOrReached says what a node that messages from write w had reached
// made of it, as far as its answer shows: a message arriving is not its
// state changing (a forwarding node never applies the write).
func heldOrReached(what string, w history.Op, answer *history.Op) string {
	v, wrote := writtenValue(w)
	if !wrote || answer.F != "read" {
		return "Messages from " + what + " had reached it."
	}
	got := fmt.Sprint(answer.Value)
	if got == "<nil>" {
		got = "nil"
	}
	if fmt.Sprint(v) == fmt.Sprint(answer.Value) {
		return "Its answer, " + got + ", is " + what + "."
	}
	return fmt.Sprintf("Messages from %s had reached it, yet it answered %s, not %v.", what, got, v)
}

// writtenValue is the value an operation writes, if it writes one.
func writtenValue(o history.Op) (any, bool) {
	switch o.F {
	case "write":
		return o.Value, true
	case "cas":
		if pair, ok := o.Value.([]any); ok && len(pair) == 2 {
			return pair[1], true
		}
	}
	return nil, false
}

// earlierOps are the operations an answer should have known of: the
// witness's operations that finished before this one began, else the
// latest two of other processes that changed something.
func (e *explorerModel) earlierOps(id int32) []int32 {
	tl := e.look.tl
	start := tl.ops[id].start
	var out []int32
	if res := e.in.check.result; res != nil && e.in.check.witness[tl.h[tl.ops[id].inv].Index] != markNone {
		for _, o := range res.Witness {
			if o.Type != history.Invoke {
				continue
			}
			w := tl.byInvocation(o.Index)
			if w >= 0 && w != id && tl.ops[w].status == opOK && tl.ops[w].end < start {
				out = append(out, w)
			}
		}
		return out
	}
	for w := id - 1; w >= 0 && len(out) < 2 && id-w < 2000; w-- {
		o := tl.ops[w]
		if o.status != opOK || o.end >= start || resultF[tl.h[o.inv].F] {
			continue
		}
		if tl.h[o.inv].Process == tl.h[tl.ops[id].inv].Process || tl.h[o.inv].Key != tl.h[tl.ops[id].inv].Key {
			continue
		}
		out = append(out, w)
	}
	return out
}

// inFlight lists the messages between nodes on their way at trace
// position i: sent, not yet delivered or dropped (held ones included).
func (x *messageIndex) inFlight(i int, nodes map[string]bool) []int {
	pending := map[int64]int{}
	var order []int64
	for j := max(0, i-traceScan); j <= i && j < len(x.tr); j++ {
		e := x.tr[j]
		if !nodes[e.Src] || !nodes[e.Dest] {
			continue
		}
		switch e.Kind {
		case sim.TraceSend:
			pending[e.MsgID] = j
			order = append(order, e.MsgID)
		case sim.TraceDeliver, sim.TraceDrop:
			delete(pending, e.MsgID)
		}
	}
	var out []int
	for _, id := range order {
		if j, ok := pending[id]; ok {
			out = append(out, j)
			delete(pending, id)
		}
	}
	return out
}

// summarise shortens a message's description to about limit cells: a
// long list becomes its count ("[3 entries]"), then words are cut.
func summarise(desc string, limit int) string {
	if lineWidth(desc) <= limit {
		return desc
	}
	if i := strings.IndexByte(desc, '['); i >= 0 {
		if j := strings.IndexByte(desc[i:], ']'); j > 0 {
			items := strings.Split(desc[i+1:i+j], ", ")
			n := len(items)
			if strings.TrimSpace(desc[i+1:i+j]) == "" {
				n = 0
			}
			desc = desc[:i] + "[" + plural(n, "entry") + "]" + desc[i+j+1:]
			desc = strings.ReplaceAll(desc, "entrys", "entries")
		}
	}
	return cut(desc, limit)
}

// bodyWords describes a message's body for the message view, long ones
// summarised (a body that summarises itself, with Summary, says it best).
func bodyWords(b sim.Body, limit int) string {
	if b == nil {
		return "message"
	}
	if s, ok := b.(interface{ Summary() string }); ok {
		return cut(s.Summary(), limit)
	}
	if s, ok := txnBodyWords(b); ok {
		return cut(s, limit)
	}
	return summarise(sim.DescribeBody(b), limit)
}

// causalSet is the part of the trace the message view shows by default
// after a verdict: the witness operations' requests and replies, the
// messages that carried (or failed to carry) what they wrote towards the
// nodes that answered, and the faults meanwhile. Heartbeats and unrelated
// traffic are one key away (a).
type causalSet struct {
	rows []int32 // trace positions, as messageIndex.rows
}

// opFinder finds an operation's invocation and completion in the trace
// (runSource.opEvents).
type opFinder func(inv history.Op, comp *history.Op) (int, int)

// causalRows finds the causal set of a verdict's witness.
func causalRows(x *messageIndex, res *checker.Result, find opFinder) *causalSet {
	keep := map[int]bool{}
	ops := witnessOps(res.Witness)
	var servers []string
	last := 0
	for _, o := range ops {
		a, b := find(o.inv, o.comp)
		if a < 0 {
			continue
		}
		for _, i := range x.opRows(a, b) {
			keep[i] = true
		}
		if b >= 0 {
			keep[b] = true
			last = max(last, b)
			if rep := x.replyOf(b); rep >= 0 {
				servers = append(servers, x.tr[rep].Src)
			}
		}
	}
	for _, o := range ops {
		if o.comp == nil || resultF[o.inv.F] {
			continue
		}
		a, _ := find(o.inv, o.comp)
		for _, i := range x.carriers(a, last, servers) {
			keep[i] = true
		}
	}
	out := &causalSet{}
	for _, pos := range x.rows {
		ev := x.tr[pos]
		if keep[int(pos)] || (ev.Kind == sim.TraceFault && int(pos) <= last && len(out.rows) > 0) {
			out.rows = append(out.rows, pos)
		}
	}
	return out
}

// carriers are the deliveries that first brought what an invocation
// wrote to a node, and the drops of messages carrying it to the nodes
// that answered the witness (they failed to carry it), up to trace
// position by.
func (x *messageIndex) carriers(from, by int, servers []string) []int {
	if from < 0 || from >= len(x.tr) {
		return nil
	}
	answering := map[string]bool{}
	for _, s := range servers {
		answering[s] = true
	}
	var out []int
	learned := map[string]bool{}
	x.spread(from, by, func(i int, first, delivered bool) bool {
		dest := x.tr[i].Dest
		switch {
		case first:
			learned[dest] = true
			out = append(out, i)
		case !delivered && !learned[dest] && answering[dest]:
			out = append(out, i)
		}
		return true
	})
	return out
}

// opRows are the trace positions of an operation's own events, from its
// invocation at a to its completion at b (-1: still pending): its
// client's requests and replies arriving, dropped or held.
func (x *messageIndex) opRows(a, b int) []int {
	client := x.tr[a].Src
	end := b
	if end < 0 {
		end = min(len(x.tr)-1, a+traceScan)
	}
	out := []int{a}
	for i := a + 1; i <= end; i++ {
		if ev := x.tr[i]; (ev.Src == client || ev.Dest == client) && ev.Kind != sim.TraceSend {
			out = append(out, i)
		}
	}
	return out
}
