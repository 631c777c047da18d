package txn

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// The checker against a brute-force search for a serial order, on
// thousands of small random histories: the committed transactions (and any
// subset of the info ones) in every order, each read checked against the
// state it would see. A failed transaction never runs; an info one's reads
// are unknown.
//
// Where the history determines every key's version order — list-append
// with at most one append per key per transaction, rw-register with at most
// one write per key — Elle's inference sees the whole dependency graph, so
// the two must agree exactly. Elsewhere the checker may miss what only
// trying orders finds (a rw-register history cannot prove the order of two
// blind writes), but whatever it reports must be real: a history it calls
// not serializable has no serial order.

type genTxn struct {
	typ  history.Type
	mops []history.MicroOp
}

// genHistory makes a random history of n transactions over keys keys: a
// serial execution of the transactions that did not fail, in a random
// order, whose reads are then sometimes replaced by what another moment of
// the execution would have returned, or by something made up.
func genHistory(r *rand.Rand, lists bool, n, keys int, oneWritePerKey bool) []genTxn {
	txns := make([]genTxn, n)
	next := int64(1)
	writtenKey := map[int]bool{}
	for i := range txns {
		t := &txns[i]
		t.typ = history.OK
		switch r.IntN(8) {
		case 0:
			t.typ = history.Info
		case 1:
			t.typ = history.Fail
		}
		wrote := map[int]bool{}
		for range 1 + r.IntN(3) {
			k := r.IntN(keys)
			write := r.IntN(2) == 0 && !wrote[k] && !(oneWritePerKey && writtenKey[k])
			if !write {
				t.mops = append(t.mops, history.MicroOp{F: history.MopRead, Key: int64(k)})
				continue
			}
			wrote[k], writtenKey[k] = true, true
			f := history.MopWrite
			if lists {
				f = history.MopAppend
			}
			t.mops = append(t.mops, history.MicroOp{F: f, Key: int64(k), Value: next})
			next++
		}
	}
	// Run the transactions that may have happened in a random order,
	// remembering every state each key went through.
	order := r.Perm(n)
	state := map[int64]any{}
	past := map[int64][]any{}
	for _, i := range order {
		t := &txns[i]
		if t.typ == history.Fail || t.typ == history.Info && r.IntN(2) == 0 {
			continue
		}
		for j := range t.mops {
			m := &t.mops[j]
			k := m.Key.(int64)
			switch m.F {
			case history.MopRead:
				m.Value = state[k]
			case history.MopAppend:
				l, _ := state[k].([]any)
				state[k] = append(slices.Clone(l), m.Value)
			default:
				state[k] = m.Value
			}
			past[k] = append(past[k], state[k])
		}
	}
	for i := range txns {
		t := &txns[i]
		for j := range t.mops {
			m := &t.mops[j]
			if m.F != history.MopRead {
				continue
			}
			if t.typ != history.OK {
				m.Value = nil
				continue
			}
			k := m.Key.(int64)
			switch x := r.IntN(10); {
			case x < 2 && len(past[k]) > 0: // another moment's state
				m.Value = past[k][r.IntN(len(past[k]))]
			case x < 3: // the state before anything
				m.Value = nil
			case x < 4: // made up, from values written anywhere
				m.Value = madeUp(r, txns, k, lists)
			}
		}
	}
	return txns
}

