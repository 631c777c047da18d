package checker

import (
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
	sweepMaxWork  = 1 << 29 // cell visits in all
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
	sums   []int64 // per cell, what its timed-out adds add

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
	sw.sums = make([]int64, sw.cells)
	for idx := range sw.sums {
		for a, st := range sw.stride {
			sw.sums[idx] += int64(idx/st%(sw.size[a]+1)) * sw.amount[a]
		}
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
		up, fits := sw.upward(delta)
		if !fits {
			return nil, false
		}
		for _, r := range sw.openReads(m) {
			read := sw.defs[r]
			// Each subset of the open adds asks the timed-out ones for
			// what the read's total still lacks.
			want := map[int64][]uint64{}
			for _, s := range sw.addSubsets(m) {
				lack := read.total - sw.base - sw.addsIn(m) - s.sum
				want[lack] = append(want[lack], m|s.mask|uint64(1)<<uint(read.slot))
			}
			planes := sw.onPlanes(up, want)
			if sw.work > sweepMaxWork {
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

// upward is every vector at or above one of cells, within what has begun:
// the timed-out adds that may take effect before a read.
func (sw *counterSweep) upward(cells []uint64) ([]uint64, bool) {
	up := slices.Clone(cells)
	for a, st := range sw.stride {
		n := sw.size[a] + 1
		sw.work += int64(sw.cells)
		if sw.work > sweepMaxWork {
			return nil, false
		}
		for idx := range sw.cells {
			c := idx / st % n
			if c == 0 || c > sw.avail[a] || up[(idx-st)/64]&(1<<uint((idx-st)%64)) == 0 {
				continue
			}
			up[idx/64] |= 1 << uint(idx%64)
		}
	}
	return up, true
}

// onPlanes sorts the vectors of up by what their timed-out adds add: each
// goes to the masks that want that sum.
func (sw *counterSweep) onPlanes(up []uint64, want map[int64][]uint64) frontier {
	out := frontier{}
	for w, word := range up {
		sw.work++
		for word != 0 {
			idx := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			sw.work++
			for _, m := range want[sw.sums[idx]] {
				cells := out[m]
				if cells == nil {
					cells = make([]uint64, len(up))
					out[m] = cells
				}
				cells[idx/64] |= 1 << uint(idx%64)
			}
		}
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
