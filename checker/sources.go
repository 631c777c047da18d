package checker

import (
	"math"
	"sort"
)

// Sources: which writes could have produced what an operation observed.
// The witness search keeps, for every observer it keeps, one of them.
//
// For a register (writes overwrite), an observer of v began after some
// writes of v had completed; if a write w of v was followed by another
// write w' of v that began after w completed and completed before the
// observer began, the observer saw w' or something later, never w: in any
// linearization w' lies between. So the observer's sources are the writes
// of v not shadowed that way, judged on the whole failing prefix. Dropping
// the last of them drops the observer. Without this, a witness could drop
// the compare-and-set that put 4 back in the register and keep an older
// write of 4, so that a later compare-and-set from 4 fails only because
// of what the witness left out.
//
// Likewise a compare-and-set that missed needs a write of another value
// that could still be in place when it began: a write that completed
// before another completed write began, itself completed before the
// compare began, had been replaced by then (see otherValueWritten).
//
// For sets and queues an element stays once added, so every add of it is
// a source; likewise appends.

// shadowKey names an observer's token.
type shadowKey struct {
	id  int
	tok string
}

// shadowBounds computes, for every observer in universe and each token it
// observes, the latest invocation of a completed overwriting write of that
// token that completed before the observer began: writes of the token that
// completed before that are not its sources. Observers with no such write
// are left out.
func (sh *shrinker) shadowBounds(universe []*call) map[shadowKey]int {
	byTok := map[string]*doneWrites{}
	for _, w := range universe {
		if !overwrites(w) {
			continue
		}
		for _, t := range sh.writesOf(w) {
			if byTok[t] == nil {
				byTok[t] = &doneWrites{}
			}
			byTok[t].add(w)
		}
	}
	out := map[shadowKey]int{}
	for _, c := range universe {
		for _, t := range sh.observes(c) {
			if ds := byTok[t]; ds != nil {
				if bound, ok := ds.latestBefore(c.invPos); ok {
					out[shadowKey{c.id, t}] = bound
				}
			}
		}
	}
	return out
}

// doneWrites answers "which completed write, among those that completed
// before pos, began last?": a write that completed before that one began
// had been replaced by pos.
type doneWrites struct {
	ws     []doneWrite
	sorted bool
}

type doneWrite struct{ comp, inv int }

func (d *doneWrites) add(w *call) {
	d.ws = append(d.ws, doneWrite{w.compPos, w.invPos})
	d.sorted = false
}

// latestBefore returns the latest invocation among the writes that
// completed before pos.
func (d *doneWrites) latestBefore(pos int) (int, bool) {
	if !d.sorted {
		// By completion, with the running maximum of invocations.
		sort.Slice(d.ws, func(i, j int) bool { return d.ws[i].comp < d.ws[j].comp })
		for i := 1; i < len(d.ws); i++ {
			d.ws[i].inv = max(d.ws[i].inv, d.ws[i-1].inv)
		}
		d.sorted = true
	}
	n := sort.Search(len(d.ws), func(i int) bool { return d.ws[i].comp >= pos })
	if n == 0 {
		return 0, false
	}
	return d.ws[n-1].inv, true
}

// overwrites reports whether w certainly replaced the register's value:
// a write or compare-and-set that completed ok.
func overwrites(w *call) bool {
	return w.status == statusOK && w.compPos >= 0 && (w.op == opWrite || w.op == opCAS || w.op == opTxn)
}

// writerIndex lists, per token, the remaining writers in invocation order,
// with the two best "shadow keys" so far: a writer is a source of an
// observer unless it overwrites and completed before the observer's bound.
type writerIndex map[string]*tokWriters

type tokWriters struct {
	inv  []int       // invocation positions, ascending
	best [][2]ranked // best[i]: the two highest keys among writers 0..i
}

type ranked struct {
	key int // completion position when the writer overwrites, else MaxInt
	id  int
}

func (sh *shrinker) writerIndex(cur []*call, remove map[int]bool) writerIndex {
	ix := writerIndex{}
	for _, w := range cur {
		if remove[w.id] {
			continue
		}
		r := ranked{key: math.MaxInt, id: w.id}
		if sh.latest && overwrites(w) {
			r.key = w.compPos
		}
		for _, t := range sh.writesOf(w) {
			tw := ix[t]
			if tw == nil {
				tw = &tokWriters{}
				ix[t] = tw
			}
			top := [2]ranked{{key: math.MinInt, id: -1}, {key: math.MinInt, id: -1}}
			if n := len(tw.best); n > 0 {
				top = tw.best[n-1]
			}
			switch {
			case r.key > top[0].key:
				top[0], top[1] = r, top[0]
			case r.key > top[1].key:
				top[1] = r
			}
			tw.inv = append(tw.inv, w.invPos)
			tw.best = append(tw.best, top)
		}
	}
	return ix
}

// hasSource reports whether a writer of t other than c remains that was
// invoked by end and is not shadowed below bound.
func (ix writerIndex) hasSource(c *call, t string, end, bound int) bool {
	tw := ix[t]
	if tw == nil {
		return false
	}
	n := sort.SearchInts(tw.inv, end+1)
	if n == 0 {
		return false
	}
	for _, r := range tw.best[n-1] {
		if r.id >= 0 && r.id != c.id {
			return r.key >= bound
		}
	}
	return false
}

// selfOnly reports whether c is the universe's only writer of t (a
// compare-and-set from 2 to 2): then t constrains nothing, as a value
// nobody wrote.
func (sh *shrinker) selfOnly(c *call, t string) bool {
	if sh.writers[t] != 1 {
		return false
	}
	for _, u := range sh.writesOf(c) {
		if u == t {
			return true
		}
	}
	return false
}

// orphaned reports whether c observes a value that the universe writes
// but that none of c's sources still writes.
func (sh *shrinker) orphaned(c *call, ix writerIndex) bool {
	end := c.compPos
	if end < 0 || c.status == statusUnknown {
		end = int(never)
	}
	for _, t := range sh.observes(c) {
		if !sh.supported[t] || sh.selfOnly(c, t) {
			continue
		}
		bound, shadowed := sh.shadow[shadowKey{c.id, t}]
		if !shadowed {
			bound = math.MinInt
		}
		if !ix.hasSource(c, t, end, bound) {
			return true
		}
	}
	return false
}
