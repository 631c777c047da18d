package checker

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/internal/testkit"
)

func TestMain(m *testing.M) {
	testkit.LessGC()
	os.Exit(m.Run())
}

// sweep is how many cases a randomized or large test tries: short under
// -short (the race run, which needs the search's goroutines, not the
// count), normal in the normal suite, long with FAULTLINE_LONG=1
// (testkit.Sweep).
var sweep = testkit.Sweep[int]

// inSample reports whether the i-th history of a corpus is checked: every
// one normally, and under -short (the race run, which wants each kind of
// search, not every history) every fourth, and any that keep asks for.
func inSample(i int, keep bool) bool { return !testing.Short() || keep || i%4 == 0 }

// Record constructors for hand-written histories.
func inv(p int, f string, v any) history.Op {
	return history.Op{Process: history.Process(p), Type: history.Invoke, F: f, Value: norm(v)}
}
func ok(p int, f string, v any) history.Op {
	return history.Op{Process: history.Process(p), Type: history.OK, F: f, Value: norm(v)}
}
func fail(p int, f string, v any) history.Op {
	return history.Op{Process: history.Process(p), Type: history.Fail, F: f, Value: norm(v)}
}
func info(p int, f string, v any) history.Op {
	return history.Op{Process: history.Process(p), Type: history.Info, F: f, Value: norm(v)}
}
func keyed(k string, o history.Op) history.Op { o.Key = k; return o }

func norm(v any) any {
	n, err := history.Normalize(v)
	if err != nil {
		panic(err)
	}
	return n
}

// hist numbers the records and gives them times.
func hist(recs ...history.Op) history.History {
	h := history.History(recs)
	for i := range h {
		h[i].Index = int64(i)
		h[i].Time = int64(i+1) * 1000
	}
	return h
}

func mustCheck(t testing.TB, h history.History, opts Options) Result {
	t.Helper()
	res, err := Check(context.Background(), h, opts)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return res
}

// Histories only an exhaustive search decides.

// hardHistory is n concurrent counter adds of distinct powers of two that
// never return, and then a read of a total no subset of them reaches: to
// prove it, the search must try every subset of the adds (2^n states).
// (Adds of one amount are decided without a search, and register writes
// that no read sees are pruned: see counter.go and prune.go.)
func hardHistory(n int) history.History {
	var recs []history.Op
	for i := 0; i < n; i++ {
		recs = append(recs, inv(i, "add", int64(1)<<i))
	}
	recs = append(recs, inv(n, "read", nil), ok(n, "read", -1))
	return hist(recs...)
}

// Random histories: a model's sequential spec, run by concurrent processes
// that sometimes lie, fail or never return (the differential test, the
// pruning, segment and counter sweep tests).

// spec is a model's sequential specification, written for this test.
type spec struct {
	name  string // the subtest's name; the model's when empty
	model Model
	init  any
	// infoOdds makes one applied operation in infoOdds complete with info
	// (one in 10 when zero); a low figure gives the pruning of unknown
	// operations (prune.go) work.
	infoOdds int
	// invoke picks an operation for a process to invoke.
	invoke func(r *rand.Rand) (f string, v any)
	// run executes an operation on a state: its result and the next
	// state; ok is false when the operation fails (dequeue of an empty
	// queue, release of a lock not held, cas that misses).
	run func(st any, proc int, f string, v any) (ok bool, result any, next any)
	// noise is a random wrong result for an operation.
	noise func(r *rand.Rand, f string, v any) any
	// same, when set, compares a result the brute force computed with the
	// one the history holds, instead of the checker's value equality: a
	// comparison the test owns checks the production one.
	same func(want, got any) bool
}

func regSpec(model Model, init any, withCAS bool) spec {
	return regSpecN(model, init, withCAS, 3)
}

