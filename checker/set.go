package checker

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
)

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
		name:      "set",
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
