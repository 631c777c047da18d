package checker

import (
	"context"
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// assertMinimalWitness checks a failure's witness: it is not linearizable,
// and removing any one of its operations — with the operations that would
// then only have observed a value nobody wrote before they ended — makes it
// linearizable. orig is the history the result came from.
func assertMinimalWitness(t testing.TB, orig history.History, res Result, opts Options) {
	t.Helper()
	if res.Verdict != NotLinearizable {
		return
	}
	if !res.WitnessMinimal {
		t.Errorf("witness search ran out of time")
		return
	}
	if len(res.Witness) == 0 {
		t.Fatalf("no witness")
	}
	again, err := Check(context.Background(), res.Witness, opts)
	if err != nil {
		t.Fatalf("checking the witness: %v", err)
	}
	if again.Verdict != NotLinearizable {
		t.Fatalf("the witness is %s:\n%v", again.Verdict, res.Witness)
	}
	m, _ := lookupModel(opts.Model)
	init, _ := history.Normalize(opts.Init)
	wp, err := prepare(res.Witness, m, init)
	if err != nil {
		t.Fatal(err)
	}
	supported, failedOnly := supportFrom(t, orig, res, m, init)
	universe := universeOf(t, orig, res, m, init)
	appends := appendsOf(universe)
	for _, drop := range wp.calls {
		gone := closure(m, init, wp.calls, drop, supported, failedOnly, appends, universe)
		var rest []*call
		for _, c := range wp.calls {
			if !gone[c] {
				rest = append(rest, c)
			}
		}
		sub := witnessRecords(rest)
		r, err := Check(context.Background(), sub, Options{Model: opts.Model, Init: opts.Init, VerdictOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != Linearizable {
			t.Fatalf("the witness without %s (%d calls removed) is still %s\nwitness:\n%v\nrest:\n%v", describeCall(drop), len(gone), r.Verdict, res.Witness, sub)
		}
	}
}

// supportFrom lists the values the operations of the failing prefix write;
// failedOnly those that only failed operations write.
func universeOf(t testing.TB, orig history.History, res Result, m *model, init any) []*call {
	p, err := prepare(orig, m, init)
	if err != nil {
		t.Fatal(err)
	}
	for i, part := range p.partitions {
		if p.keys[i] == res.Key {
			return asOf(part, res.Prefix+1)
		}
	}
	return nil
}

func supportFrom(t testing.TB, orig history.History, res Result, m *model, init any) (map[string]bool, map[string]bool) {
	supported, failedOnly := map[string]bool{}, map[string]bool{}
	if m.writes == nil {
		return supported, failedOnly
	}
	p, err := prepare(orig, m, init)
	if err != nil {
		t.Fatal(err)
	}
	for i, part := range p.partitions {
		if p.keys[i] != res.Key {
			continue
		}
		for _, c := range asOf(part, res.Prefix+1) {
			for _, tok := range m.writes(c) {
				if c.status == statusFailed {
					if !supported[tok] {
						failedOnly[tok] = true
					}
				} else {
					supported[tok] = true
					delete(failedOnly, tok)
				}
			}
		}
	}
	for tok := range failedOnly {
		supported[tok] = true
	}
	return supported, failedOnly
}

// closure is drop plus, repeatedly, every call that observes a supported
// value which no remaining call other than itself, invoked before the
// observer ended, writes (for registers, no such call that is not shadowed
// by a later completed write of the value); and every failed compare left
// without a write of another value.
func closure(m *model, init any, calls []*call, drop *call, supported, failedOnly map[string]bool, appends stringPieces, universe []*call) map[*call]bool {
	gone := map[*call]bool{drop: true}
	if m.name == "counter" {
		return counterClosure(init, calls, gone, universe)
	}
	if m.observes == nil {
		return gone
	}
	writesOf := func(c *call) []string {
		var out []string
		for _, tok := range m.writes(c) {
			if c.status != statusFailed || failedOnly[tok] {
				out = append(out, tok)
			}
		}
		return out
	}
	// For registers, a write of the token that completed before another
	// completed write of it began, which itself completed before the
	// observer began, is not the observer's source (positions as in the
	// failing prefix).
	inUniverse := func(c *call) *call {
		for _, u := range universe {
			if u.inv.Index == c.inv.Index && u.proc == c.proc {
				return u
			}
		}
		return nil
	}
	// A failed compare needs a write of some other value, if the prefix had
	// one begun before the compare ended and not replaced by another
	// completed write before the compare began (positions as in the
	// prefix).
	doneWrite := func(u *call) bool {
		return u.status == statusOK && u.comp != nil && (u.op == opWrite || u.op == opCAS)
	}
	otherWrite := func(uo *call, among []*call, skip map[*call]bool) bool {
		bound := -1
		for _, u := range universe {
			if doneWrite(u) && u.compPos < uo.invPos {
				bound = max(bound, u.invPos)
			}
		}
		for _, w := range among {
			uw := inUniverse(w)
			if uw == nil || uw.inv.Index == uo.inv.Index && uw.proc == uo.proc || skip[w] || uo.comp != nil && uw.invPos > uo.compPos {
				continue
			}
			if doneWrite(uw) && uw.compPos < bound {
				continue
			}
			if w.op == opWrite && !valueEqual(w.arg, uo.arg) || w.op == opCAS && w.status != statusMismatch && !valueEqual(w.arg2, uo.arg) {
				return true
			}
		}
		return false
	}
	mismatchPass := func() (changed bool) {
		for _, o := range calls {
			if gone[o] || o.op != opCAS || o.status != statusMismatch {
				continue
			}
			if orig := inUniverse(o); orig != nil && otherWrite(orig, universe, nil) && !otherWrite(orig, calls, gone) {
				gone[o] = true
				changed = true
			}
		}
		return changed
	}
	surelyWrote := func(u *call, tok string) bool {
		if u.status != statusOK || u.comp == nil || u.op != opWrite && u.op != opCAS && u.op != opTxn {
			return false
		}
		return slices.Contains(m.writes(u), tok)
	}
	shadowed := func(w, o *call, tok string) bool {
		uw, uo := inUniverse(w), inUniverse(o)
		if !m.latest || uw == nil || uo == nil || !surelyWrote(uw, tok) {
			return false
		}
		for _, u := range universe {
			if surelyWrote(u, tok) && uw.compPos < u.invPos && u.compPos < uo.invPos {
				return true
			}
		}
		return false
	}
	// A token only the observer itself writes (a compare-and-set from 2 to
	// 2 that nothing else explains) constrains nothing, like a read of a
	// value never written.
	selfOnly := func(o *call, tok string) bool {
		others := 0
		for _, u := range universe {
			if !(u.inv.Index == o.inv.Index && u.proc == o.proc) && slices.Contains(writesOf(u), tok) {
				others++
			}
		}
		return others == 0
	}
	observerPass := func() (changed bool) {
		for _, o := range calls {
			if gone[o] {
				continue
			}
			end := o.compPos
			if end < 0 || o.status == statusUnknown {
				end = int(never)
			}
			for _, tok := range observedBy(m, o, init, appends) {
				if !supported[tok] || selfOnly(o, tok) {
					continue
				}
				found := false
				for _, w := range calls {
					if w == o || gone[w] || w.invPos > end || shadowed(w, o, tok) {
						continue
					}
					for _, wt := range writesOf(w) {
						if wt == tok {
							found = true
						}
					}
				}
				if !found {
					gone[o] = true
					changed = true
					break
				}
			}
		}
		return changed
	}
	// Both rules, until neither removes anything more.
	for {
		a, b := mismatchPass(), observerPass()
		if !a && !b {
			return gone
		}
	}
}

// counterClosure removes, repeatedly, the reads whose totals the remaining
// adds invoked before they ended can no longer reach, though the universe's
// adds could.
func counterClosure(init any, calls []*call, gone map[*call]bool, universe []*call) map[*call]bool {
	start := int64(0)
	if init != nil {
		start = init.(int64)
	}
	reach := func(r *call, adds []*call) bool {
		t, ok := r.result.(int64)
		if r.op != opRead || r.status != statusOK || !ok {
			return true
		}
		sums := map[int64]bool{start: true}
		for _, a := range adds {
			if a.op == opAdd && (r.compPos < 0 || a.invPos < r.compPos) {
				next := map[int64]bool{}
				for s := range sums {
					next[s] = true
					next[s+a.arg.(int64)] = true
				}
				sums = next
			}
		}
		return sums[t]
	}
	for changed := true; changed; {
		changed = false
		var rest []*call
		for _, c := range calls {
			if !gone[c] {
				rest = append(rest, c)
			}
		}
		for _, c := range rest {
			var orig *call
			for _, u := range universe {
				if u.inv.Index == c.inv.Index && u.proc == c.proc {
					orig = u
				}
			}
			if orig != nil && reach(orig, universe) && !reach(c, rest) {
				gone[c] = true
				changed = true
			}
		}
	}
	return gone
}
