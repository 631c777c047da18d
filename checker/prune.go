package checker

import (
	"slices"

	"github.com/anishathalye/porcupine"

	"github.com/faultline-lab/faultline/history"
)

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

// returnsBy gathers, per value, the returns of the operations that
// observed it, to answer "the earliest after t" by binary search: every
// rule below runs in O(n log n), so pruning a long history stays cheap.
type returnsBy map[any][]int64

func (r returnsBy) add(v any, ret int64) { k := history.ValueKey(v); r[k] = append(r[k], ret) }

func (r returnsBy) sort() {
	for _, rs := range r {
		slices.Sort(rs)
	}
}

// after is the earliest return of an observer of v later than t.
func (r returnsBy) after(v any, t int64) (int64, bool) {
	rs := r[history.ValueKey(v)]
	i, _ := slices.BinarySearch(rs, t+1)
	if i == len(rs) {
		return 0, false
	}
	return rs[i], true
}

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
	unknown := false
	for _, o := range ops {
		if opCall(o).op == opAdd && unknownOp(o) {
			unknown = true
			break
		}
	}
	if !unknown {
		return ops
	}
	// first: the earliest return of a completed read holding each element
	// (-1 for the initial set).
	first := map[any]int64{}
	seen := func(x any, ret int64) {
		k := history.ValueKey(x)
		if r, ok := first[k]; !ok || ret < r {
			first[k] = ret
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
	for _, o := range ops {
		if c := opCall(o); c.op == opAdd && unknownOp(o) {
			r, observed := first[history.ValueKey(c.arg)]
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
	writers := map[any]int{}
	unknown := false
	for _, o := range ops {
		if c := opCall(o); c.op == opEnqueue {
			writers[history.ValueKey(c.arg)]++
			unknown = unknown || unknownOp(o)
		}
	}
	if !unknown {
		return ops
	}
	initial, _ := init.([]any)
	for _, x := range initial {
		writers[history.ValueKey(x)]++
	}
	// Completed dequeues and drains, by what they delivered.
	seen := returnsBy{}
	for _, o := range ops {
		c := opCall(o)
		switch {
		case c.status != statusOK || c.result == nil:
		case c.op == opDequeue:
			seen.add(c.result, o.Return)
		case c.op == opDrain:
			xs, _ := c.result.([]any)
			for _, x := range xs {
				seen.add(x, o.Return)
			}
		}
	}
	seen.sort()
	out := ops[:0:0]
	for _, o := range ops {
		if c := opCall(o); c.op == opEnqueue && unknownOp(o) {
			k := history.ValueKey(c.arg)
			if len(seen[k]) == 0 {
				continue
			}
			if r, ok := seen.after(c.arg, o.Call); ok && writers[k] == 1 {
				o.Return = r
			}
		}
		out = append(out, o)
	}
	return out
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
//   - W is a compare-and-set from u to v, and the same holds except that
//     compares that missed are allowed unless they expected u: drop W.
//     The previous value in the stretch is u, and a missed compare there
//     expected something other than v (it missed v) and other than u, so
//     it misses u too.
//   - W is the only write of v, v is not the initial value and the key has
//     no appends: W returns when the first completed read of v, or
//     successful compare-and-set from v, returns. That one needs v in the
//     register, so W's point in L is before it.
func pruneRegister(ops []porcupine.Operation, init any) []porcupine.Operation {
	writers := map[any]int{}
	lastAppend, lastMiss := int64(-1), int64(-1)
	lastMissOf := map[any]int64{} // per expected value
	unknown := false
	for _, o := range ops {
		c := opCall(o)
		switch {
		case c.op == opAppend:
			lastAppend = max(lastAppend, o.Return)
		case c.op == opCAS && c.status == statusMismatch:
			lastMiss = max(lastMiss, o.Return)
			k := history.ValueKey(c.arg)
			if r, ok := lastMissOf[k]; !ok || o.Return > r {
				lastMissOf[k] = o.Return
			}
		}
		if v, ok := newValue(c); ok {
			writers[history.ValueKey(v)]++
			unknown = unknown || unknownOp(o)
		}
	}
	if !unknown {
		return ops
	}
	// Observers of each value: the returns of the completed ones, and
	// whether any (an unknown compare-and-set from it included) exists.
	seen := returnsBy{}
	observed := map[any]bool{}
	for _, o := range ops {
		c := opCall(o)
		switch {
		case c.op == opRead && c.status == statusOK && !(c.result == nil && c.nilAny):
			seen.add(c.result, o.Return)
			observed[history.ValueKey(c.result)] = true
		case c.op == opCAS && c.status == statusOK:
			seen.add(c.arg, o.Return)
			observed[history.ValueKey(c.arg)] = true
		case c.op == opCAS && c.status == statusUnknown:
			observed[history.ValueKey(c.arg)] = true
		}
	}
	seen.sort()
	out := ops[:0:0]
	for _, o := range ops {
		c := opCall(o)
		v, isWrite := newValue(c)
		if !isWrite || !unknownOp(o) {
			out = append(out, o)
			continue
		}
		k := history.ValueKey(v)
		missed := lastMiss
		if c.op == opCAS {
			missed = -1
			if r, ok := lastMissOf[history.ValueKey(c.arg)]; ok {
				missed = r
			}
		}
		if !observed[k] && lastAppend < o.Call && missed < o.Call {
			continue
		}
		if r, ok := seen.after(v, o.Call); ok && lastAppend < 0 && !valueEqual(v, init) && writers[k] == 1 {
			o.Return = r
		}
		out = append(out, o)
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
