package checker

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/faultline-lab/faultline/history"
)

// Each case sits on the edge of a pruning rule (prune.go): a history whose
// verdict would change if the rule dropped or bounded one operation more.
func TestPruneEdges(t *testing.T) {
	t.Parallel()
	mismatch := fail(1, "cas", []any{1, 3})
	mismatch.Error = history.ErrorMismatch
	cases := []struct {
		name  string
		model Model
		init  any
		h     history.History
		want  Verdict
	}{
		{"unknown write seen by an unknown cas", "cas-register", nil, hist(
			inv(0, "write", 1), ok(0, "write", 1), inv(1, "write", 2), inv(2, "cas", []any{2, 3}),
			inv(3, "read", nil), ok(3, "read", 3)), Linearizable},
		{"unknown write explains a missed compare", "cas-register", nil, hist(
			inv(0, "write", 1), ok(0, "write", 1), inv(2, "write", 2), inv(1, "cas", []any{1, 3}), mismatch), Linearizable},
		{"unknown compare-and-set from the value a missed compare expected", "cas-register", nil, hist(
			inv(0, "write", 1), ok(0, "write", 1), inv(2, "cas", []any{1, 2}), inv(1, "cas", []any{1, 3}), mismatch), Linearizable},
		{"unknown write of the initial value, read early and late", "register", 0, hist(
			inv(0, "write", 0), inv(1, "read", nil), ok(1, "read", 0),
			inv(1, "write", 1), ok(1, "write", 1), inv(1, "read", nil), ok(1, "read", 0)), Linearizable},
		{"unknown write of a string appends also build", "kv", nil, hist(
			keyed("k", inv(0, "write", "ab")),
			keyed("k", inv(1, "append", "a")), keyed("k", ok(1, "append", "a")),
			keyed("k", inv(1, "append", "b")), keyed("k", ok(1, "append", "b")),
			keyed("k", inv(1, "read", nil)), keyed("k", ok(1, "read", "ab")),
			keyed("k", inv(1, "write", "x")), keyed("k", ok(1, "write", "x")),
			keyed("k", inv(1, "read", nil)), keyed("k", ok(1, "read", "ab"))), Linearizable},
		{"unknown write seen late only", "register", nil, hist(
			inv(0, "write", 2), inv(1, "write", 1), ok(1, "write", 1),
			inv(1, "read", nil), ok(1, "read", 1), inv(1, "read", nil), ok(1, "read", 2)), Linearizable},
		{"unknown write needed before a read", "register", nil, hist(
			inv(0, "write", 2), inv(1, "read", nil), ok(1, "read", 2),
			inv(1, "write", 1), ok(1, "write", 1), inv(1, "read", nil), ok(1, "read", 2)), NotLinearizable},
		{"unknown add after a read showed its element", "set", nil, hist(
			inv(1, "add", 1), ok(1, "add", 1), inv(1, "read", nil), ok(1, "read", []any{1}),
			inv(0, "add", 1), info(0, "add", 1), inv(1, "read", nil), ok(1, "read", []any{1})), Linearizable},
		{"unknown add of an initial element", "set", []any{1}, hist(
			inv(0, "add", 1), inv(1, "read", nil), ok(1, "read", []any{1})), Linearizable},
		{"unknown add seen by one read, not an earlier one", "set", nil, hist(
			inv(0, "add", 1), inv(1, "read", nil), ok(1, "read", []any{}),
			inv(1, "read", nil), ok(1, "read", []any{1})), Linearizable},
		{"unknown add bounded by the read that shows it", "set", nil, hist(
			inv(0, "add", 1), inv(1, "read", nil), ok(1, "read", []any{1}),
			inv(1, "read", nil), ok(1, "read", []any{})), NotLinearizable},
		{"unknown enqueue dequeued after the queue was empty", "queue", nil, hist(
			inv(0, "enqueue", 1), inv(1, "enqueue", 1), ok(1, "enqueue", 1),
			inv(1, "dequeue", nil), ok(1, "dequeue", 1), inv(1, "dequeue", nil), ok(1, "dequeue", nil),
			inv(1, "dequeue", nil), ok(1, "dequeue", 1)), Linearizable},
		{"unknown enqueue of an element also initially queued", "queue", []any{1}, hist(
			inv(0, "enqueue", 1), inv(1, "dequeue", nil), ok(1, "dequeue", 1), inv(1, "dequeue", nil), ok(1, "dequeue", nil),
			inv(1, "dequeue", nil), ok(1, "dequeue", 1)), Linearizable},
		{"unknown enqueue in a drain", "queue", nil, hist(
			inv(0, "enqueue", 1), inv(1, "enqueue", 2), ok(1, "enqueue", 2),
			inv(1, "drain", nil), ok(1, "drain", []any{2, 1})), Linearizable},
		{"unknown enqueue taken by an unknown dequeue", "queue", nil, hist(
			inv(0, "enqueue", 1), inv(1, "enqueue", 2), ok(1, "enqueue", 2),
			inv(2, "dequeue", nil), inv(1, "dequeue", nil), ok(1, "dequeue", 2)), Linearizable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustCheck(t, c.h, Options{Model: c.model, Init: c.init, VerdictOnly: true})
			if res.Verdict != c.want {
				t.Errorf("verdict %s, want %s", res.Verdict, c.want)
			}
			if got := unprunedVerdict(t, c.h, c.model, c.init); got != c.want {
				t.Errorf("without pruning porcupine says %s, want %s", got, c.want)
			}
		})
	}
}