func madeUp(r *rand.Rand, txns []genTxn, k int64, lists bool) any {
	var vals []any
	for _, t := range txns {
		for _, m := range t.mops {
			if m.F != history.MopRead && m.Key == k {
				vals = append(vals, m.Value)
			}
		}
	}
	if !lists {
		if len(vals) == 0 || r.IntN(4) == 0 {
			return nil
		}
		return vals[r.IntN(len(vals))]
	}
	r.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
	out := vals[:r.IntN(len(vals)+1)]
	if r.IntN(8) == 0 {
		out = append(out, int64(99)) // appended by no one
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// serialOrder reports whether some serial order of the committed
// transactions and some of the info ones explains every committed read.
func serialOrder(txns []genTxn) bool {
	var must, maybe []int
	for i, t := range txns {
		switch t.typ {
		case history.OK:
			must = append(must, i)
		case history.Info:
			maybe = append(maybe, i)
		}
	}
	for mask := 0; mask < 1<<len(maybe); mask++ {
		set := slices.Clone(must)
		for j, i := range maybe {
			if mask&(1<<j) != 0 {
				set = append(set, i)
			}
		}
		if arrange(txns, set, map[int64]any{}) {
			return true
		}
	}
	return false
}

// arrange tries every order of the transactions left, depth first, from
// state, pruning an order as soon as a read disagrees.
func arrange(txns []genTxn, left []int, state map[int64]any) bool {
	if len(left) == 0 {
		return true
	}
	for n, i := range left {
		s, ok := run(txns[i], state)
		if !ok {
			continue
		}
		rest := append(slices.Clone(left[:n]), left[n+1:]...)
		if arrange(txns, rest, s) {
			return true
		}
	}
	return false
}

// run applies one transaction to a copy of state; ok is false when one of
// its (committed) reads sees something else.
func run(t genTxn, state map[int64]any) (map[int64]any, bool) {
	s := make(map[int64]any, len(state)+1)
	for k, v := range state {
		s[k] = v
	}
	for _, m := range t.mops {
		k := m.Key.(int64)
		switch m.F {
		case history.MopRead:
			if t.typ == history.OK && history.Format(emptyAsNil(m.Value)) != history.Format(emptyAsNil(s[k])) {
				return nil, false
			}
		case history.MopAppend:
			l, _ := s[k].([]any)
			s[k] = append(slices.Clone(l), m.Value)
		default:
			s[k] = m.Value
		}
	}
	return s, true
}

func emptyAsNil(v any) any {
	if l, ok := v.([]any); ok && len(l) == 0 {
		return nil
	}
	return v
}

// asHistory writes the transactions as completions, each its own process.
func asHistory(txns []genTxn) history.History {
	h := make(history.History, len(txns))
	for i, t := range txns {
		h[i] = history.Op{Index: int64(i), Process: history.Process(i), Type: t.typ, F: "txn", Value: history.TxnValue(t.mops)}
	}
	return h
}

func TestDifferentialSerializable(t *testing.T) {
	t.Parallel()
	runs := sweep(3000, 3000, 100000)
	for _, c := range []struct {
		name     string
		lists    bool
		oneWrite bool
		exact    bool
	}{
		{"list-append", true, false, true},
		{"rw-register, one write per key", false, true, true},
		{"rw-register", false, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(14, 1))
			var agreeBad, agreeGood, missed int
			for run := range runs {
				txns := genHistory(r, c.lists, 2+r.IntN(4), 1+r.IntN(3), c.oneWrite)
				h := asHistory(txns)
				wl := RWRegister
				if c.lists {
					wl = ListAppend
				}
				res := check(t, h, Options{Workload: wl, Consistency: Serializable, ElleOrders: true})
				serial := serialOrder(txns)
				bad := res.Verdict == Invalid
				switch {
				case bad && serial:
					t.Fatalf("run %d: the checker says %v, but this order is serial:\n%s\n%s", run, res.Forbidden, dump(h), res.Explanation)
				case !bad && !serial && c.exact:
					t.Fatalf("run %d: no serial order exists, but the checker found nothing (%v):\n%s", run, res.Types, dump(h))
				case !bad && !serial:
					missed++
				case bad:
					agreeBad++
				default:
					agreeGood++
				}
			}
			t.Logf("%d not serializable, %d serializable, %d not serializable but beyond inference", agreeBad, agreeGood, missed)
			if agreeBad < runs/10 || agreeGood < runs/10 {
				t.Fatalf("too one-sided a sample: %d bad, %d good", agreeBad, agreeGood)
			}
		})
	}
}

func dump(h history.History) string {
	s := ""
	for _, o := range h {
		s += fmt.Sprintf("  %s %v %s\n", o.Type, o.Process, history.Format(o.Value))
	}
	return s
}
