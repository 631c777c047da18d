package txn

import (
	"fmt"
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// verify holds every cycle a check reports to the history itself, without
// the checker's indexes: the steps chain from transaction to transaction
// and close; the transactions are distinct; the cycle's class is what its
// steps make it; and each step's claim is true of the records.
func verify(t *testing.T, h history.History, res Result) {
	t.Helper()
	for _, a := range res.Anomalies {
		if len(a.Steps) == 0 {
			continue
		}
		if err := verifyCycle(res, a); err != nil {
			t.Fatalf("%s cycle %v: %v\n%s", a.Type, a.Txns, err, a.Explanation)
		}
	}
}

func verifyCycle(res Result, a Anomaly) error {
	n := len(a.Txns)
	if len(a.Steps) != n || n < 2 {
		return fmt.Errorf("%d steps for %d transactions", len(a.Steps), n)
	}
	seen := map[int]bool{}
	var labels []Rel
	for i, st := range a.Steps {
		if seen[a.Txns[i]] {
			return fmt.Errorf("transaction %d twice", a.Txns[i])
		}
		seen[a.Txns[i]] = true
		if st.From != a.Txns[i] || st.To != a.Txns[(i+1)%n] {
			return fmt.Errorf("step %d leads %d→%d, not %d→%d", i, st.From, st.To, a.Txns[i], a.Txns[(i+1)%n])
		}
		if err := justified(res, st); err != nil {
			return fmt.Errorf("step %d (%s %d→%d): %v", i, st.Rel, st.From, st.To, err)
		}
		labels = append(labels, st.Rel)
	}
	if c := classify(labels); c != a.Type {
		return fmt.Errorf("steps %v make a %s", labels, c)
	}
	return nil
}

// justified checks one step against the records.
func justified(res Result, st Step) error {
	from, to := res.Txns[st.From], res.Txns[st.To]
	if from.Type == history.Fail || to.Type == history.Fail {
		return fmt.Errorf("a failed transaction in a dependency")
	}
	mop := func(t history.Txn, i int) history.MicroOp {
		if i < 0 || i >= len(t.Mops) {
			return history.MicroOp{}
		}
		return t.Mops[i]
	}
	fm, tm := mop(from, st.FromMop), mop(to, st.ToMop)
	same := func(m history.MicroOp, f string, v any) bool {
		return m.F == f && canon(m.Key) == canon(st.Key) && history.Format(m.Value) == history.Format(v)
	}
	switch st.Rel {
	case Process:
		if from.Process != to.Process || from.Type != history.OK || to.Type != history.OK || from.CompleteAt > to.CompleteAt {
			return fmt.Errorf("not one process's order")
		}
	case Realtime:
		if from.Type != history.OK || to.InvokeAt < from.CompleteAt {
			return fmt.Errorf("%s did not begin after %s completed", "to", "from")
		}
	case WR:
		if to.Type != history.OK {
			return fmt.Errorf("the reader did not commit")
		}
		if res.Workload == ListAppend {
			elems, _ := tm.Value.([]any)
			if tm.F != history.MopRead || canon(tm.Key) != canon(st.Key) || len(elems) == 0 || elems[len(elems)-1] != st.Value || !same(fm, history.MopAppend, st.Value) {
				return fmt.Errorf("%v does not read %v's append %v", tm, fm, st.Value)
			}
			return nil
		}
		if !same(tm, history.MopRead, st.Value) || !same(fm, history.MopWrite, st.Value) || !external(to, st.ToMop) || !lastWrite(from, st.FromMop) {
			return fmt.Errorf("%v does not externally read %v's final write", tm, fm)
		}
	case WW:
		if !same(fm, history.MopAppend, st.Value) || !same(tm, history.MopAppend, st.Value2) {
			return fmt.Errorf("%v, %v are not the appends of %v and %v", fm, tm, st.Value, st.Value2)
		}
		if !follows(res, st.Key, st.Value, false, st.Value2) {
			return fmt.Errorf("no read puts %v right before %v", st.Value, st.Value2)
		}
	case RW:
		if from.Type != history.OK {
			return fmt.Errorf("the reader did not commit")
		}
		if res.Workload == RWRegister {
			if !st.Initial || !same(fm, history.MopRead, nil) || !external(from, st.FromMop) || !same(tm, history.MopWrite, st.Value2) || !lastWrite(to, st.ToMop) {
				return fmt.Errorf("%v is not an external read of nil before %v", fm, tm)
			}
			return nil
		}
		elems, _ := fm.Value.([]any)
		switch {
		case fm.F != history.MopRead || canon(fm.Key) != canon(st.Key):
			return fmt.Errorf("%v is not a read of %v", fm, st.Key)
		case st.Initial && len(elems) != 0, !st.Initial && (len(elems) == 0 || elems[len(elems)-1] != st.Value):
			return fmt.Errorf("%v did not read the state %v", fm, st.Value)
		case !same(tm, history.MopAppend, st.Value2):
			return fmt.Errorf("%v is not the append of %v", tm, st.Value2)
		case !follows(res, st.Key, st.Value, st.Initial, st.Value2):
			return fmt.Errorf("no read puts %v right after the state %v", st.Value2, st.Value)
		}
	default:
		return fmt.Errorf("unknown dependency %q", st.Rel)
	}
	return nil
}

// follows reports whether, by the rule that the longest committed read of
// key is its order of appends and an element it lacks came after all of
// it, element next was appended right after element prev (or first, with
// initial). Among reads of the longest length any may be the order.
func follows(res Result, key, prev any, initial bool, next any) bool {
	var longest [][]any
	for _, t := range res.Txns {
		if t.Type != history.OK {
			continue
		}
		for _, m := range t.Mops {
			elems, _ := m.Value.([]any)
			if m.F != history.MopRead || canon(m.Key) != canon(key) {
				continue
			}
			switch {
			case len(longest) == 0 || len(elems) > len(longest[0]):
				longest = [][]any{elems}
			case len(elems) == len(longest[0]):
				longest = append(longest, elems)
			}
		}
	}
	if len(longest) == 0 {
		return initial
	}
	for _, l := range longest {
		l = firstOccurrences(l)
		i := slices.Index(l, next)
		switch {
		case i == 0 && initial, i > 0 && !initial && l[i-1] == prev:
			return true
		case i < 0 && len(l) == 0 && initial, i < 0 && len(l) > 0 && !initial && l[len(l)-1] == prev:
			return true
		}
	}
	return false
}

// external reports whether mop i of t is its first read of the key, before
// any write of it.
func external(t history.Txn, i int) bool {
	for _, m := range t.Mops[:i] {
		if canon(m.Key) == canon(t.Mops[i].Key) {
			return false
		}
	}
	return true
}

// lastWrite reports whether mop i of t is its last write of the key.
func lastWrite(t history.Txn, i int) bool {
	for _, m := range t.Mops[i+1:] {
		if m.F == history.MopWrite && canon(m.Key) == canon(t.Mops[i].Key) {
			return false
		}
	}
	return true
}

func firstOccurrences(l []any) []any {
	var out []any
	for _, e := range l {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}
