package checker

import (
	"fmt"
	"slices"

	"github.com/faultline-lab/faultline/history"
)

// ModelQueue is the FIFO queue.
const ModelQueue Model = "queue"

// The queue: enqueue x → x, dequeue → x (fail when empty), drain → [x ...].
// The state is the queue's contents, first in first out; a drain returns
// them all, in order, and empties the queue.

type queueState struct {
	elems []any // immutable
	hash  uint64
}

func newQueueState(elems []any) *queueState {
	q := &queueState{elems: elems, hash: 0x71}
	for _, e := range elems {
		q.hash = mix(q.hash ^ valueHash(e))
	}
	return q
}

func (q *queueState) equal(r *queueState) bool {
	return q.hash == r.hash && valueEqual(q.elems, r.elems)
}

func init() {
	register(&model{
		name:      ModelQueue,
		doc:       "a FIFO queue: enqueue x → x, dequeue → x (fail when empty), drain → [x ...] (everything left, in order)",
		ops:       map[string]opcode{"enqueue": opEnqueue, "dequeue": opDequeue, "drain": opDrain},
		parse:     parseQueue,
		initState: listInit(func(xs []any) any { return newQueueState(append([]any(nil), xs...)) }),
		step:      queueStep,
		equal:     func(a, b any) bool { return a.(*queueState).equal(b.(*queueState)) },
		hash:      func(s any) uint64 { return s.(*queueState).hash },
		describeState: func(s any) string {
			return history.Format(s.(*queueState).elems)
		},
		writes: func(c *call) []string {
			if c.op == opEnqueue {
				return []string{token(c.arg)}
			}
			return nil
		},
		observes: queueObserves,
		elements: func(c *call) []string {
			if c.op == opEnqueue {
				return []string{token(c.arg)}
			}
			return queueObserves(c, nil)
		},
		project: projectList(opEnqueue, opDrain),
		prune:   pruneQueue,
		noop: func(st any, c *call) bool {
			return c.op == opDequeue && len(st.(*queueState).elems) == 0
		},
		explain: (*analysis).queue,
		group:   (*analysis).listGroups,
		promise: "elements must leave the queue once each, in the order they entered",
	})
}

func queueObserves(c *call, _ any) []string {
	if c.op == opDequeue && c.status == statusOK && c.result != nil {
		return []string{token(c.result)}
	}
	return readTokens(c, opDrain)
}

func parseQueue(c *call, _ any) error {
	switch c.op {
	case opEnqueue:
		c.arg = valueOf(c)
	case opDrain:
		if c.status == statusOK && c.result != nil {
			if _, ok := c.result.([]any); !ok {
				return fmt.Errorf("field \"value\": a drain returns a list; got %s", history.Format(c.result))
			}
		}
	}
	return nil
}

func queueStep(st any, c *call) (bool, any) {
	q := st.(*queueState)
	switch c.op {
	case opEnqueue:
		elems := make([]any, len(q.elems)+1)
		copy(elems, q.elems)
		elems[len(q.elems)] = c.arg
		return true, newQueueState(elems)
	case opDequeue:
		if c.status != statusOK {
			if len(q.elems) == 0 {
				return true, st
			}
			return true, newQueueState(q.elems[1:])
		}
		if c.result == nil { // an ok dequeue of nothing: the queue was empty
			return len(q.elems) == 0, st
		}
		if len(q.elems) == 0 || !valueEqual(q.elems[0], c.result) {
			return false, st
		}
		return true, newQueueState(q.elems[1:])
	case opDrain:
		if c.status == statusOK && c.result != nil && !valueEqual(q.elems, c.result) {
			return false, st
		}
		return true, newQueueState(nil)
	}
	return false, st
}

// deliveredIn lists the elements a completed dequeue or drain of calls
// returned.
func deliveredIn(calls []*call) map[any]bool {
	delivered := map[any]bool{}
	for _, c := range calls {
		if c.status != statusOK {
			continue
		}
		switch {
		case c.op == opDequeue && c.result != nil:
			delivered[history.ValueKey(c.result)] = true
		case c.op == opDrain:
			xs, _ := c.result.([]any)
			for _, x := range xs {
				delivered[history.ValueKey(x)] = true
			}
		}
	}
	return delivered
}

// missingBefore lists the enqueues acknowledged before d began whose
// element nothing delivered, earliest acknowledged first.
func missingBefore(calls []*call, d *call, delivered map[any]bool) []*call {
	var out []*call
	for _, e := range calls {
		if e.op == opEnqueue && e.status == statusOK && before(e, d) && !delivered[history.ValueKey(e.arg)] {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *call) int { return a.compPos - b.compPos })
	return out
}

// unknownTakers counts the dequeues and drains whose outcome is unknown,
// invoked before d ended: they may have taken elements out unseen.
func unknownTakers(calls []*call, d *call) (dequeues, drains int) {
	for _, c := range calls {
		if c.status != statusUnknown || d.compPos >= 0 && c.invPos > d.compPos {
			continue
		}
		switch c.op {
		case opDequeue:
			dequeues++
		case opDrain:
			drains++
		}
	}
	return dequeues, drains
}

