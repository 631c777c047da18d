package checker

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// The differential test: random small histories with ok, fail and info
// completions (and operations that never complete), checked by Check and
// by a brute-force search over every order written here from the
// definition of linearizability. They must agree; and every witness must
// be minimal.

// bop is an operation as the brute force sees it.
type bop struct {
	proc     int
	f        string
	v        any
	result   any
	status   status
	inv, ret int // record positions; ret is huge when the result is unknown
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
