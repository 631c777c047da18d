package checker

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/faultline-lab/faultline/history"
)

// plainCounter is the counter as porcupine searches it, with no decision,
// no symmetry and no pruning: the reference the sweep is held to on
// histories too long for the brute force.
var plainCounter = porcupine.Model{
	Init: func() any { return int64(0) },
	Step: func(st, in, _ any) (bool, any) {
		c := in.(*call)
		if c == endCall {
			return true, ended{}
		}
		if _, over := st.(ended); over {
			return true, st
		}
		return counterStep(st, c)
	},
	Equal: func(a, b any) bool { return a == b },
}

// TestCounterSweepAgreesWithSearch holds sweepCounter to porcupine's plain
// search on random counter histories of adds of several amounts (some
// negative), with many timed-out adds, longer than the brute force can
// take.
func TestCounterSweepAgreesWithSearch(t *testing.T) {
	t.Parallel()
	n := sweep(150, 600, 4000)
	for _, deltas := range [][]int64{{1, 2, 3, 5}, {-2, 1, 3}, {1, 4}} {
		t.Run(fmt.Sprint(deltas), func(t *testing.T) {
			t.Parallel()
			sp := lossy("counter", counterSpecOf(deltas...))
			r := rand.New(rand.NewPCG(7, uint64(len(deltas))))
			m, _ := lookupModel(ModelCounter)
			counts := map[bool]int{}
			unknowns := 0
			for i := range n {
				h := randomHistory(r, sp, 12+r.IntN(20), 2+r.IntN(4))
				p, err := prepare(h, m, nil)
				if err != nil {
					t.Fatalf("history %d: %v", i, err)
				}
				for _, part := range p.partitions {
					ops := operations(part, len(h))
					for _, o := range ops {
						if o.Return == never {
							unknowns++
						}
					}
					got, accepted := sweepCounter(ops, nil)
					if !accepted {
						t.Fatalf("history %d: the sweep refused a small history\n%s", i, dump(h))
					}
					want := porcupine.CheckOperations(plainCounter, withEnd(ops))
					if got != want {
						t.Fatalf("history %d: the sweep says %v, the search %v\n%s", i, got, want, dump(h))
					}
					counts[got]++
				}
			}
			if counts[true] < n/10 || counts[false] < n/10 || unknowns < n {
				t.Errorf("hardly tested: %v, %d timed-out operations", counts, unknowns)
			}
			t.Logf("linearizable %d, not %d; %d timed-out operations", counts[true], counts[false], unknowns)
		})
	}
}

// TestCounterSweepRefusesWhatIsTooLarge: a grid beyond its bound is left
// to the search rather than allocated.
func TestCounterSweepRefusesWhatIsTooLarge(t *testing.T) {
	t.Parallel()
	var h history.History
	add := func(p int, d int64) {
		h = append(h, inv(p, "add", d), info(p, "add", d))
	}
	// 12 amounts × 4 timed-out adds each: 5^12 cells.
	for d := int64(1); d <= 12; d++ {
		for p := range 4 {
			add(int(d)*10+p, d)
		}
	}
	h = append(h, inv(0, "read", nil), ok(0, "read", int64(3)))
	m, _ := lookupModel(ModelCounter)
	p, err := prepare(hist(h...), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, accepted := sweepCounter(operations(p.partitions[0], len(h)), nil); accepted {
		t.Fatal("the sweep took a grid of 5^12 cells")
	}
}

// lessonLikeCounter is a linearizable counter history like lesson 7's under
// faults: procs clients adding 1 to 5 or reading, one add in eight timed
// out (taking effect or not): about 40 in 600 operations.
func lessonLikeCounter(r *rand.Rand, ops, procs int) history.History {
	var h history.History
	total := int64(0)
	open := map[int]history.Op{}
	applied, late := map[int]bool{}, map[int]bool{}
	rec := func(o history.Op) { o.Index = int64(len(h)); o.Time = int64(len(h)); h = append(h, o) }
	for n := 0; n < ops || len(open) > 0; {
		p := r.IntN(procs)
		o, busy := open[p]
		switch {
		case !busy && n < ops:
			if r.IntN(2) == 0 {
				o = inv(p, "read", nil)
			} else {
				o = inv(p, "add", int64(1+r.IntN(5)))
			}
			open[p], applied[p], late[p] = o, false, r.IntN(8) == 0
			rec(o)
			n++
		case !busy:
		case o.F == "add" && !applied[p] && r.IntN(2) == 0:
			total += o.Value.(int64)
			applied[p] = true
		case o.F == "add" && late[p]:
			rec(info(p, "add", o.Value))
			delete(open, p)
		case o.F == "add" && applied[p]:
			rec(ok(p, "add", o.Value))
			delete(open, p)
		case o.F == "read":
			rec(ok(p, "read", total))
			delete(open, p)
		}
	}
	return h
}

// BenchmarkCounterSweep decides 600-operation counter histories with
// about 40 timed-out adds of 1 to 5, which porcupine's search could not.
func BenchmarkCounterSweep(b *testing.B) {
	r := rand.New(rand.NewPCG(17, 7))
	h := lessonLikeCounter(r, 600, 5)
	if res := mustCheck(b, h, Options{Model: ModelCounter, VerdictOnly: true}); res.Verdict != Linearizable {
		b.Fatalf("the history: %s", res.Verdict)
	}
	b.ReportAllocs()
	for b.Loop() {
		mustCheck(b, h, Options{Model: ModelCounter, VerdictOnly: true})
	}
}