// regSpecN writes values 0 to n-1 (n ≥ 3): with many values, a write's
// value is often read by nobody, or written by no other operation.
func regSpecN(model Model, init any, withCAS bool, n int) spec {
	var vals []any
	for i := range n {
		vals = append(vals, int64(i))
	}
	return spec{
		model: model, init: init,
		invoke: func(r *rand.Rand) (string, any) {
			switch k := r.IntN(5); {
			case k < 2:
				return "read", nil
			case k < 4 || !withCAS:
				return "write", vals[r.IntN(n)]
			}
			return "cas", []any{vals[r.IntN(n)], vals[r.IntN(n)]}
		},
		run: func(st any, _ int, f string, v any) (bool, any, any) {
			switch f {
			case "read":
				return true, st, st
			case "write":
				return true, v, v
			}
			pair := v.([]any)
			if st != pair[0] {
				return false, v, st
			}
			return true, v, pair[1]
		},
		noise: func(r *rand.Rand, f string, v any) any {
			if f == "read" {
				return append(append([]any{nil}, vals...), int64(n))[r.IntN(n+2)] // n: never written
			}
			return v
		},
	}
}

// kvSpec is registers a and b, each op's value wrapped as [key value] so
// that the brute force sees one map state (no partitioning).
func kvSpec() spec { return kvSpecN(3) }

func kvSpecN(n int) spec { return kvOf(regSpecN("kv", nil, true, n)) }

// appendSpec is kv with appends: strings written and built by appending.
func appendSpec() spec {
	strs := []any{"a", "b", "ab"}
	return kvOf(spec{
		invoke: func(r *rand.Rand) (string, any) {
			switch k := r.IntN(5); {
			case k < 2:
				return "read", nil
			case k < 3:
				return "write", strs[r.IntN(3)]
			}
			return "append", strs[r.IntN(2)]
		},
		run: func(st any, _ int, f string, v any) (bool, any, any) {
			switch f {
			case "read":
				return true, st, st
			case "write":
				return true, v, v
			}
			s, _ := st.(string)
			return true, v, s + v.(string)
		},
		noise: func(r *rand.Rand, f string, v any) any {
			if f == "read" {
				return []any{nil, "a", "b", "ab", "ba", "aa", "bab"}[r.IntN(7)]
			}
			return v
		},
	})
}

// kvOf runs reg on keys a and b.
func kvOf(reg spec) spec {
	keys := []string{"a", "b"}
	return spec{
		model: "kv",
		invoke: func(r *rand.Rand) (string, any) {
			f, v := reg.invoke(r)
			return f, []any{keys[r.IntN(2)], v}
		},
		run: func(st any, p int, f string, v any) (bool, any, any) {
			m, _ := st.(map[string]any)
			kv := v.([]any)
			ok, res, next := reg.run(m[kv[0].(string)], p, f, kv[1])
			out := map[string]any{}
			for k, x := range m {
				out[k] = x
			}
			out[kv[0].(string)] = next
			return ok, res, out
		},
		noise: func(r *rand.Rand, f string, v any) any {
			return reg.noise(r, f, v.([]any)[1])
		},
	}
}

func counterSpec() spec { return counterSpecOf(1, 2) }

// unitCounterSpec adds 1 each time: the counter the checker decides
// without a search (decideCounter).
func unitCounterSpec() spec {
	sp := counterSpecOf(1)
	sp.name = "counter-unit"
	return sp
}

// counterSpecOf adds one of deltas each time.
func counterSpecOf(deltas ...int64) spec {
	return spec{
		model: "counter", init: nil,
		invoke: func(r *rand.Rand) (string, any) {
			if r.IntN(2) == 0 {
				return "read", nil
			}
			return "add", deltas[r.IntN(len(deltas))]
		},
		run: func(st any, _ int, f string, v any) (bool, any, any) {
			n := int64(0)
			if st != nil {
				n = st.(int64)
			}
			if f == "read" {
				return true, n, n
			}
			return true, v, n + v.(int64)
		},
		noise: func(r *rand.Rand, f string, v any) any {
			if f == "read" {
				return int64(r.IntN(5))
			}
			return v
		},
	}
}

func setSpec() spec { return setSpecN(3) }

