package checker

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"

	"github.com/anishathalye/porcupine"

	"github.com/faultline-lab/faultline/history"
)

// ModelCounter is the counter.
const ModelCounter Model = "counter"

// The counter: add d → d, read → the total. The state is the total, which
// starts at Options.Init (nil: 0).
//
// When every add that may take effect adds the same amount (the usual
// workload: adds of 1), the checker decides the history exactly without a
// search (decideCounter), and a read outside the bounds of what could have
// been added gives its witness at once (counterWitness), as Jepsen's
// counter checker reads its bounds. When the amounts differ, a sweep over
// the history decides it without a search too (counter_sweep.go), unless
// its grid of timed-out adds would be too large.

func init() {
	register(&model{
		name:      ModelCounter,
		doc:       "a counter: add d (an integer), read → the total (starts at 0)",
		ops:       map[string]opcode{"add": opAdd, "incr": opAdd, "increment": opAdd, "read": opRead},
		parse:     parseCounter,
		initState: counterInit,
		step:      counterStep,
		equal:     func(a, b any) bool { return a.(int64) == b.(int64) },
		hash:      func(s any) uint64 { return mix(uint64(s.(int64))) },
		describeState: func(s any) string {
			return strconv.FormatInt(s.(int64), 10)
		},
		noop:    func(_ any, c *call) bool { return c.op == opAdd && c.arg.(int64) == 0 },
		decide:  decideCounter,
		reach:   counterReach,
		witness: counterWitness,
		explain: (*analysis).counter,
		group:   (*analysis).counterGroups,
		promise: "every read must return the sum of the adds that took effect before it",
	})
}

func counterInit(init any) (any, error) {
	if init == nil {
		return int64(0), nil
	}
	n, ok := init.(int64)
	if !ok {
		return nil, fmt.Errorf("a counter starts at an integer; got %s", history.Format(init))
	}
	return n, nil
}

func counterStart(init any) int64 {
	n, _ := counterInit(init)
	return n.(int64)
}

func parseCounter(c *call, _ any) error {
	switch c.op {
	case opAdd:
		d, ok := valueOf(c).(int64)
		if !ok {
			return fmt.Errorf("field \"value\": add needs an integer; got %s", history.Format(valueOf(c)))
		}
		c.arg = d
	case opRead:
		c.nilAny = true // a counter never holds nil: a read of nil says nothing
		if c.status == statusOK && c.result != nil {
			if _, ok := c.result.(int64); !ok {
				return fmt.Errorf("field \"value\": a counter read returns an integer; got %s", history.Format(c.result))
			}
		}
	}
	return nil
}

func counterStep(st any, c *call) (bool, any) {
	n := st.(int64)
	switch c.op {
	case opAdd:
		return true, n + c.arg.(int64)
	case opRead:
		if c.status != statusOK || c.result == nil {
			return true, st
		}
		return c.result.(int64) == n, st
	}
	return false, st
}

// uniformDelta is the amount every add of calls adds, ignoring adds of 0
// (they change nothing); ok is false when two differ. d is 0 when there
// is no such add.
func uniformDelta(deltas func(yield func(int64) bool)) (d int64, ok bool) {
	for x := range deltas {
		switch {
		case x == 0:
		case d == 0:
			d = x
		case x != d:
			return 0, false
		}
	}
	return d, true
}

// countOf is how many adds of d take the counter from start to v; ok is
// false when no number of them does.
func countOf(v, start, d int64) (int64, bool) {
	diff := v - start
	if d == 0 {
		return 0, diff == 0
	}
	if diff%d != 0 || diff/d < 0 {
		return 0, false
	}
	return diff / d, true
}