// queue names queue anomalies: an element nobody enqueued (or only a
// failed enqueue, or only after it came out), an acknowledged message
// lost, one delivered more often than enqueued, or two delivered out of
// order. Whether a skipped message ever came out is read from the
// history, and said so.
func (a *analysis) queue() (string, string) {
	f := history.Format
	delivered := map[string][]*call{}
	for _, r := range a.wit {
		if r.status != statusOK {
			continue
		}
		var xs []any
		switch {
		case r.op == opDequeue && r.result != nil:
			xs = []any{r.result}
		case r.op == opDrain:
			xs, _ = r.result.([]any)
		}
		for _, x := range xs {
			if name, why := a.elementSource(x, r, opEnqueue); name != "" {
				return name, why
			}
			delivered[token(x)] = append(delivered[token(x)], r)
		}
	}
	for _, w := range a.wit {
		if w.op != opEnqueue || w.status != statusOK || len(delivered[token(w.arg)]) > 0 {
			continue
		}
		for _, d := range a.wit {
			if d.op == opDrain && d.status == statusOK && before(w, d) && a.neverDelivered(w.arg) {
				why := fmt.Sprintf("%s's enqueue of %s was acknowledged before %s's drain began, yet the drain did not return %s.",
					who(w), f(w.arg), who(d), f(w.arg))
				missing := missingBefore(a.part, d, deliveredIn(a.part))
				switch dequeues, drains := unknownTakers(a.part, d); {
				case drains > 0:
					return AnomalyLostWrite, why + fmt.Sprintf(" In the history, nothing ever delivered %s, though a drain with no answer may have taken it unseen.", f(w.arg))
				case dequeues > 0:
					lost := len(missing) - dequeues
					return AnomalyLostWrite, why + fmt.Sprintf(" In the history, nothing ever delivered %s; of %d acknowledged messages that never came out, %s with no answer could have taken %d: at least %d %s lost.",
						f(w.arg), len(missing), plural(dequeues, "dequeue"), dequeues, lost, isAre(lost))
				}
				return AnomalyLostWrite, why + fmt.Sprintf(" In the history, no operation ever delivered %s: the acknowledged message was lost.", f(w.arg))
			}
		}
	}
	for _, w := range a.wit {
		if w.op != opEnqueue {
			continue
		}
		got := delivered[token(w.arg)]
		enqueues := 0
		for _, e := range a.wit {
			if e.op == opEnqueue && e.status != statusFailed && valueEqual(e.arg, w.arg) {
				enqueues++
			}
		}
		if len(got) > enqueues {
			return AnomalyDuplicated, fmt.Sprintf("%s was enqueued %s but delivered %s (to %s): a message was consumed more than once.",
				f(w.arg), times(enqueues), times(len(got)), whoAll(got))
		}
	}
	for _, e1 := range a.wit {
		for _, e2 := range a.wit {
			if e1.op != opEnqueue || e2.op != opEnqueue || !before(e1, e2) || e1.status != statusOK {
				continue
			}
			d1, d2 := delivered[token(e1.arg)], delivered[token(e2.arg)]
			if len(d2) != 1 || d2[0].op != opDequeue {
				continue
			}
			if len(d1) == 1 && d1[0] != d2[0] && before(d2[0], d1[0]) {
				return AnomalyReordered, fmt.Sprintf("%s was enqueued before %s, but %s came out first, to %s [%s], while %s was still in the queue: the queue did not keep its order.", f(e1.arg), f(e2.arg), f(e2.arg), who(d2[0]), records(d2[0]), f(e1.arg))
			}
			if len(d1) == 0 {
				still, later := a.cameOut(e1.arg, d2[0])
				if a.neverDelivered(e1.arg) {
					return AnomalyLostWrite, fmt.Sprintf("%s's enqueue of %s was acknowledged before %s was enqueued, yet %s came out first, to %s [%s]. In the history, no operation ever delivered %s: the acknowledged message was lost.",
						who(e1), f(e1.arg), f(e2.arg), f(e2.arg), who(d2[0]), records(d2[0]), f(e1.arg))
				}
				return AnomalyReordered, fmt.Sprintf("%s was enqueued before %s, but %s came out first, to %s [%s]%s: the queue did not keep its order. %s",
					f(e1.arg), f(e2.arg), f(e2.arg), who(d2[0]), records(d2[0]), still, later)
			}
		}
	}
	return "", ""
}

// cameOut says, from the history, where x first came out, against d's
// dequeue: later, earlier (an operation the witness leaves out) or while
// d was in flight; and, for the sentence before, whether x was still in
// the queue when d took another out.
func (a *analysis) cameOut(x any, d *call) (still, where string) {
	var first *call
	for _, c := range a.part {
		if c.status != statusOK || first != nil && c.invPos >= first.invPos {
			continue
		}
		xs, _ := c.result.([]any)
		if c.op == opDequeue && c.result != nil && valueEqual(c.result, x) || c.op == opDrain && slices.ContainsFunc(xs, func(y any) bool { return valueEqual(x, y) }) {
			first = c
		}
	}
	f := history.Format
	still = fmt.Sprintf(", while %s was still in the queue", f(x))
	switch {
	case first == nil:
		return still, fmt.Sprintf("In the history, no operation ever delivered %s.", f(x))
	case before(d, first):
		return still, fmt.Sprintf("In the history, %s came out later, to %s [%s].", f(x), who(first), records(first))
	case before(first, d):
		return fmt.Sprintf(", though no operation of this witness took %s out", f(x)),
			fmt.Sprintf("In the history, %s had come out earlier, to %s [%s], an operation the witness leaves out.", f(x), who(first), records(first))
	}
	return fmt.Sprintf(", and no operation of this witness took %s out", f(x)),
		fmt.Sprintf("In the history, %s came out to %s [%s], while that dequeue was in flight.", f(x), who(first), records(first))
}

// neverDelivered reports whether no completed dequeue or drain of the
// history returned x.
func (a *analysis) neverDelivered(x any) bool {
	for _, c := range a.part {
		if c.status != statusOK {
			continue
		}
		switch {
		case c.op == opDequeue && c.result != nil && valueEqual(c.result, x):
			return false
		case c.op == opDrain:
			xs, _ := c.result.([]any)
			for _, y := range xs {
				if valueEqual(y, x) {
					return false
				}
			}
		}
	}
	return true
}
