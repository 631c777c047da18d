package checker

import (
	"slices"
	"strings"

	"github.com/anishathalye/porcupine"

	"github.com/faultline-lab/faultline/history"
)

// Symmetry: operations of unknown outcome that stay open to the end of the
// search (Return never) and are otherwise identical (the same operation
// and arguments, on the same key; for a lock, by the same process) are
// interchangeable once both have begun, yet porcupine tells them apart and
// tries each order of them: a history with many timed-out writes of a few
// values (lesson 5 under every nemesis) grows exponentially in them. The
// wrapper below lets the members of such a class take effect only in the
// order they were invoked. That keeps the verdict exactly: take any
// linearization L, and let k members of a class take effect in it, at
// points q1 < … < qk. Give point qi to the class's i-th earliest-invoked
// member instead, and leave the others out (an operation of unknown
// outcome may never take effect). Each state is the same (the members are
// identical), and real time holds: the members that took effect at
// q1 … qi were invoked before qi, so at least i members were, so the i-th
// earliest was. The members have no completion, so nothing has to follow
// them.

// Overwrites: where an operation overwrites the state whatever it was (a
// register's write), an operation of unknown outcome is useful only if
// something sees its effect before the next overwrite. The wrapper
// refuses an overwrite while the state is fresh: an unknown operation took
// effect, and every operation since would have passed, changing nothing,
// in the state before it (prior) too. That keeps the verdict exactly: in
// any linearization, remove such an unknown operation (it may never have
// taken effect); the operations up to the overwrite pass as they did, the
// overwrite leaves the state it left before, and an unknown one left
// writing the value already there is removed in turn (repeat until none is
// left to remove). No bounded operation is removed: the prune rule that
// bounds an unknown write (prune.go) does so because a read of its value
// needs it, and that read comes before the next overwrite and would fail
// in the state before the write.

// symState is the model's state plus, per class, how many of its members
// have taken effect, and, while fresh, the state before the unknown
// operation that made it so.
type symState struct {
	in    any
	used  []int32 // immutable
	fresh bool
	prior any
}

// symmetric wraps pm so that each class of interchangeable operations in
// ops takes effect in invocation order, and no overwrite comes while the
// state is fresh; it returns pm itself when neither rule applies.
func symmetric(pm porcupine.Model, m *model, ops []porcupine.Operation) porcupine.Model {
	type member struct{ class, rank int32 }
	byKey := map[string][]int{}
	unknown := false // and the model overwrites
	for i, o := range ops {
		c, ok := o.Input.(*call)
		if !ok || c == endCall || c.status != statusUnknown {
			continue
		}
		unknown = unknown || m.overwrites != nil
		if o.Return != never || c.op == opTxn {
			continue
		}
		k := symKey(c, m.name == ModelLock)
		byKey[k] = append(byKey[k], i)
	}
	rank := map[*call]member{}
	classes := int32(0)
	keys := make([]string, 0, len(byKey))
	for k, idx := range byKey {
		if len(idx) > 1 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 && !unknown {
		return pm
	}
	slices.Sort(keys) // deterministic class numbers
	for _, k := range keys {
		idx := byKey[k]
		slices.SortStableFunc(idx, func(a, b int) int { return int(ops[a].Call - ops[b].Call) })
		for r, i := range idx {
			rank[opCall(ops[i])] = member{classes, int32(r)}
		}
		classes++
	}
	inner := pm
	pm.Init = func() any { return symState{in: inner.Init(), used: make([]int32, classes)} }
	pm.Step = func(state, input, output any) (bool, any) {
		s := state.(symState)
		c := input.(*call)
		mb, sym := rank[c]
		if sym && s.used[mb.class] != mb.rank {
			return false, state
		}
		_, over := s.in.(ended)
		if s.fresh && !over && c != endCall && m.overwrites != nil && m.overwrites(c) {
			return false, state
		}
		ok, next := inner.Step(s.in, input, output)
		if !ok {
			return false, state
		}
		used := s.used
		if sym {
			used = slices.Clone(used)
			used[mb.class]++
		}
		out := symState{in: next, used: used}
		switch {
		case over || c == endCall || m.overwrites == nil:
		case c.status == statusUnknown:
			out.fresh, out.prior = true, s.in
		case s.fresh:
			if ok, after := inner.Step(s.prior, input, output); ok && inner.Equal(after, s.prior) {
				out.fresh, out.prior = true, s.prior
			}
		}
		return true, out
	}
	pm.Equal = func(a, b any) bool {
		x, y := a.(symState), b.(symState)
		return x.fresh == y.fresh && slices.Equal(x.used, y.used) && inner.Equal(x.in, y.in) &&
			(!x.fresh || inner.Equal(x.prior, y.prior))
	}
	pm.Hash = func(st any) uint64 {
		s := st.(symState)
		h := inner.Hash(s.in)
		if s.fresh {
			h = mix(h ^ inner.Hash(s.prior) ^ 0xf7e5)
		}
		for _, u := range s.used {
			h = mix(h ^ uint64(u))
		}
		return h
	}
	pm.DescribeState = func(st any) string { return inner.DescribeState(st.(symState).in) }
	return pm
}

// symKey names what makes two calls interchangeable: the operation, its
// key and arguments, and, for a lock, its process.
func symKey(c *call, byProc bool) string {
	var b strings.Builder
	b.WriteString(opNames[c.op])
	b.WriteByte(0)
	b.WriteString(c.key)
	b.WriteByte(0)
	history.WriteCanonical(&b, c.arg)
	b.WriteByte(0)
	history.WriteCanonical(&b, c.arg2)
	if byProc {
		b.WriteByte(0)
		b.WriteString(c.proc.String())
	}
	return b.String()
}
