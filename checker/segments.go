package checker

import (
	"cmp"
	"slices"
	"sync/atomic"

	"github.com/anishathalye/porcupine"
)

// Segments: a long register history is searched a stretch at a time.
// Porcupine's cache holds, per state it reaches, the set of operations
// linearized so far, so its memory grows with the square of the history's
// length (20,000 operations took 478 MB). At a quiescent point, where no
// operation is in flight, every operation before precedes every operation
// after in any linearization, so the history is linearizable exactly when
// some chain of states runs through its stretches: each stretch,
// linearized from a state the one before can end in, ends in a state the
// next can start from. A register ends a stretch holding the value of
// one of its writes (or, if none must take effect, the value it began
// with); a probe, a read of that value after the stretch, asks porcupine
// whether it can.

// segmentMin is the fewest operations a stretch holds (shorter ones join
// the next), and segmentFrom the fewest a history needs to be cut at all:
// lesson-sized histories keep the single search, so their witnesses and
// step counts do not change. Variables for the tests.
var (
	segmentMin  = 512
	segmentFrom = 4096
)

// segments cuts ops, by invocation, at quiescent points into stretches of
// at least segmentMin operations; nil when there is no such cut.
func segments(ops []porcupine.Operation) [][]porcupine.Operation {
	sorted := slices.Clone(ops)
	slices.SortStableFunc(sorted, func(a, b porcupine.Operation) int { return cmp.Compare(a.Call, b.Call) })
	var out [][]porcupine.Operation
	start := 0
	maxRet := int64(-1)
	for i, o := range sorted {
		if i-start >= segmentMin && maxRet < o.Call {
			out = append(out, sorted[start:i])
			start = i
		}
		maxRet = max(maxRet, o.Return)
	}
	if len(out) == 0 {
		return nil
	}
	return append(out, sorted[start:])
}

// segmented runs the search a stretch at a time when the model is a
// register (without appends) and the history is long enough to have
// stretches; used is false when it does not apply.
func (s *searcher) segmented(ops []porcupine.Operation, limit int64) (v verdict, steps int64, used bool) {
	if s.m.overwrites == nil || len(ops) < segmentFrom || slices.ContainsFunc(ops, func(o porcupine.Operation) bool { return opCall(o).op == opAppend }) {
		return vUnknown, 0, false
	}
	segs := segments(ops)
	if segs == nil {
		return vUnknown, 0, false
	}
	starts := []any{s.state}
	for k, seg := range segs {
		last := k == len(segs)-1
		var next []any
		for _, st := range starts {
			if last {
				if v := s.porcupine(seg, st, &steps, limit); v != vIllegal {
					return v, atomic.LoadInt64(&steps), true
				}
				continue
			}
			for _, end := range endStates(seg, st) {
				if slices.ContainsFunc(next, func(x any) bool { return valueEqual(x, end) }) {
					continue
				}
				switch s.porcupine(append(slices.Clip(seg), probe(seg, end)), st, &steps, limit) {
				case vUnknown:
					return vUnknown, atomic.LoadInt64(&steps), true
				case vOK:
					next = append(next, end)
				}
			}
		}
		if len(next) == 0 {
			return vIllegal, atomic.LoadInt64(&steps), true
		}
		starts = next
	}
	return vIllegal, atomic.LoadInt64(&steps), true
}

// endStates lists the values a register may hold after seg, begun
// holding start: the value of each write that no acknowledged write
// follows, and start itself when no write must take effect.
func endStates(seg []porcupine.Operation, start any) []any {
	lastAcked := int64(-1) // the latest invocation of an acknowledged write
	for _, o := range seg {
		if c := opCall(o); (c.op == opWrite || c.op == opCAS) && c.status == statusOK {
			lastAcked = max(lastAcked, o.Call)
		}
	}
	var out []any
	if lastAcked < 0 {
		out = append(out, start)
	}
	for _, o := range seg {
		v, ok := newValue(opCall(o))
		if ok && o.Return >= lastAcked && !slices.ContainsFunc(out, func(x any) bool { return valueEqual(x, v) }) {
			out = append(out, v)
		}
	}
	return out
}

// probe is a read of v after every operation of seg: it passes only if
// the register can end seg holding v.
func probe(seg []porcupine.Operation, v any) porcupine.Operation {
	end := int64(-1)
	for _, o := range seg {
		end = max(end, o.Return)
	}
	return porcupine.Operation{ClientId: -2, Input: &call{id: -2, op: opRead, status: statusOK, result: v}, Call: end + 1, Return: end + 2}
}
