package checker

import (
	"fmt"
	"sort"

	"github.com/anishathalye/porcupine"

	"github.com/faultline-lab/faultline/history"
)

// ModelSet is the set.
const ModelSet Model = "set"

// The set: add x → x, read → [x ...]. The state is the set of elements
// added; a read must return exactly it (in any order).

// setState is an immutable set, kept sorted, with an order-free hash.
type setState struct {
	elems []any
	hash  uint64
}

func newSetState(elems []any) *setState {
	s := &setState{elems: canonicalSet(elems)}
	for _, e := range s.elems {
		s.hash ^= mix(valueHash(e) + 0x51)
	}
	return s
}

func (s *setState) has(x any) bool {
	for _, e := range s.elems {
		if valueEqual(e, x) {
			return true
		}
	}
	return false
}

func (s *setState) with(x any) *setState {
	if s.has(x) {
		return s
	}
	elems := make([]any, len(s.elems), len(s.elems)+1)
	copy(elems, s.elems)
	return newSetState(append(elems, x))
}

func (s *setState) equal(t *setState) bool {
	if s.hash != t.hash || len(s.elems) != len(t.elems) {
		return false
	}
	for i := range s.elems {
		if !valueEqual(s.elems[i], t.elems[i]) {
			return false
		}
	}
	return true
}

func init() {
	register(&model{
		name:      ModelSet,
		doc:       "a set: add x → x, read → [x ...] (every element added before the read, and no other)",
		ops:       map[string]opcode{"add": opAdd, "read": opRead},
		parse:     parseSet,
		initState: listInit(func(xs []any) any { return newSetState(xs) }),
		step:      setStep,
		equal:     func(a, b any) bool { return a.(*setState).equal(b.(*setState)) },
		hash:      func(s any) uint64 { return s.(*setState).hash },
		describeState: func(s any) string {
			return history.Format(s.(*setState).elems)
		},
		writes: func(c *call) []string {
			if c.op == opAdd {
				return []string{token(c.arg)}
			}
			return nil
		},
		observes: func(c *call, _ any) []string { return readTokens(c, opRead) },
		elements: func(c *call) []string {
			if c.op == opAdd {
				return []string{token(c.arg)}
			}
			return readTokens(c, opRead)
		},
		project: projectList(opAdd, opRead),
		prune:   pruneSet,
		noop: func(st any, c *call) bool {
			return c.op == opAdd && st.(*setState).has(c.arg)
		},
		decide:  decideSet,
		explain: (*analysis).set,
		group:   (*analysis).listGroups,
		promise: "every read must return exactly the elements added before it",
	})
}

func listInit(build func([]any) any) func(any) (any, error) {
	return func(init any) (any, error) {
		switch x := init.(type) {
		case nil:
			return build(nil), nil
		case []any:
			return build(x), nil
		}
		return nil, fmt.Errorf("the initial contents must be a list; got %s", history.Format(init))
	}
}

func parseSet(c *call, _ any) error {
	switch c.op {
	case opAdd:
		c.arg = valueOf(c)
	case opRead:
		c.nilAny = true // a set is never nil: a read of nil says nothing
		if c.status == statusOK && c.result != nil {
			if _, ok := c.result.([]any); !ok {
				return fmt.Errorf("field \"value\": a set read returns a list; got %s", history.Format(c.result))
			}
		}
	}
	return nil
}

func setStep(st any, c *call) (bool, any) {
	s := st.(*setState)
	switch c.op {
	case opAdd:
		return true, s.with(c.arg)
	case opRead:
		if c.status != statusOK || c.result == nil {
			return true, st
		}
		return newSetState(c.result.([]any)).equal(s), st
	}
	return false, st
}

// readTokens names the elements a completed read (or drain, dequeue)
// returned.
func readTokens(c *call, op opcode) []string {
	if c.op != op || c.status != statusOK {
		return nil
	}
	xs, _ := c.result.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, token(x))
	}
	return out
}

// projectList keeps the writes of kept elements and filters what reads
// returned, for sets and queues.
func projectList(write, read opcode) func(c *call, keep map[string]bool) *call {
	return func(c *call, keep map[string]bool) *call {
		switch {
		case c.op == write || c.op == opDequeue:
			v := c.arg
			if c.op == opDequeue {
				if c.status != statusOK || c.result == nil {
					return c // it may have taken a kept element, or saw the queue empty
				}
				v = c.result
			}
			if keep[token(v)] {
				return c
			}
			return nil
		case c.op == read && c.status == statusOK:
			xs, ok := c.result.([]any)
			if !ok {
				return c
			}
			var kept []any
			for _, x := range xs {
				if keep[token(x)] {
					kept = append(kept, x)
				}
			}
			if kept == nil {
				kept = []any{}
			}
			u := *c
			u.result = kept
			comp := *c.comp
			comp.Value = kept
			u.comp = &comp
			return &u
		}
		return c
	}
}

