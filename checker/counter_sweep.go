package checker

import (
	"math"
	"math/bits"
	"slices"
	"sort"

	"github.com/anishathalye/porcupine"
)

// sweepCounter decides a counter history whose adds differ in amount (the
// lessons add 1 to 5), where decideCounter's matching does not apply and
// porcupine's search grows with every subset of the adds of unknown
// outcome: a timed-out add may take effect at any moment after it began,
// or never, and porcupine keeps every such choice apart (lesson 7's fix
// under crashes and partitions, 41 timed-out adds, ran out of memory).
//
// It sweeps the history in time order and keeps only what the future can
// tell apart, which rests on three facts:
//
//   - Adds commute, and an add constrains nothing itself: only a read sees
//     the total. So an add may be moved later, up to the next read after
//     it or, for one that returned, up to its return, without changing
//     anything a read sees (lazy adds). The sweep applies adds only there.
//   - Timed-out adds of the same amount are interchangeable once begun
//     (symmetry.go's argument): only how many of each amount have taken
//     effect matters, the earliest begun first. That count vector c is a
//     cell of a grid with one axis per amount.
//   - Operations that returned are gone: the sweep keeps only the open
//     operations (a bit each: taken effect or not) and the vectors c.
//
// A configuration is (mask of open operations that took effect, c); the
// frontier maps each mask to the set of its vectors, a bitset over the
// grid. At each return of an operation X, every configuration must have
// X in effect: reads are linearized (each after the adds it needs, open or
// timed out) until X is, and configurations that cannot are dropped. An
// empty frontier proves the history is not linearizable; one left at the
// end proves it is. Exact, like the search, which the differential tests
// check.
//
// accepted is false when the grid or the work would be too large (many
// timed-out adds of many amounts, or many operations open at once); the
// search then decides as before.
func sweepCounter(ops []porcupine.Operation, init any) (ok, accepted bool) {
	sw, fits := newCounterSweep(ops, counterStart(init))
	if !fits {
		return false, false
	}
	return sw.run()
}

const (
	sweepMaxCells = 1 << 22 // grid cells (one bit each, per mask)
	sweepMaxOpen  = 16      // operations open at once
	sweepMaxWork  = 1 << 27 // vectors visited in all
	sweepMaxWords = 1 << 24 // bitset words alive at once (128 MB)
)

type sweepEvent struct {
	at     int64
	ret    bool // a return, else an invocation
	op     int  // index into sw.defs, or −1 for a timed-out add
	class  int  // the timed-out add's amount's axis
	origin int  // position in ops, to keep ties in order
}

// sweepOp is an operation that must take effect within its interval: an
// add that returned, or a read that returned a total.
type sweepOp struct {
	read  bool
	delta int64 // an add's amount
	total int64 // a read's total
	slot  int   // its bit while open
}

type counterSweep struct {
	defs   []sweepOp
	events []sweepEvent
	amount []int64 // per axis, the amount of its timed-out adds
	size   []int   // per axis, how many (the grid spans 0..size)
	stride []int
	cells  int
	// positive: every amount is; then a vector's sum only grows along
	// an axis, and a walk may stop where it passes what is wanted.
	positive bool
	up       []uint64 // scratch for above, all zero between calls

	base  int64 // the start plus every add that returned
	avail []int // per axis, how many have begun
	open  []int // slot → index into defs, −1 when free
	work  int64
}

func newCounterSweep(ops []porcupine.Operation, start int64) (*counterSweep, bool) {
	sw := &counterSweep{base: start}
	lastRead := int64(-1)
	for _, o := range ops {
		if c := opCall(o); c.op == opRead && c.status == statusOK && c.result != nil {
			lastRead = max(lastRead, o.Return)
		}
	}
	axis := map[int64]int{}
	for i, o := range ops {
		c := opCall(o)
		switch {
		case c.op == opAdd && c.arg.(int64) == 0:
		case c.op == opAdd && o.Return == never:
			if o.Call >= lastRead {
				continue // no read can see it
			}
			d := c.arg.(int64)
			a, seen := axis[d]
			if !seen {
				a = len(sw.amount)
				axis[d] = a
				sw.amount = append(sw.amount, d)
				sw.size = append(sw.size, 0)
			}
			sw.size[a]++
			sw.events = append(sw.events, sweepEvent{at: o.Call, op: -1, class: a, origin: i})
		case c.op == opAdd:
			sw.addDef(sweepOp{delta: c.arg.(int64)}, o, i)
		case c.op == opRead && c.status == statusOK && c.result != nil:
			sw.addDef(sweepOp{read: true, total: c.result.(int64)}, o, i)
		}
	}
	sw.cells = 1
	for _, n := range sw.size {
		sw.stride = append(sw.stride, sw.cells)
		if sw.cells > sweepMaxCells/(n+1) {
			return nil, false
		}
		sw.cells *= n + 1
	}
	sw.positive = true
	for _, d := range sw.amount {
		sw.positive = sw.positive && d > 0
	}
	sw.avail = make([]int, len(sw.size))
	// Invocations before returns at the same moment, as porcupine orders
	// them: operations that touch in time overlap.
	sort.SliceStable(sw.events, func(i, j int) bool {
		a, b := sw.events[i], sw.events[j]
		if a.at != b.at {
			return a.at < b.at
		}
		if a.ret != b.ret {
			return !a.ret
		}
		return a.origin < b.origin
	})
	return sw, true
}

