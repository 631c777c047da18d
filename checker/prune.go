package checker

import "github.com/anishathalye/porcupine"

// Pruning: operations whose outcome is unknown (info, or no completion) may
// take effect at any moment after their invocation, or never, so porcupine
// sees them open until the end of the history and tries every place for
// each. Many such operations make the search exponential. Each rule below
// either drops such an operation or gives it an earlier return time, and
// keeps the verdict exactly: a history is linearizable if and only if the
// pruned one is. Dropping is one direction for free ("it never happened" is
// always a choice for an unknown operation); an earlier return only adds a
// constraint. Each rule's comment proves the other direction: from any
// linearization L of the history, build one that respects the rule.
//
// The rules look only at the operations given (the history as of a cut,
// or a candidate witness), so they hold for every search the checker runs.

// pruneFunc drops or bounds unknown operations; it may reorder nothing and
// returns the operations kept.
type pruneFunc func(ops []porcupine.Operation, init any) []porcupine.Operation

func opCall(o porcupine.Operation) *call { return o.Input.(*call) }

func unknownOp(o porcupine.Operation) bool { return o.Return == never }

// valueIndex finds the operations carrying a value: a hash bucket,
// confirmed with valueEqual.
type valueIndex map[uint64][]int

func (ix valueIndex) add(v any, i int) { h := valueHash(v); ix[h] = append(ix[h], i) }

// pruneSet applies, to each unknown add A of x:
//
//   - x in the initial set, or no completed read contains x, or one that
//     completed before A was invoked does: drop A. If x is in the initial
//     set, or was in the set before A began, A changes nothing wherever it
//     goes. Otherwise, if A took effect at p in L, no read lies after p (it
//     would contain x, the set only grows): remove A from L, and the states
//     change only after p, where no completed read looks.
//   - otherwise A returns when the first read containing x returns, at r.
//     If A's point p in L is before that read's, A already returns by r. If
//     not, some other add of x precedes that read, so A changes nothing
//     after it: move A to just after that add and after every operation
//     that completed before A was invoked. Every operation invoked after r
//     follows the read, hence that add, and follows those operations (they
//     completed before A began, before r): real-time order holds.
func pruneSet(ops []porcupine.Operation, init any) []porcupine.Operation {
	adds := valueIndex{}
	for i, o := range ops {
		if c := opCall(o); c.op == opAdd && unknownOp(o) {
			adds.add(c.arg, i)
		}
	}
	if len(adds) == 0 {
		return ops
	}
	// first[i] is the earliest return of a completed read containing the
	// element of unknown add i (-1 for the initial set); absent when none
	// does.
	first := make(map[int]int64, len(adds))
	seen := func(x any, ret int64) {
		for _, i := range adds[valueHash(x)] {
			if r, ok := first[i]; valueEqual(opCall(ops[i]).arg, x) && (!ok || ret < r) {
				first[i] = ret
			}
		}
	}
	for _, o := range ops {
		c := opCall(o)
		if c.op != opRead || c.status != statusOK {
			continue
		}
		xs, _ := c.result.([]any)
		for _, x := range xs {
			seen(x, o.Return)
		}
	}
	initial, _ := init.([]any)
	for _, x := range initial {
		seen(x, -1)
	}
	out := ops[:0:0]
	for i, o := range ops {
		if c := opCall(o); c.op == opAdd && unknownOp(o) {
			r, observed := first[i]
			if !observed || r < o.Call {
				continue
			}
			o.Return = r
		}
		out = append(out, o)
	}
	return out
}

// pruneQueue applies, to each unknown enqueue E of x:
//
//   - no completed dequeue returns x and no completed drain contains x:
//     drop E. If E took effect at p in L, x stays in the queue until an
//     unknown dequeue or drain takes it at d, or to the end. Remove E (and
//     move that unknown dequeue to the end, never happening; an unknown
//     drain stays): between p and d the states lose x, at the tail or, if
//     x had reached the head, with nothing completed looking at the head
//     (a completed dequeue would return x; the queue was not empty; a
//     completed drain would contain x); after d they are unchanged.
//   - E is the only enqueue of x and x is not in the initial queue: E
//     returns when the first completed dequeue or drain showing x returns.
//     That one needs x in the queue, so E's point in L is before it.
func pruneQueue(ops []porcupine.Operation, init any) []porcupine.Operation {
	enq := valueIndex{}
	writers := valueIndex{}
	for i, o := range ops {
		c := opCall(o)
		if c.op != opEnqueue {
			continue
		}
		writers.add(c.arg, i)
		if unknownOp(o) {
			enq.add(c.arg, i)
		}
	}
	if len(enq) == 0 {
		return ops
	}
	observed := map[int]bool{}
	first := map[int]int64{} // the earliest return of an observer after the enqueue's invocation
	only := map[int]bool{}
	for _, is := range enq {
		for _, i := range is {
			only[i] = countEqual(ops, writers, opCall(ops[i]).arg, func(c *call) any { return c.arg }) == 1
		}
	}
	initial, _ := init.([]any)
	for _, x := range initial {
		for _, i := range enq[valueHash(x)] {
			if valueEqual(opCall(ops[i]).arg, x) {
				only[i] = false
			}
		}
	}
	seen := func(x any, ret int64) {
		for _, i := range enq[valueHash(x)] {
			if !valueEqual(opCall(ops[i]).arg, x) {
				continue
			}
			observed[i] = true
			if r, ok := first[i]; ret > ops[i].Call && (!ok || ret < r) {
				first[i] = ret
			}
		}
	}
	for _, o := range ops {
		c := opCall(o)
		switch {
		case c.status != statusOK || c.result == nil:
		case c.op == opDequeue:
			seen(c.result, o.Return)
		case c.op == opDrain:
			xs, _ := c.result.([]any)
			for _, x := range xs {
				seen(x, o.Return)
			}
		}
	}
	out := ops[:0:0]
	for i, o := range ops {
		if c := opCall(o); c.op == opEnqueue && unknownOp(o) {
			if !observed[i] {
				continue
			}
			if r, ok := first[i]; ok && only[i] {
				o.Return = r
			}
		}
		out = append(out, o)
	}
	return out
}