// decideCounter decides a counter history whose adds all add the same
// amount d. Reading v then means that exactly k = (v − start)/d adds took
// effect before the read. Let s_1 < s_2 < ... be the moments the adds take
// effect; a read of k lies between s_k and s_{k+1}. So s_k must come before
// U_k, the earliest return of a read of k or more, and after L_k, the
// latest invocation of a read of less than k; both grow with k. The
// history is linearizable if and only if adds can be matched to ranks
// 1..K (K the largest count read) within those windows, with every
// acknowledged add matched to a rank or taking effect after every read
// began (rank K+1 on), each add within its own interval. Sorting the
// matched moments keeps each within its rank's window, since the windows
// grow with the rank, so a matching is all it takes. Ranks and
// acknowledged adds can each be matched alone by the greedy rule for
// intervals (earliest deadline first), and then both at once
// (Mendelsohn–Dulmage). O(n log n).
func decideCounter(ops []porcupine.Operation, init any) (bool, bool) {
	d, uniform := uniformDelta(func(yield func(int64) bool) {
		for _, o := range ops {
			if c := opCall(o); c.op == opAdd && !yield(c.arg.(int64)) {
				return
			}
		}
	})
	if !uniform {
		return sweepCounter(ops, init)
	}
	start := counterStart(init)
	type span struct{ inv, ret, k int64 }
	var adds, reads []span
	for _, o := range ops {
		c := opCall(o)
		switch {
		case c.op == opAdd && c.arg.(int64) != 0:
			adds = append(adds, span{inv: o.Call, ret: o.Return})
		case c.op == opRead && c.status == statusOK && c.result != nil:
			k, ok := countOf(c.result.(int64), start, d)
			if !ok || k > int64(len(ops)) {
				return false, true // no number of these adds gives that total
			}
			reads = append(reads, span{inv: o.Call, ret: o.Return, k: k})
		}
	}
	K := int64(0)
	for _, r := range reads {
		K = max(K, r.k)
	}
	if K > int64(len(adds)) {
		return false, true
	}
	// lo[k], k = 1..K+1: the latest invocation of a read of less than k;
	// hi[k], k = 1..K: the earliest return of a read of k or more.
	lo := make([]int64, K+2)
	hi := make([]int64, K+2)
	for k := range lo {
		lo[k], hi[k] = -1, never+1
	}
	for _, r := range reads {
		if r.k+1 <= K+1 {
			lo[r.k+1] = max(lo[r.k+1], r.inv)
		}
		hi[r.k] = min(hi[r.k], r.ret)
	}
	for k := int64(1); k <= K+1; k++ {
		lo[k] = max(lo[k], lo[k-1])
	}
	for k := K - 1; k >= 1; k-- {
		hi[k] = min(hi[k], hi[k+1])
	}
	for k := int64(1); k <= K; k++ {
		if lo[k] >= hi[k] {
			return false, true // a read of k or more ended before a read of less began
		}
	}
	// Each add's ranks form an interval [first, last] of 1..K: the first
	// k with hi[k] after its invocation, the last with lo[k] before its
	// return.
	var all, must [][2]int64
	for _, a := range adds {
		first := int64(sort.Search(int(K), func(i int) bool { return hi[i+1] > a.inv })) + 1
		last := int64(sort.Search(int(K), func(i int) bool { return lo[i+1] >= a.ret }))
		all = append(all, [2]int64{first, last})
		if a.ret != never && lo[K+1] >= a.ret {
			// Acknowledged, and it cannot wait until every read began.
			must = append(must, [2]int64{first, last})
		}
	}
	// Every rank needs an add, and every such acknowledged add a rank.
	return matched(all, K) == K && matched(must, K) == int64(len(must)), true
}