// setSpecN adds elements 0 to n-1.
func setSpecN(n int) spec {
	return spec{
		model: "set",
		invoke: func(r *rand.Rand) (string, any) {
			if r.IntN(2) == 0 {
				return "read", nil
			}
			return "add", int64(r.IntN(n))
		},
		run: func(st any, _ int, f string, v any) (bool, any, any) {
			xs := elemsOf(st)
			if f == "read" {
				return true, anys(xs), st
			}
			if slices.Contains(xs, v.(int64)) {
				return true, v, st
			}
			next := append(slices.Clone(xs), v.(int64))
			slices.Sort(next)
			return true, v, next
		},
		noise: func(r *rand.Rand, f string, v any) any {
			if f != "read" {
				return v
			}
			out := []any{}
			for x := range n {
				if r.IntN(2) == 0 {
					out = append(out, int64(x))
				}
			}
			return out
		},
	}
}

// elemsOf is a set's or a queue's state: its elements (none at first).
func elemsOf(st any) []int64 {
	if st == nil {
		return nil
	}
	return st.([]int64)
}

// anys is xs as a read returns them: a non-nil []any.
func anys(xs []int64) []any {
	out := []any{}
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}

func queueSpec() spec { return queueSpecN(3) }

// queueSpecN enqueues elements 0 to n-1.
func queueSpecN(n int) spec {
	return spec{
		model: "queue",
		invoke: func(r *rand.Rand) (string, any) {
			switch r.IntN(5) {
			case 0, 1:
				return "enqueue", int64(r.IntN(n))
			case 2, 3:
				return "dequeue", nil
			}
			return "drain", nil
		},
		run: func(st any, _ int, f string, v any) (bool, any, any) {
			xs := elemsOf(st)
			switch f {
			case "enqueue":
				return true, v, append(slices.Clone(xs), v.(int64))
			case "dequeue":
				if len(xs) == 0 {
					return false, nil, st
				}
				return true, xs[0], slices.Clone(xs[1:])
			}
			return true, anys(xs), []int64{}
		},
		noise: func(r *rand.Rand, f string, v any) any {
			switch f {
			case "dequeue":
				return int64(r.IntN(n))
			case "drain":
				out := []any{}
				for range r.IntN(3) {
					out = append(out, int64(r.IntN(n)))
				}
				return out
			}
			return v
		},
	}
}

type lockSt struct {
	held   bool
	holder int
	token  int64
}

func lockSpec() spec {
	return spec{
		model: "lock",
		invoke: func(r *rand.Rand) (string, any) {
			if r.IntN(2) == 0 {
				return "acquire", nil
			}
			return "release", nil
		},
		run: func(st any, proc int, f string, v any) (bool, any, any) {
			l := lockSt{}
			if st != nil {
				l = st.(lockSt)
			}
			if f == "acquire" {
				if l.held {
					return false, nil, st
				}
				return true, l.token + 1, lockSt{true, proc, l.token + 1}
			}
			if !l.held || l.holder != proc {
				return false, nil, st
			}
			return true, nil, lockSt{token: l.token}
		},
		noise: func(r *rand.Rand, f string, v any) any {
			if f == "acquire" {
				return []any{nil, int64(1), int64(2), int64(3)}[r.IntN(4)]
			}
			return v
		},
	}
}