// countEqual counts the operations of ix's bucket for v whose value (got)
// equals v.
func countEqual(ops []porcupine.Operation, ix valueIndex, v any, got func(*call) any) int {
	n := 0
	for _, i := range ix[valueHash(v)] {
		if valueEqual(got(opCall(ops[i])), v) {
			n++
		}
	}
	return n
}

// pruneRegister applies, to each unknown write W of v (a write, or a
// compare-and-set to v):
//
//   - no completed read returns v, no compare-and-set (completed or not)
//     expects v, and no compare that missed or append completes after W was
//     invoked: drop W. If W took effect at p in L, the register held v from
//     p to the next write. Nothing completed between looked at it: a read
//     would return v, a successful compare-and-set would expect v; no
//     missed compare or append lies after p. An unknown compare-and-set
//     there found no v and changed nothing: move it to the end of L, never
//     happening. Remove W, and the register holds the previous value in
//     that stretch instead, unseen.
//   - W is the only write of v, v is not the initial value and the key has
//     no appends: W returns when the first completed read of v, or
//     successful compare-and-set from v, returns. That one needs v in the
//     register, so W's point in L is before it.
func pruneRegister(ops []porcupine.Operation, init any) []porcupine.Operation {
	var unknown []int
	writers := valueIndex{}
	lastAppend, lastMiss := int64(-1), int64(-1)
	for i, o := range ops {
		c := opCall(o)
		switch {
		case c.op == opAppend:
			lastAppend = max(lastAppend, o.Return)
		case c.op == opCAS && c.status == statusMismatch:
			lastMiss = max(lastMiss, o.Return)
		}
		if v, ok := newValue(c); ok {
			writers.add(v, i)
			if unknownOp(o) {
				unknown = append(unknown, i)
			}
		}
	}
	if len(unknown) == 0 {
		return ops
	}
	// Observers of each unknown write's value: the earliest return after
	// the write's invocation, and whether any (an unknown compare-and-set
	// from v included) exists at all.
	target := valueIndex{}
	for _, i := range unknown {
		v, _ := newValue(opCall(ops[i]))
		target.add(v, i)
	}
	observed := map[int]bool{}
	first := map[int]int64{}
	seen := func(v any, ret int64, completed bool) {
		for _, i := range target[valueHash(v)] {
			w, _ := newValue(opCall(ops[i]))
			if !valueEqual(w, v) {
				continue
			}
			observed[i] = true
			if r, ok := first[i]; completed && ret > ops[i].Call && (!ok || ret < r) {
				first[i] = ret
			}
		}
	}
	for _, o := range ops {
		c := opCall(o)
		switch {
		case c.op == opRead && c.status == statusOK && !(c.result == nil && c.nilAny):
			seen(c.result, o.Return, true)
		case c.op == opCAS && c.status == statusOK:
			seen(c.arg, o.Return, true)
		case c.op == opCAS && c.status == statusUnknown:
			seen(c.arg, o.Return, false)
		}
	}
	drop := map[int]bool{}
	for _, i := range unknown {
		o := &ops[i]
		if !observed[i] && lastAppend < o.Call && lastMiss < o.Call {
			drop[i] = true
			continue
		}
		v, _ := newValue(opCall(*o))
		if _, ok := first[i]; ok && lastAppend < 0 && !valueEqual(v, init) &&
			countEqual(ops, writers, v, func(c *call) any { w, _ := newValue(c); return w }) == 1 {
			o.Return = first[i]
		}
	}
	if len(drop) == 0 {
		return ops
	}
	out := make([]porcupine.Operation, 0, len(ops)-len(drop))
	for i, o := range ops {
		if !drop[i] {
			out = append(out, o)
		}
	}
	return out
}

// newValue is the value a write or compare-and-set puts in the register.
func newValue(c *call) (any, bool) {
	switch {
	case c.op == opWrite:
		return c.arg, true
	case c.op == opCAS && c.status != statusMismatch:
		return c.arg2, true
	}
	return nil, false
}