func (sw *counterSweep) addDef(op sweepOp, o porcupine.Operation, i int) {
	sw.defs = append(sw.defs, op)
	n := len(sw.defs) - 1
	sw.events = append(sw.events,
		sweepEvent{at: o.Call, op: n, origin: i},
		sweepEvent{at: o.Return, ret: true, op: n, origin: i})
}

// frontier maps a mask of open operations in effect to its vectors.
type frontier map[uint64][]uint64

func (sw *counterSweep) run() (ok, accepted bool) {
	words := (sw.cells + 63) / 64
	f := frontier{0: make([]uint64, words)}
	f[0][0] = 1 // nothing in effect, no timed-out add
	for _, e := range sw.events {
		switch {
		case e.op < 0:
			sw.avail[e.class]++
		case !e.ret:
			slot := slices.Index(sw.open, -1)
			if slot < 0 {
				if len(sw.open) == sweepMaxOpen {
					return false, false
				}
				sw.open = append(sw.open, -1)
				slot = len(sw.open) - 1
			}
			sw.open[slot] = e.op
			sw.defs[e.op].slot = slot
		default:
			var fits bool
			if f, fits = sw.complete(f, e.op); !fits {
				return false, false
			}
			if len(f) == 0 {
				return false, true
			}
		}
	}
	return true, true
}

// complete returns the frontier once operation x has returned: every
// configuration with x in effect, reached by linearizing reads (each
// after the adds it needs) until x is; then x's bit is freed.
func (sw *counterSweep) complete(f frontier, x int) (frontier, bool) {
	xo := sw.defs[x]
	bit := uint64(1) << uint(xo.slot)
	done := frontier{}
	reached := frontier{}
	var queue []uint64
	pending := frontier{} // per mask, vectors reached but not yet expanded
	for _, m := range sortedMasks(f) {
		if m&bit != 0 {
			orInto(done, m, f[m])
			continue
		}
		reached[m] = slices.Clone(f[m])
		pending[m] = slices.Clone(f[m])
		queue = append(queue, m)
	}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		delta := pending[m]
		delete(pending, m)
		if !xo.read {
			orInto(done, m|bit, delta) // x's add, last
		}
		// Each open read, after each subset of the open adds, asks the
		// timed-out adds for what its total still lacks.
		want := map[int64][]uint64{}
		var subsets []addSet
		var have int64
		reads := sw.openReads(m)
		if len(reads) > 0 { // the same for every read; none to make without one
			subsets, have = sw.addSubsets(m), sw.base+sw.addsIn(m)
		}
		for _, r := range reads {
			read := sw.defs[r]
			for _, s := range subsets {
				lack := read.total - have - s.sum
				want[lack] = append(want[lack], m|s.mask|uint64(1)<<uint(read.slot))
			}
		}
		planes := sw.above(delta, want)
		alive := len(reached) + len(pending) + len(done) + len(planes)
		if sw.work > sweepMaxWork || alive*len(delta) > sweepMaxWords {
			return nil, false
		}
		for _, next := range sortedMasks(planes) {
			cells := planes[next]
			if next&bit != 0 {
				orInto(done, next, cells) // x is in effect: the sequence may stop here
				continue
			}
			if fresh := orNew(reached, next, cells); fresh != nil {
				if pending[next] == nil {
					queue = append(queue, next)
				}
				orInto(pending, next, fresh)
			}
		}
	}
	out := frontier{}
	for m, cells := range done {
		orInto(out, m&^bit, cells)
	}
	sw.open[xo.slot] = -1
	if !xo.read {
		sw.base += xo.delta
	}
	return out, true
}