// unprunedVerdict runs porcupine on every partition with the model alone.
func unprunedVerdict(t testing.TB, h history.History, model Model, init any) Verdict {
	t.Helper()
	m, err := lookupModel(model)
	if err != nil {
		t.Fatal(err)
	}
	init, _ = history.Normalize(init)
	p, err := prepare(h, m, init)
	if err != nil {
		t.Fatal(err)
	}
	pm := rawModel(t, m, init)
	for _, part := range p.partitions {
		if ops := operations(part, len(h)); len(ops) > 0 && !porcupine.CheckOperations(pm, ops) {
			return NotLinearizable
		}
	}
	return Linearizable
}

// rawModel is the model alone for porcupine: no pruning, no end marker
// (search.go), no exact decision.
func rawModel(t testing.TB, m *model, init any) porcupine.Model {
	st, err := m.initState(init)
	if err != nil {
		t.Fatal(err)
	}
	return porcupine.Model{
		Init:  func() any { return st },
		Step:  func(s, in, _ any) (bool, any) { return m.step(s, in.(*call)) },
		Equal: m.equal,
	}
}

// TestPruneAgainstUnpruned compares porcupine's verdict on the model alone
// with the checker's search — pruned, with the end marker, or decided
// exactly where the model can — on random histories longer than the brute
// force can take, with many unknown operations, at every cut the prefix
// search uses.
func TestPruneAgainstUnpruned(t *testing.T) {
	t.Parallel()
	n := sweep(60, 100, 1500)
	for _, sp := range []spec{
		lossy("register", regSpecN("register", nil, false, 8)),
		lossy("cas-register", regSpecN("cas-register", int64(0), true, 8)),
		lossy("kv-append", appendSpec()),
		lossy("set", setSpecN(8)), lossy("queue", queueSpecN(8)),
		lossy("counter", unitCounterSpec()), lossy("lock", lockSpec()),
	} {
		t.Run(sp.name, func(t *testing.T) {
			m, _ := lookupModel(sp.model)
			init, _ := history.Normalize(sp.init)
			raw := rawModel(t, m, init)
			n := n
			if sp.model == ModelQueue && n < 1500 {
				n /= 4 // porcupine alone, unpruned, is slow on queues
			}
			r := rand.New(rand.NewPCG(7, uint64(len(sp.name))))
			var pruned, fails int
			for i := range n {
				h := randomHistory(r, sp, 8+r.IntN(10), 2+r.IntN(4))
				p, err := prepare(h, m, init)
				if err != nil {
					t.Fatal(err)
				}
				lim := newLimits(t.Context(), Options{Timeout: time.Minute})
				s, err := newSearcher(m, init, lim)
				if err != nil {
					t.Fatal(err)
				}
				for _, part := range p.partitions {
					for cut := 1; cut <= len(h); cut++ {
						all := operations(part, cut)
						kept := s.operations(part, cut)
						want := porcupine.CheckOperations(raw, all)
						if got := s.check(part, cut) == vOK; got != want {
							t.Fatalf("history %d, cut %d: pruned %v, unpruned %v\n%s", i, cut, got, want, dump(h))
						}
						if !want {
							fails++
						}
						if fmt.Sprint(returns(all)) != fmt.Sprint(returns(kept)) {
							pruned++
						}
					}
				}
				lim.release()
			}
			if m.prune != nil && pruned < n || fails < n/2 {
				t.Errorf("weak sample: pruning changed %d searches, %d failed", pruned, fails)
			}
		})
	}
}

func returns(ops []porcupine.Operation) []int64 {
	out := make([]int64, len(ops))
	for i, o := range ops {
		out[i] = o.Return
	}
	return out
}