// randomHistory runs ops operations of procs processes against the spec,
// each taking effect at a random moment within its interval (or not at all,
// for failures and timeouts), and sometimes lies about a result.
func randomHistory(r *rand.Rand, sp spec, ops, procs int) history.History {
	type flight struct {
		f       string
		v       any
		applied bool
		ok      bool
		result  any
	}
	st := sp.init
	var h history.History
	inflight := map[int]*flight{}
	invoked := 0
	rec := func(p int, t history.Type, f string, v any, errText string) {
		key := ""
		if kv, ok := v.([]any); ok && sp.model == "kv" {
			key, v = kv[0].(string), kv[1]
		}
		h = append(h, history.Op{Index: int64(len(h)), Time: int64(len(h)) * 10, Process: history.Process(p), Type: t, F: f, Key: key, Value: v, Error: errText})
	}
	for invoked < ops || len(inflight) > 0 {
		p := r.IntN(procs)
		fl := inflight[p]
		switch {
		case fl == nil && invoked < ops:
			f, v := sp.invoke(r)
			inflight[p] = &flight{f: f, v: v}
			invoked++
			rec(p, history.Invoke, f, v, "")
		case fl == nil:
			continue
		case !fl.applied && r.IntN(3) > 0:
			fl.applied = true
			ok, res, next := sp.run(st, p, fl.f, fl.v)
			fl.ok, fl.result = ok, res
			if ok {
				st = next
			}
		default:
			if !fl.applied && r.IntN(4) > 0 {
				continue
			}
			delete(inflight, p)
			if invoked == ops && r.IntN(8) == 0 {
				continue // never completes
			}
			result := fl.result
			if r.IntN(6) == 0 {
				result = sp.noise(r, fl.f, fl.v)
			}
			if sp.model == "kv" && (fl.f == "write" || fl.f == "cas") {
				result = fl.v.([]any)[1]
			}
			n := r.IntN(10)
			lost := n == 0
			if sp.infoOdds > 0 {
				lost = r.IntN(sp.infoOdds) == 0
			}
			switch {
			case lost || !fl.applied:
				rec(p, history.Info, fl.f, fl.v, "")
			case n == 1 || !fl.ok:
				e := ""
				if fl.f == "cas" && (!fl.ok || r.IntN(2) == 0) {
					e = history.ErrorMismatch
				}
				rec(p, history.Fail, fl.f, fl.v, e)
			default:
				if sp.model != "kv" && (fl.f == "write" || fl.f == "add" || fl.f == "enqueue" || fl.f == "cas") {
					result = fl.v
				}
				if sp.model == "kv" {
					rec(p, history.OK, fl.f, []any{fl.v.([]any)[0], result}, "")
					break
				}
				rec(p, history.OK, fl.f, result, "")
			}
		}
	}
	return h
}

func lossy(name string, sp spec) spec {
	sp.name = name + "-many-info"
	sp.infoOdds = 3
	return sp
}

func dump(h history.History) string {
	var b strings.Builder
	for _, o := range h {
		fmt.Fprintf(&b, "  %d %v %s %s %s %s %s\n", o.Index, o.Process, o.Type, o.F, o.Key, history.Format(o.Value), o.Error)
	}
	return b.String()
}

// Anomaly cases.

// anomalyCase is a small history with the verdict and anomaly it shows.
type anomalyCase struct {
	name    string
	model   Model
	init    any
	h       history.History
	verdict Verdict
	anomaly string
	mention []string // words the explanation must contain
}

func runAnomalyCases(t *testing.T, cases []anomalyCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{Model: c.model, Init: c.init}
			res := mustCheck(t, c.h, opts)
			if res.Verdict != c.verdict {
				t.Fatalf("verdict %s, want %s\n%s", res.Verdict, c.verdict, FormatText(res))
			}
			if res.Anomaly != c.anomaly {
				t.Errorf("anomaly %q, want %q\n%s", res.Anomaly, c.anomaly, res.Explanation)
			}
			for _, w := range c.mention {
				if !strings.Contains(res.Explanation, w) {
					t.Errorf("explanation lacks %q: %s", w, res.Explanation)
				}
			}
			assertMinimalWitness(t, c.h, res, opts)
		})
	}
}

// Minimal witnesses.

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

// Porcupine's test histories.

// porcupineDir finds porcupine's module directory in the module cache.
// Its test histories are part of this package's tests: when they cannot
// be found the test fails, for a skipped comparison proves nothing.
func porcupineDir(t testing.TB) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/anishathalye/porcupine").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Fatalf("porcupine's module directory cannot be found (go list: %v); run go mod download", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "test_data")); err != nil {
		t.Fatalf("porcupine's test_data is missing (run go mod download): %v", err)
	}
	return dir
}