// openReads lists the open reads not yet linearized in mask m.
func (sw *counterSweep) openReads(m uint64) []int {
	var out []int
	for slot, d := range sw.open {
		if d >= 0 && sw.defs[d].read && m&(1<<uint(slot)) == 0 {
			out = append(out, d)
		}
	}
	return out
}

type addSet struct {
	mask uint64
	sum  int64
}

// addSubsets lists every subset of the open adds not yet in effect in m,
// with what each adds.
func (sw *counterSweep) addSubsets(m uint64) []addSet {
	out := []addSet{{}}
	for slot, d := range sw.open {
		if d < 0 || sw.defs[d].read || m&(1<<uint(slot)) != 0 {
			continue
		}
		for _, s := range out {
			out = append(out, addSet{s.mask | 1<<uint(slot), s.sum + sw.defs[d].delta})
		}
	}
	return out
}

// addsIn is what the open adds in effect in m add.
func (sw *counterSweep) addsIn(m uint64) int64 {
	var n int64
	for slot, d := range sw.open {
		if d >= 0 && !sw.defs[d].read && m&(1<<uint(slot)) != 0 {
			n += sw.defs[d].delta
		}
	}
	return n
}

// above finds the vectors at or above one of cells, within what has
// begun (the timed-out adds that may take effect before a read), whose
// timed-out adds add one of want's sums, and gives each to that sum's
// masks. It walks the grid from the cells' lowest corner up, in index
// order so that a vector's predecessors come first, and, when every
// amount is positive, stops an axis once the sum passes the largest
// wanted: the walk covers only the vectors a read can still use.
func (sw *counterSweep) above(cells []uint64, want map[int64][]uint64) frontier {
	out := frontier{}
	if len(want) == 0 {
		return out
	}
	top := int64(math.MinInt64)
	for s := range want {
		top = max(top, s)
	}
	axes := len(sw.size)
	lo := slices.Clone(sw.avail)
	for w, word := range cells {
		for word != 0 {
			idx := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			for a, st := range sw.stride {
				lo[a] = min(lo[a], idx/st%(sw.size[a]+1))
			}
		}
	}
	// below[a] is the least the axes under a add: what any vector adds
	// there, at the corner.
	below := make([]int64, axes+1)
	for a := range axes {
		below[a+1] = below[a] + int64(lo[a])*sw.amount[a]
	}
	if sw.up == nil {
		sw.up = make([]uint64, len(cells))
	}
	up := sw.up
	var set []int
	c := slices.Clone(lo)
	var walk func(a, idx int, sum int64)
	walk = func(a, idx int, sum int64) {
		if a < 0 {
			sw.work++
			in := cells[idx/64]&(1<<uint(idx%64)) != 0
			for b := 0; b < axes && !in; b++ {
				p := idx - sw.stride[b]
				in = c[b] > lo[b] && up[p/64]&(1<<uint(p%64)) != 0
			}
			if !in {
				return
			}
			up[idx/64] |= 1 << uint(idx%64)
			set = append(set, idx)
			for _, m := range want[sum] {
				v := out[m]
				if v == nil {
					v = make([]uint64, len(cells))
					out[m] = v
				}
				v[idx/64] |= 1 << uint(idx%64)
			}
			return
		}
		for c[a] = lo[a]; c[a] <= sw.avail[a]; c[a]++ {
			s := sum + int64(c[a])*sw.amount[a]
			if sw.positive && s+below[a] > top {
				break
			}
			walk(a-1, idx+c[a]*sw.stride[a], s)
		}
		c[a] = lo[a]
	}
	walk(axes-1, 0, 0)
	for _, idx := range set {
		up[idx/64] &^= 1 << uint(idx%64)
	}
	return out
}

func sortedMasks(f frontier) []uint64 {
	ms := make([]uint64, 0, len(f))
	for m := range f {
		ms = append(ms, m)
	}
	slices.Sort(ms)
	return ms
}

// orInto sets f[m] |= cells.
func orInto(f frontier, m uint64, cells []uint64) {
	cur := f[m]
	if cur == nil {
		f[m] = slices.Clone(cells)
		return
	}
	for i, w := range cells {
		cur[i] |= w
	}
}

// orNew sets f[m] |= cells and returns the cells that were not yet there,
// or nil when none were new.
func orNew(f frontier, m uint64, cells []uint64) []uint64 {
	cur := f[m]
	if cur == nil {
		f[m] = slices.Clone(cells)
		return cells
	}
	var fresh []uint64
	for i, w := range cells {
		if n := w &^ cur[i]; n != 0 {
			if fresh == nil {
				fresh = make([]uint64, len(cells))
			}
			fresh[i] = n
			cur[i] |= w
		}
	}
	return fresh
}