// decideSet decides a set history exactly. A read returns the whole set,
// so the reads must form a chain under inclusion (two reads neither of
// which holds the other cannot both be right), and each element x enters
// the set once, at a moment s_x after the first invocation of an add of x
// and before the first acknowledgement of one (an initial element is
// there from the start). x must come after every read without it and
// before every read with it: the reads, grouped by the set they returned
// and ordered by it, alternate with the elements new in each group, layer
// by layer, every variable of a layer before every one of the next. Such
// a system of intervals and layers is satisfiable if and only if placing
// each variable as early as it may, layer after layer, keeps it within
// its interval. O(n log n) plus the size of the reads.
func decideSet(ops []porcupine.Operation, init any) (bool, bool) {
	type elem struct {
		lo, hi  int64
		initial bool
		group   int // the first group of reads that holds it; 0: none yet
	}
	elems := map[any]*elem{}
	get := func(x any) *elem {
		k := history.ValueKey(x)
		e := elems[k]
		if e == nil {
			e = &elem{lo: never, hi: never}
			elems[k] = e
		}
		return e
	}
	initial, _ := init.([]any)
	nInit := 0
	for _, x := range initial {
		if e := get(x); !e.initial {
			e.initial = true
			nInit++
		}
	}
	type read struct {
		inv, ret int64
		keys     []any
	}
	var reads []read
	for _, o := range ops {
		c := opCall(o)
		switch {
		case c.op == opAdd:
			e := get(c.arg)
			e.lo = min(e.lo, o.Call)
			if o.Return != never {
				e.hi = min(e.hi, o.Return)
			}
		case c.op == opRead && c.status == statusOK:
			xs, _ := c.result.([]any)
			seen := map[any]bool{}
			var keys []any
			for _, x := range xs {
				if k := history.ValueKey(x); !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
			reads = append(reads, read{o.Call, o.Return, keys})
		}
	}
	for _, r := range reads {
		for _, k := range r.keys {
			if e := elems[k]; e == nil || !e.initial && e.lo == never {
				return false, true // an element nobody added
			}
		}
	}
	sort.SliceStable(reads, func(i, j int) bool { return len(reads[i].keys) < len(reads[j].keys) })
	// Group the reads by size; a group's reads must hold the same set,
	// and each group must hold the one before it.
	var groups [][]read
	var fresh [][]*elem // the elements new in each group
	count := nInit
	for i := 0; i < len(reads); {
		j := i
		for j < len(reads) && len(reads[j].keys) == len(reads[i].keys) {
			j++
		}
		g := len(groups) + 1
		var added []*elem
		for _, k := range reads[i].keys {
			if e := elems[k]; !e.initial && e.group == 0 {
				e.group = g
				added = append(added, e)
			}
		}
		count += len(added)
		if len(reads[i].keys) != count {
			return false, true // it lacks an element an earlier group held
		}
		for _, r := range reads[i+1 : j] {
			for _, k := range r.keys {
				if e := elems[k]; !e.initial && e.group == 0 {
					return false, true // two reads of one size, different sets
				}
			}
		}
		groups = append(groups, reads[i:j])
		fresh = append(fresh, added)
		i = j
	}
	var unread []*elem
	for _, e := range elems {
		if !e.initial && e.group == 0 && e.lo != never {
			unread = append(unread, e)
		}
	}
	// Layers: the elements new in group 1, group 1's reads, the elements
	// new in group 2, ..., the elements no read holds.
	floor := int64(-1)
	fits := func(lo, hi int64, top *int64) bool {
		at := max(lo, floor)
		*top = max(*top, at)
		return at < hi
	}
	for g, rs := range groups {
		top := floor
		for _, e := range fresh[g] {
			if !fits(e.lo, e.hi, &top) {
				return false, true
			}
		}
		floor = top
		for _, r := range rs {
			if !fits(r.inv, r.ret, &top) {
				return false, true
			}
		}
		floor = top
	}
	top := floor
	for _, e := range unread {
		if !fits(e.lo, e.hi, &top) {
			return false, true
		}
	}
	return true, true
}

// set names set anomalies on the witness (usually projected onto one
// element): an element nobody added, or added only by a failed add or
// after the read; an acknowledged add missing from a read that began
// after it — lost, unless a later read of the history holds it (then the
// read was stale).
func (a *analysis) set() (string, string) {
	f := history.Format
	for _, r := range a.wit {
		if r.op != opRead || r.status != statusOK {
			continue
		}
		xs, _ := r.result.([]any)
		for _, x := range xs {
			if name, why := a.elementSource(x, r, opAdd); name != "" {
				return name, why
			}
		}
	}
	for _, r := range a.wit {
		if r.op != opRead || r.status != statusOK || r.result == nil {
			continue
		}
		have := newSetState(r.result.([]any))
		for _, w := range a.wit {
			if w.op != opAdd || have.has(w.arg) {
				continue
			}
			var what string
			switch r1 := a.seenBefore(w.arg, r); {
			case before(w, r):
				what = fmt.Sprintf("%s's add of %s was acknowledged before %s's read began", who(w), f(w.arg), who(r))
			case r1 != nil:
				what = fmt.Sprintf("%s's read [%s] had returned %s before %s's read began", who(r1), records(r1), f(w.arg), who(r))
			default:
				continue
			}
			what += fmt.Sprintf(", yet the read did not return %s", f(w.arg))
			if later := a.readLater(w.arg, r); later != nil {
				return AnomalyStaleRead, fmt.Sprintf("%s. In the history, a later read by %s [%s] did: this read was served from stale state.", what, who(later), records(later))
			}
			return AnomalyLostWrite, fmt.Sprintf("%s. In the history, no later read returned %s: the acknowledged add was lost.", what, f(w.arg))
		}
	}
	return "", ""
}

// seenBefore finds a read of the witness that completed before r began
// and returned x.
func (a *analysis) seenBefore(x any, r *call) *call {
	for _, c := range a.wit {
		if c.op == opRead && before(c, r) {
			if xs, ok := c.result.([]any); ok && newSetState(xs).has(x) {
				return c
			}
		}
	}
	return nil
}

// readLater finds a read (or drain) of the whole history that began after
// r ended and returned x.
func (a *analysis) readLater(x any, r *call) *call {
	for _, c := range a.part {
		if c.invPos > r.compPos && c.status == statusOK && (c.op == opRead || c.op == opDrain) {
			if xs, ok := c.result.([]any); ok && newSetState(xs).has(x) {
				return c
			}
		}
	}
	return nil
}
