package checker

import (
	"fmt"
	"hash/maphash"
	"slices"
	"sort"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// ModelMultiRegister is Knossos's multi-register.
const ModelMultiRegister Model = "multi-register"

// The multi-register (Knossos's): txn [[read k v] [write k v] ...] runs its
// micro-operations atomically, in order. The state maps register names to
// values; a register never written holds its initial value.

// microOp is one step of a transaction.
type microOp struct {
	write bool
	reg   string
	value any
}

type mregState struct {
	vals map[string]any // immutable once built
	def  func(reg string) any
	hash uint64
}

func (s *mregState) get(reg string) any {
	if v, ok := s.vals[reg]; ok {
		return v
	}
	return s.def(reg)
}

func (s *mregState) equal(t *mregState) bool {
	if s.hash != t.hash {
		return false
	}
	for k := range s.vals {
		if !valueEqual(s.get(k), t.get(k)) {
			return false
		}
	}
	for k := range t.vals {
		if !valueEqual(s.get(k), t.get(k)) {
			return false
		}
	}
	return true
}

func newMregState(vals map[string]any, def func(string) any) *mregState {
	s := &mregState{vals: vals, def: def}
	for k, v := range vals {
		if !valueEqual(v, def(k)) { // equal states hash equally
			s.hash ^= mix(maphash.String(hashSeed, k) + valueHash(v))
		}
	}
	return s
}

func init() {
	register(&model{
		name:      ModelMultiRegister,
		doc:       "registers read and written in transactions: txn [[read k nil] [write k v] ...] → the same with the reads filled in",
		ops:       map[string]opcode{"txn": opTxn},
		parse:     parseTxn,
		initState: mregInit,
		step:      mregStep,
		equal:     func(a, b any) bool { return a.(*mregState).equal(b.(*mregState)) },
		hash:      func(s any) uint64 { return s.(*mregState).hash },
		describeState: func(s any) string {
			m := s.(*mregState)
			keys := make([]string, 0, len(m.vals))
			for k := range m.vals {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var parts []string
			for _, k := range keys {
				parts = append(parts, k+"="+history.Format(m.vals[k]))
			}
			return "{" + strings.Join(parts, ", ") + "}"
		},
		// Others see a transaction's last write of each register only, and
		// a read that follows the transaction's own write of a register
		// sees that write, not another transaction's.
		writes: func(c *call) []string {
			last := map[string]string{}
			var regs []string
			for _, m := range c.arg.([]microOp) {
				if m.write {
					if _, seen := last[m.reg]; !seen {
						regs = append(regs, m.reg)
					}
					last[m.reg] = m.reg + "=" + token(m.value)
				}
			}
			out := make([]string, len(regs))
			for i, r := range regs {
				out[i] = last[r]
			}
			return out
		},
		observes: func(c *call, init any) []string {
			if c.status != statusOK {
				return nil
			}
			def := mregDefault(init)
			var out []string
			own := map[string]bool{}
			for _, m := range c.result.([]microOp) {
				switch {
				case m.write:
					own[m.reg] = true
				case own[m.reg] || m.value == nil || valueEqual(m.value, def(m.reg)):
				default:
					if t := m.reg + "=" + token(m.value); !slices.Contains(out, t) {
						out = append(out, t)
					}
				}
			}
			return out
		},
		latest: true,
		elements: func(c *call) []string {
			var out []string
			for _, m := range c.arg.([]microOp) {
				if !slices.Contains(out, m.reg) {
					out = append(out, m.reg)
				}
			}
			return out
		},
		project: projectTxn,
		explain: (*analysis).multiRegister,
		promise: "each transaction must see the registers as the transactions before it left them",
		element: "register",
	})
}

func mregDefault(init any) func(string) any {
	if m, ok := init.(map[string]any); ok {
		return func(reg string) any { return m[reg] }
	}
	return func(string) any { return init }
}

func mregInit(init any) (any, error) {
	return newMregState(map[string]any{}, mregDefault(init)), nil
}

// parseTxn reads the micro-operations. A read of nil from a register whose
// initial value is not nil constrains nothing (Knossos's rule).
func parseTxn(c *call, _ any) error {
	ops, err := parseMicroOps(c.inv.Value)
	if err != nil {
		return fmt.Errorf("field \"value\": %w", err)
	}
	c.arg = ops
	if c.status == statusOK {
		res, err := parseMicroOps(c.comp.Value)
		if err != nil {
			return fmt.Errorf("field \"value\" of the completion: %w", err)
		}
		if len(res) != len(ops) {
			return fmt.Errorf("the completion has %d micro-operations, the invocation %d", len(res), len(ops))
		}
		for i := range res {
			if res[i].write != ops[i].write || res[i].reg != ops[i].reg {
				return fmt.Errorf("micro-operation %d differs between invocation and completion", i)
			}
		}
		c.result = res
	}
	return nil
}

func parseMicroOps(v any) ([]microOp, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want [[read k v] [write k v] ...]; got %s", history.Format(v))
	}
	out := make([]microOp, 0, len(list))
	for _, e := range list {
		m, ok := e.([]any)
		if !ok || len(m) != 3 {
			return nil, fmt.Errorf("want a micro-operation [f k v]; got %s", history.Format(e))
		}
		f, _ := m[0].(string)
		if f != "read" && f != "write" && f != "r" && f != "w" {
			return nil, fmt.Errorf("want read or write; got %s", history.Format(m[0]))
		}
		var reg string
		switch k := m[1].(type) {
		case string:
			reg = k
		case int64:
			reg = history.Format(k)
		default:
			return nil, fmt.Errorf("want a register name; got %s", history.Format(m[1]))
		}
		out = append(out, microOp{write: f == "write" || f == "w", reg: reg, value: m[2]})
	}
	return out, nil
}

func mregStep(st any, c *call) (bool, any) {
	s := st.(*mregState)
	ops := c.arg.([]microOp)
	if c.status == statusOK {
		ops = c.result.([]microOp)
	}
	var vals map[string]any
	for _, m := range ops {
		if !m.write {
			if c.status != statusOK || m.value == nil && s.def(m.reg) != nil {
				continue
			}
			cur := s.get(m.reg)
			if vals != nil {
				if v, ok := vals[m.reg]; ok {
					cur = v
				}
			}
			if !valueEqual(cur, m.value) {
				return false, st
			}
			continue
		}
		if vals == nil {
			vals = make(map[string]any, len(s.vals)+1)
			for k, v := range s.vals {
				vals[k] = v
			}
		}
		vals[m.reg] = m.value
	}
	if vals == nil {
		return true, st
	}
	return true, newMregState(vals, s.def)
}

func projectTxn(c *call, keep map[string]bool) *call {
	filter := func(ops []microOp) []microOp {
		var out []microOp
		for _, m := range ops {
			if keep[m.reg] {
				out = append(out, m)
			}
		}
		return out
	}
	args := filter(c.arg.([]microOp))
	if len(args) == 0 {
		return nil
	}
	u := *c
	u.arg = args
	inv := c.inv
	inv.Value = microValue(args)
	u.inv = inv
	if c.status == statusOK {
		res := filter(c.result.([]microOp))
		u.result = res
		comp := *c.comp
		comp.Value = microValue(res)
		u.comp = &comp
	}
	return &u
}

func microValue(ops []microOp) []any {
	out := make([]any, len(ops))
	for i, m := range ops {
		f := "read"
		if m.write {
			f = "write"
		}
		out[i] = []any{f, m.reg, m.value}
	}
	return out
}

// txnText renders a transaction: "read x → 0, write y 2".
func txnText(result, arg any) string {
	ops, ok := result.([]microOp)
	if !ok {
		ops, _ = arg.([]microOp)
	}
	var parts []string
	for _, m := range ops {
		if m.write {
			parts = append(parts, "write "+m.reg+" "+history.Format(m.value))
		} else if result != nil {
			parts = append(parts, "read "+m.reg+" → "+history.Format(m.value))
		} else {
			parts = append(parts, "read "+m.reg)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// multiRegister names multi-register anomalies, as registers do.
func (a *analysis) multiRegister() (string, string) {
	f := history.Format
	def := mregDefault(a.p.init)
	for _, r := range a.wit {
		if r.status != statusOK {
			continue
		}
		for _, m := range r.result.([]microOp) {
			if m.write || m.value == nil || valueEqual(m.value, def(m.reg)) {
				continue
			}
			written := false
			for _, c := range a.part {
				for _, w := range c.arg.([]microOp) {
					if w.write && w.reg == m.reg && valueEqual(w.value, m.value) {
						written = true
					}
				}
			}
			if !written {
				return AnomalyNeverWritten, fmt.Sprintf("%s read %s = %s, but no transaction in the history ever wrote %s to %s.", who(r), m.reg, f(m.value), f(m.value), m.reg)
			}
		}
	}
	for _, r := range a.wit {
		if r.status != statusOK {
			continue
		}
		for _, m := range r.result.([]microOp) {
			if m.write || m.value == nil && def(m.reg) != nil {
				continue
			}
			if w, u := a.overwrote(m.reg, m.value, r); w != nil {
				return AnomalyStaleRead, fmt.Sprintf("%s's transaction, which wrote %s = %s, finished before %s's began — yet it read %s = %s, a value already overwritten.", who(w), m.reg, f(u), who(r), m.reg, f(m.value))
			}
		}
	}
	return "", ""
}

// overwrote finds a transaction of the witness that completed before r
// began, writing reg a value other than v, after every write of v to reg
// in the witness had completed.
func (a *analysis) overwrote(reg string, v any, r *call) (*call, any) {
	writesOf := func(c *call) (any, bool) {
		var last any
		found := false
		for _, m := range c.arg.([]microOp) {
			if m.write && m.reg == reg {
				last, found = m.value, true
			}
		}
		return last, found
	}
	for _, w := range a.wit {
		u, ok := writesOf(w)
		if !ok || w.status != statusOK || valueEqual(u, v) || !before(w, r) {
			continue
		}
		replaced := true
		for _, x := range a.wit {
			if xv, ok := writesOf(x); ok && valueEqual(xv, v) && !before(x, w) {
				replaced = false
			}
		}
		if replaced {
			return w, u
		}
	}
	return nil, nil
}
