package checker

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// The differential test: random small histories with ok, fail and info
// completions (and operations that never complete), checked by Check and
// by a brute-force search over every order written here from the
// definition of linearizability. They must agree; and every witness must
// be minimal.

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

// bop is an operation as the brute force sees it.
type bop struct {
	proc     int
	f        string
	v        any
	result   any
	status   status
	inv, ret int // record positions; ret is huge when the result is unknown
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
			var xs []int64
			if st != nil {
				xs = st.([]int64)
			}
			if f == "read" {
				out := []any{}
				for _, x := range xs {
					out = append(out, x)
				}
				return true, out, st
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
			var xs []int64
			if st != nil {
				xs = st.([]int64)
			}
			switch f {
			case "enqueue":
				return true, v, append(slices.Clone(xs), v.(int64))
			case "dequeue":
				if len(xs) == 0 {
					return false, nil, st
				}
				return true, xs[0], slices.Clone(xs[1:])
			}
			out := []any{}
			for _, x := range xs {
				out = append(out, x)
			}
			return true, out, []int64{}
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

// brute decides linearizability by trying every order.
func brute(h history.History, sp spec) bool {
	var ops []bop
	open := map[history.Process]int{}
	for i, o := range h {
		if o.Type == history.Invoke {
			open[o.Process] = len(ops)
			v := o.Value
			if sp.model == "kv" {
				v = []any{o.Key, o.Value}
			}
			ops = append(ops, bop{proc: int(o.Process), f: o.F, v: v, status: statusUnknown, inv: i, ret: 1 << 30})
			continue
		}
		j := open[o.Process]
		switch {
		case o.Type == history.OK:
			ops[j].status, ops[j].result, ops[j].ret = statusOK, o.Value, i
		case o.Type == history.Fail && o.Error == history.ErrorMismatch:
			ops[j].status, ops[j].ret = statusMismatch, i
		case o.Type == history.Fail:
			ops[j].status = statusFailed
		}
	}
	ops = slices.DeleteFunc(ops, func(b bop) bool { return b.status == statusFailed })
	memo := map[string]bool{}
	var dfs func(done uint64, st any) bool
	dfs = func(done uint64, st any) bool {
		all := true
		for i, o := range ops {
			if done&(1<<i) == 0 && o.status != statusUnknown {
				all = false
			}
		}
		if all {
			return true
		}
		key := fmt.Sprint(done, "|", st)
		if v, seen := memo[key]; seen {
			return v
		}
		result := false
		for i, o := range ops {
			if done&(1<<i) != 0 || mustWait(ops, done, i) {
				continue
			}
			if next, ok := bruteStep(sp, st, o); ok && dfs(done|1<<i, next) {
				result = true
				break
			}
		}
		memo[key] = result
		return result
	}
	return dfs(0, sp.init)
}

// mustWait reports whether some operation not yet placed completed
// before operation i was invoked.
func mustWait(ops []bop, done uint64, i int) bool {
	for j, o := range ops {
		if done&(1<<j) == 0 && o.status != statusUnknown && o.ret < ops[i].inv {
			return true
		}
	}
	return false
}

// bruteStep runs an operation on the spec and checks what it observed.
func bruteStep(sp spec, st any, o bop) (any, bool) {
	ok, res, next := sp.run(st, o.proc, o.f, o.v)
	switch o.status {
	case statusUnknown:
		return next, true // it happened now, with whatever result
	case statusMismatch:
		return st, !ok
	}
	if !ok {
		return nil, false
	}
	if o.f == "read" && o.result == nil && sp.init != nil && sp.model != "set" {
		return next, true // a nil read constrains nothing when the register starts non-nil
	}
	if o.f == "acquire" {
		// Any fencing token will do, as long as tokens grow.
		last := lockSt{}
		if st != nil {
			last = st.(lockSt)
		}
		tok, isTok := o.result.(int64)
		if !isTok {
			return lockSt{true, o.proc, last.token}, o.result == nil
		}
		if tok <= last.token {
			return nil, false
		}
		return lockSt{true, o.proc, tok}, true
	}
	if sp.model == "kv" && o.f == "read" && o.result == nil {
		return next, res == nil
	}
	if sp.same != nil {
		return next, sp.same(res, o.result)
	}
	if !valueEqual(norm(res), o.result) {
		if o.f == "read" && sp.model == "set" && sameSet(res, o.result) {
			return next, true
		}
		return nil, false
	}
	return next, true
}

// mregSpec is Knossos's multi-register: registers x and y, transactions
// of one to three reads and writes. With init, every register starts at 0
// and a read of nil constrains nothing (Knossos's rule); without, a read
// of nil means nothing written yet.
func mregSpec(init bool) spec {
	var start any
	if init {
		start = map[string]any{"x": int64(0), "y": int64(0)}
	}
	regs := []string{"x", "y"}
	return spec{
		name: fmt.Sprintf("multi-register-init-%v", init), model: "multi-register", init: start,
		invoke: func(r *rand.Rand) (string, any) {
			var txn []any
			for range 1 + r.IntN(3) {
				if r.IntN(2) == 0 {
					txn = append(txn, []any{"read", regs[r.IntN(2)], nil})
				} else {
					txn = append(txn, []any{"write", regs[r.IntN(2)], int64(1 + r.IntN(3))})
				}
			}
			return "txn", txn
		},
		run: func(st any, _ int, _ string, v any) (bool, any, any) {
			cur, _ := st.(map[string]any)
			next := map[string]any{}
			for k, x := range cur {
				next[k] = x
			}
			var out []any
			for _, m := range v.([]any) {
				mop := m.([]any)
				f, reg := mop[0].(string), mop[1].(string)
				if f == "write" {
					next[reg] = mop[2]
					out = append(out, mop)
					continue
				}
				out = append(out, []any{f, reg, next[reg]})
			}
			return true, out, next
		},
		noise: func(r *rand.Rand, _ string, v any) any {
			var out []any
			for _, m := range v.([]any) {
				mop := m.([]any)
				if mop[0] == "read" && r.IntN(2) == 0 {
					mop = []any{"read", mop[1], []any{nil, int64(0), int64(1), int64(2), int64(3), int64(4)}[r.IntN(6)]}
				}
				out = append(out, mop)
			}
			return out
		},
		same: func(want, got any) bool {
			w, g := want.([]any), got.([]any)
			if len(w) != len(g) {
				return false
			}
			for i := range w {
				wm, gm := w[i].([]any), g[i].([]any)
				if len(gm) != 3 || wm[0] != gm[0] || wm[1] != gm[1] {
					return false
				}
				switch wv, gv := wm[2], gm[2]; {
				case gv == nil && wm[0] == "read" && init:
					// constrains nothing
				case wv == nil || gv == nil:
					if wv != gv {
						return false
					}
				default:
					wn, ok1 := wv.(int64)
					gn, ok2 := gv.(int64)
					if !ok1 || !ok2 || wn != gn {
						return false
					}
				}
			}
			return true
		},
	}
}

func sameSet(a, b any) bool {
	x, ok1 := a.([]any)
	y, ok2 := b.([]any)
	return ok1 && ok2 && valueEqual(canonicalSet(x), canonicalSet(y))
}

func TestDifferentialAgainstBruteForce(t *testing.T) {
	t.Parallel()
	n := sweep(150, 400, 4000)
	specs := []spec{
		regSpec("register", nil, false),
		regSpec("register", int64(0), false),
		regSpec("cas-register", int64(0), true),
		regSpec("cas-register", nil, true),
		kvSpec(), counterSpec(), setSpec(), queueSpec(), lockSpec(),
		unitCounterSpec(), mregSpec(false), mregSpec(true),
		// Many values and many info completions: writes, adds and enqueues
		// that no read sees, or that one operation alone writes, which the
		// pruning drops or bounds.
		lossy("register", regSpecN("register", nil, false, 6)),
		lossy("cas-register", regSpecN("cas-register", int64(0), true, 6)),
		lossy("kv", kvSpecN(6)), lossy("kv-append", appendSpec()),
		lossy("set", setSpecN(6)), lossy("queue", queueSpecN(6)),
		lossy("counter-unit", unitCounterSpec()), lossy("multi-register", mregSpec(true)),
		// Adds of several amounts, some negative: the counter sweep.
		lossy("counter", counterSpecOf(1, 2, 3)), lossy("counter-signed", counterSpecOf(-1, 2)),
	}
	for _, sp := range specs {
		name := sp.name
		if name == "" {
			name = fmt.Sprintf("%s-init-%v", sp.model, sp.init)
		}
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(len(sp.model))))
			counts := map[Verdict]int{}
			var dropped, bounded int
			for i := range n {
				ops := 2 + r.IntN(6)
				if sp.infoOdds > 0 {
					ops = 3 + r.IntN(7)
				}
				h := randomHistory(r, sp, ops, 1+r.IntN(4))
				opts := Options{Model: sp.model, Init: sp.init}
				res, err := Check(context.Background(), h, opts)
				if err != nil {
					t.Fatalf("history %d: %v\n%s", i, err, dump(h))
				}
				want := NotLinearizable
				if brute(h, sp) {
					want = Linearizable
				}
				counts[res.Verdict]++
				if res.Verdict != want {
					t.Fatalf("history %d: Check says %s, brute force %s\n%s", i, res.Verdict, want, dump(h))
				}
				assertMinimalWitness(t, h, res, opts)
				d, b := pruneCounts(t, h, opts)
				dropped += d
				bounded += b
			}
			if counts[Linearizable] < n/25 || counts[NotLinearizable] < n/25 {
				t.Errorf("unbalanced sample: %v", counts)
			}
			if m, _ := lookupModel(sp.model); m.prune != nil && sp.infoOdds > 0 && (dropped < n/100 || bounded < n/100) {
				t.Errorf("the pruning was hardly tested: %d operations dropped, %d bounded in %d histories", dropped, bounded, n)
			}
			t.Logf("%v; pruning dropped %d operations, bounded %d", counts, dropped, bounded)
		})
	}
}

func lossy(name string, sp spec) spec {
	sp.name = name + "-many-info"
	sp.infoOdds = 3
	return sp
}

// pruneCounts counts the operations of h that the model's pruning drops
// and those whose return it brings forward.
func pruneCounts(t *testing.T, h history.History, opts Options) (dropped, bounded int) {
	m, _ := lookupModel(opts.Model)
	init, _ := history.Normalize(opts.Init)
	p, err := prepare(h, m, init)
	if err != nil || m.prune == nil {
		return 0, 0
	}
	for _, part := range p.partitions {
		ops := operations(part, len(h))
		ret := map[int]int64{}
		for _, o := range ops {
			ret[o.Input.(*call).id] = o.Return
		}
		kept := m.prune(ops, init)
		dropped += len(ops) - len(kept)
		for _, o := range kept {
			if o.Return != ret[o.Input.(*call).id] {
				bounded++
			}
		}
	}
	return dropped, bounded
}

func dump(h history.History) string {
	var b strings.Builder
	for _, o := range h {
		fmt.Fprintf(&b, "  %d %v %s %s %s %s %s\n", o.Index, o.Process, o.Type, o.F, o.Key, history.Format(o.Value), o.Error)
	}
	return b.String()
}