// matched is the size of a maximum matching of the intervals to the
// points 1..K: each point, in order, takes the open interval that ends
// first (Glover's rule).
func matched(ivs [][2]int64, K int64) int64 {
	ivs = slices.Clone(ivs)
	slices.SortFunc(ivs, func(a, b [2]int64) int { return cmpInt64(a[0], b[0]) })
	h := &int64Heap{}
	n, next := int64(0), 0
	for k := int64(1); k <= K; k++ {
		for next < len(ivs) && ivs[next][0] <= k {
			if ivs[next][0] <= ivs[next][1] {
				h.push(ivs[next][1])
			}
			next++
		}
		for h.len() > 0 && h.min() < k {
			h.pop()
		}
		if h.len() > 0 {
			h.pop()
			n++
		}
	}
	return n
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// counterReach is the witness search's rule for counters: a read keeps
// enough adds (in any status: a failed add may be the explanation) to
// reach its total, when the universe's adds could; otherwise it goes with
// the add that was dropped.
func counterReach(sh *shrinker, cur []*call, remove map[int]bool) {
	if sh.reachable == nil {
		sh.reachable = map[int]bool{}
		for _, c := range sh.universe {
			if c.op == opRead && totalReachable(c, sh.universe, nil, sh.init) {
				sh.reachable[c.id] = true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		fast, ok := reachableReads(cur, remove, sh.init)
		for _, c := range cur {
			if remove[c.id] || !sh.reachable[c.id] {
				continue
			}
			if ok && !fast[c.id] || !ok && !totalReachable(c, cur, remove, sh.init) {
				remove[c.id] = true
				changed = true
			}
		}
	}
}

// totalReachable reports whether a counter read's total is one that some
// of the adds invoked before it ended (in any status) sum to.
func totalReachable(r *call, calls []*call, remove map[int]bool, init any) bool {
	t, ok := r.result.(int64)
	if r.status != statusOK || !ok {
		return true
	}
	start := counterStart(init)
	deltas := make([]int64, 0, len(calls))
	for _, c := range calls {
		if c.op == opAdd && !remove[c.id] && (r.compPos < 0 || c.invPos < r.compPos) {
			deltas = append(deltas, c.arg.(int64))
		}
	}
	if d, uniform := uniformDelta(slices.Values(deltas)); uniform {
		n := int64(0)
		for _, x := range deltas {
			if x != 0 {
				n++
			}
		}
		k, ok := countOf(t, start, d)
		return ok && k <= n
	}
	if lo, words, ok := subsetSumBits(start, deltas); ok {
		i := t - lo
		return i >= 0 && i/64 < int64(len(words)) && words[i/64]&(1<<uint(i%64)) != 0
	}
	totals, exact := subsetSums(start, deltas)
	if !exact {
		return totals[0] <= t && t <= totals[1]
	}
	_, found := slices.BinarySearch(totals, t)
	return found
}

// subsetSums lists base plus the sums of every subset of deltas, sorted;
// exact is false when there were too many to list (then only the lowest
// and highest are given).
func subsetSums(base int64, deltas []int64) ([]int64, bool) {
	lo, hi := base, base
	for _, d := range deltas {
		if d < 0 {
			lo += d
		} else {
			hi += d
		}
	}
	if lo, words, ok := subsetSumBits(base, deltas); ok {
		var out []int64
		for i, w := range words {
			for w != 0 {
				out = append(out, lo+int64(i*64+bits.TrailingZeros64(w)))
				w &= w - 1
			}
		}
		return out, true
	}
	sums := map[int64]bool{base: true}
	for _, d := range deltas {
		if len(sums) > 4096 {
			return []int64{lo, hi}, false
		}
		next := make(map[int64]bool, 2*len(sums))
		for s := range sums {
			next[s], next[s+d] = true, true
		}
		sums = next
	}
	out := make([]int64, 0, len(sums))
	for s := range sums {
		out = append(out, s)
	}
	slices.Sort(out)
	return out, true
}

// bitsetSpan bounds the range of totals subsetSums tracks as a bitset, in
// time proportional to the deltas times the span over 64, whatever the
// number of totals: small adds (the lessons add 1 to 5) stay exact and
// fast however many there are.
const bitsetSpan = 1 << 16

// reachableReads is totalReachable for every read of calls at once, in
// one pass: the reads in order of completion, each adding to one bitset
// of totals the adds invoked before it completed. ok is false when the
// adds are uniform (totalReachable counts them) or span too much.
func reachableReads(calls []*call, remove map[int]bool, init any) (reach map[int]bool, ok bool) {
	var adds, reads []*call
	var deltas []int64
	for _, c := range calls {
		switch {
		case remove[c.id]:
		case c.op == opAdd:
			adds = append(adds, c)
			deltas = append(deltas, c.arg.(int64))
		case c.op == opRead:
			reads = append(reads, c)
		}
	}
	if _, uniform := uniformDelta(slices.Values(deltas)); uniform {
		return nil, false
	}
	start := counterStart(init)
	lo, words, ok := subsetSumBits(start, deltas) // sized for every add
	if !ok {
		return nil, false
	}
	clear(words)
	words[(start-lo)/64] |= 1 << uint((start-lo)%64)
	slices.SortStableFunc(adds, func(a, b *call) int { return a.invPos - b.invPos })
	// A read with no completion sees every add: it sorts last.
	end := func(r *call) int {
		if r.compPos < 0 {
			return math.MaxInt
		}
		return r.compPos
	}
	slices.SortStableFunc(reads, func(a, b *call) int { return cmp.Compare(end(a), end(b)) })
	reach = make(map[int]bool, len(reads))
	next := 0
	for _, r := range reads {
		for ; next < len(adds) && (r.compPos < 0 || adds[next].invPos < r.compPos); next++ {
			switch d := adds[next].arg.(int64); {
			case d > 0:
				shiftOr(words, d, true)
			case d < 0:
				shiftOr(words, -d, false)
			}
		}
		t, isInt := r.result.(int64)
		if r.status != statusOK || !isInt {
			reach[r.id] = true
			continue
		}
		i := t - lo
		reach[r.id] = i >= 0 && i/64 < int64(len(words)) && words[i/64]&(1<<uint(i%64)) != 0
	}
	return reach, true
}

// subsetSumBits is subsetSums as a bitset, bit i for the total lo+i;
// ok is false when the totals span more than bitsetSpan.
func subsetSumBits(base int64, deltas []int64) (lo int64, words []uint64, ok bool) {
	lo, span := base, int64(0)
	for _, d := range deltas {
		if d < 0 {
			lo += d
		}
		span += max(d, -d)
		if span > bitsetSpan {
			return 0, nil, false
		}
	}
	words = make([]uint64, span/64+1)
	words[(base-lo)/64] |= 1 << uint((base-lo)%64)
	for _, d := range deltas {
		switch {
		case d > 0:
			shiftOr(words, d, true)
		case d < 0:
			shiftOr(words, -d, false)
		}
	}
	return lo, words, true
}

// shiftOr sets words |= words << n (up) or words >> n (down), in place.
func shiftOr(words []uint64, n int64, up bool) {
	q, r := int(n/64), uint(n%64)
	w := len(words)
	if up {
		for i := w - 1; i >= q; i-- {
			v := words[i-q] << r
			if r > 0 && i-q-1 >= 0 {
				v |= words[i-q-1] >> (64 - r)
			}
			words[i] |= v
		}
		return
	}
	for i := 0; i+q < w; i++ {
		v := words[i+q] >> r
		if r > 0 && i+q+1 < w {
			v |= words[i+q+1] << (64 - r)
		}
		words[i] |= v
	}
}

// counterBounds sorts the adds of calls around a read r: acknowledged
// before r began (certain), possibly in effect by its end (maybe: not
// failed, invoked before it ended), and reported failed but invoked
// before it ended (failed).
type counterBounds struct {
	certain, maybe, failed []*call
}

func boundsAround(r *call, calls []*call) counterBounds {
	var b counterBounds
	for _, c := range calls {
		if c.op != opAdd || c.arg.(int64) == 0 || r.compPos >= 0 && c.invPos > r.compPos {
			continue
		}
		switch {
		case c.status == statusFailed:
			b.failed = append(b.failed, c)
		case before(c, r):
			b.certain = append(b.certain, c)
		default:
			b.maybe = append(b.maybe, c)
		}
	}
	return b
}

// counterWitness is the witness of a read outside the bounds of what could
// have been added, when every add adds the same amount: the read and
//
//   - below: as many adds acknowledged before it began as make one more
//     than it counted (those that completed last);
//   - above: every add that may have taken effect by its end, and as many
//     adds reported failed as it takes to reach its total (those invoked
//     last); or the read alone when even they cannot.
//
// Each is minimal: without any one add the read's count fits, or its
// total can no longer be reached and it goes too. The read is the failing
// one; other failures fall to the general search.
func counterWitness(sh *shrinker, _ []*call, universe []*call, failing *call) *found {
	d, uniform := uniformDelta(func(yield func(int64) bool) {
		for _, c := range universe {
			if c.op == opAdd && !yield(c.arg.(int64)) {
				return
			}
		}
	})
	if !uniform || d == 0 {
		return nil
	}
	start := counterStart(sh.init)
	reads := []*call{failing}
	if failing == nil {
		reads = universe // no failing prefix: the first read out of bounds
	}
	for _, r := range reads {
		if r == nil || r.op != opRead || r.status != statusOK || r.result == nil {
			continue
		}
		b := boundsAround(r, universe)
		k, reachable := countOf(r.result.(int64), start, d)
		switch {
		case reachable && k < int64(len(b.certain)):
			adds := slices.Clone(b.certain)
			slices.SortStableFunc(adds, func(x, y *call) int { return cmpInt64(int64(y.compPos), int64(x.compPos)) })
			return &found{calls: byInvocation(append(adds[:k+1], r)), failing: r}
		case reachable && k > int64(len(b.certain)+len(b.maybe)):
			extra := k - int64(len(b.certain)+len(b.maybe))
			if extra > int64(len(b.failed)) {
				return &found{calls: []*call{r}, failing: r}
			}
			failed := slices.Clone(b.failed)
			slices.SortStableFunc(failed, func(x, y *call) int { return cmpInt64(int64(y.invPos), int64(x.invPos)) })
			wit := append(append(append([]*call{}, b.certain...), b.maybe...), failed[:extra]...)
			return &found{calls: byInvocation(append(wit, r)), failing: r}
		case !reachable:
			return &found{calls: []*call{r}, failing: r}
		}
	}
	return nil
}

// byInvocation sorts calls as the history invoked them.
func byInvocation(cs []*call) []*call {
	slices.SortFunc(cs, func(a, b *call) int { return a.invPos - b.invPos })
	return cs
}

// int64Heap is a min-heap.
type int64Heap struct{ xs []int64 }

func (h *int64Heap) len() int   { return len(h.xs) }
func (h *int64Heap) min() int64 { return h.xs[0] }
func (h *int64Heap) push(x int64) {
	h.xs = append(h.xs, x)
	for i := len(h.xs) - 1; i > 0; {
		p := (i - 1) / 2
		if h.xs[p] <= h.xs[i] {
			break
		}
		h.xs[p], h.xs[i] = h.xs[i], h.xs[p]
		i = p
	}
}
func (h *int64Heap) pop() int64 {
	top := h.xs[0]
	last := len(h.xs) - 1
	h.xs[0] = h.xs[last]
	h.xs = h.xs[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && h.xs[l] < h.xs[m] {
			m = l
		}
		if r < last && h.xs[r] < h.xs[m] {
			m = r
		}
		if m == i {
			break
		}
		h.xs[i], h.xs[m] = h.xs[m], h.xs[i]
		i = m
	}
	return top
}
