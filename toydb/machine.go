package toydb

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// Machine is the replicated data a log drives: a register, a key-value
// store, a set, a queue. Apply runs one operation — a read changes
// nothing — and returns its completion value, or an error code for a
// definite failure that applied as a no-op (a compare that missed, a
// dequeue from an empty queue).
type Machine interface {
	Apply(op sim.Request) (result any, code string)
	// State is a copy of the data, plain enough for the disk and a
	// message; Restore replaces the data with a copy of one.
	State() any
	Restore(state any)
	Describe() string
}

// kvMachine is a key-value store of compare-and-set registers; a register
// is its one key "". nil is "nothing written yet".
type kvMachine struct{ kv map[string]any }

// NewKV is an empty key-value store (and, used with the key "", a register).
func NewKV() Machine { return &kvMachine{kv: map[string]any{}} }

func (m *kvMachine) Apply(op sim.Request) (any, string) {
	switch op.F {
	case "read":
		return m.kv[op.Key], ""
	case "write":
		m.kv[op.Key] = op.Value
		return op.Value, ""
	case "cas":
		pair, ok := op.Value.([]any)
		if !ok || len(pair) != 2 {
			return nil, history.ErrorBadRequest
		}
		if !history.Equal(m.kv[op.Key], pair[0]) {
			return nil, history.ErrorMismatch
		}
		m.kv[op.Key] = pair[1]
		return op.Value, ""
	}
	return nil, history.ErrorUnsupported
}

func (m *kvMachine) State() any { return maps.Clone(m.kv) }

func (m *kvMachine) Restore(s any) {
	m.kv, _ = s.(map[string]any)
	m.kv = maps.Clone(m.kv)
	if m.kv == nil {
		m.kv = map[string]any{}
	}
}

func (m *kvMachine) Describe() string {
	if len(m.kv) == 0 {
		return history.Format(nil)
	}
	if v, ok := m.kv[""]; ok && len(m.kv) == 1 {
		return history.Format(v)
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m.kv)) {
		parts = append(parts, k+"="+history.Format(m.kv[k]))
	}
	return strings.Join(parts, " ")
}

// counterMachine is a counter: add d, read the total.
type counterMachine struct{ total int64 }

// NewCounter is a counter at zero.
func NewCounter() Machine { return &counterMachine{} }

func (m *counterMachine) Apply(op sim.Request) (any, string) {
	switch op.F {
	case "add":
		d, ok := history.Int(op.Value)
		if !ok {
			return nil, history.ErrorBadRequest
		}
		m.total += d
		return op.Value, ""
	case "read":
		return m.total, ""
	}
	return nil, history.ErrorUnsupported
}

func (m *counterMachine) State() any       { return m.total }
func (m *counterMachine) Restore(s any)    { m.total, _ = s.(int64) }
func (m *counterMachine) Describe() string { return fmt.Sprint(m.total) }

// setMachine is a grow-only set, kept in the order elements were added;
// a read returns it sorted.
type setMachine struct{ elems []any }

// NewSet is an empty set.
func NewSet() Machine { return &setMachine{} }

func (m *setMachine) Apply(op sim.Request) (any, string) {
	switch op.F {
	case "add":
		if !slices.ContainsFunc(m.elems, func(x any) bool { return history.Equal(x, op.Value) }) {
			m.elems = append(m.elems, op.Value)
		}
		return op.Value, ""
	case "read":
		return sortedElems(m.elems), ""
	}
	return nil, history.ErrorUnsupported
}

func (m *setMachine) State() any       { return slices.Clone(m.elems) }
func (m *setMachine) Restore(s any)    { xs, _ := s.([]any); m.elems = slices.Clone(xs) }
func (m *setMachine) Describe() string { return describeElems(m.elems) }

// queueMachine is a FIFO queue.
type queueMachine struct{ items []any }

// NewQueue is an empty queue.
func NewQueue() Machine { return &queueMachine{} }

func (m *queueMachine) Apply(op sim.Request) (any, string) {
	switch op.F {
	case "enqueue":
		m.items = append(m.items, op.Value)
		return op.Value, ""
	case "dequeue":
		if len(m.items) == 0 {
			return nil, history.ErrorEmpty
		}
		x := m.items[0]
		m.items = m.items[1:]
		return x, ""
	case "drain":
		out := append([]any{}, m.items...)
		m.items = nil
		return out, ""
	}
	return nil, history.ErrorUnsupported
}

func (m *queueMachine) State() any       { return slices.Clone(m.items) }
func (m *queueMachine) Restore(s any)    { xs, _ := s.([]any); m.items = slices.Clone(xs) }
func (m *queueMachine) Describe() string { return fmt.Sprintf("%d queued", len(m.items)) }

// sortedElems orders a set's elements for a read.
func sortedElems(xs []any) []any {
	out := append([]any{}, xs...)
	slices.SortFunc(out, history.Compare)
	return out
}

// describeElems is a set for the cluster view: its size and newest element.
func describeElems(xs []any) string {
	if len(xs) <= 4 {
		return history.Format(sortedElems(xs))
	}
	return fmt.Sprintf("%d elements, newest %s", len(xs), history.Format(xs[len(xs)-1]))
}
