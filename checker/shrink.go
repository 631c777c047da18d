package checker

import (
	"math"
	"slices"
	"strings"
)

// The witness search: from the operations of the shortest failing prefix,
// drop operations while the rest stays non-linearizable (ddmin, chunks then
// single operations), until removing any one more makes it linearizable.
//
// Dropping an operation drops with it the operations that could then only
// have observed a value nobody wrote in the witness — a read of 1 goes
// with the only write of 1. Without that rule every stale read would
// shrink to a lone "read of a value never written", which is true of the
// witness but a lie about the history. Reads of values that no operation
// of the history wrote are kept as they are: that is the anomaly. A
// compare-and-set observes the value it expects (when it succeeded, or may
// have), and for registers only the latest writes of a value before an
// observer count as its sources (sources.go).
//
// For sets, queues and multi-registers, the search first keeps as few
// elements (registers) as it can: the projection of a linearizable history
// onto some elements is linearizable, so a failing projection is a witness.

type shrinker struct {
	s    *searcher
	m    *model
	init any
	// supported holds the values some operation of the universe writes. A
	// failed write supports a value only when nothing else writes it: a read
	// of 3 keeps the write of 3 that can explain it, not a failed one.
	supported  map[string]bool
	failedOnly map[string]bool
	writers    map[string]int // how many calls of the universe write each value
	appends    stringPieces   // the strings the universe appends and writes (kv)
	obs        map[*call][]string
	// universe is what the witness is cut from.
	universe []*call
	// reachable is the model's own memory for its reach hook (the counter
	// reads whose totals the universe's adds can reach); nil until used.
	reachable map[int]bool
	// mismatchable marks the compare-and-sets that failed to match where
	// the universe writes some other value that explains it: the witness
	// keeps such a write. The value is the bound below which a completed
	// write is no explanation: it was replaced by another completed write
	// before the compare began (see sources.go).
	mismatchable map[int]int
	// latest is the model's: an observer's sources are the latest writes
	// of its value (sources.go); shadow holds, per observer and value, the
	// bound below which a write of it is not a source.
	latest bool
	shadow map[shadowKey]int
	// tip is the id of the operation whose completion tipped the history
	// into failure; while it is set (not -1), candidates must fail because
	// of it (see anchoredOn).
	tip    int
	checks int
}

func newShrinker(s *searcher, universe []*call) *shrinker {
	sh := &shrinker{s: s, m: s.m, init: s.init, supported: map[string]bool{}, failedOnly: map[string]bool{}, writers: map[string]int{}, obs: map[*call][]string{}, universe: universe, mismatchable: map[int]int{}, tip: -1}
	var all doneWrites
	for _, w := range universe {
		if overwrites(w) {
			all.add(w)
		}
	}
	for _, c := range universe {
		if c.op == opCAS && c.status == statusMismatch {
			bound, ok := all.latestBefore(c.invPos)
			if !ok {
				bound = math.MinInt
			}
			if otherValueWritten(c, universe, nil, bound) {
				sh.mismatchable[c.id] = bound
			}
		}
	}
	if sh.m.writes == nil {
		return sh
	}
	sh.appends = appendsOf(universe)
	for _, c := range universe {
		if c.status != statusFailed {
			for _, t := range sh.m.writes(c) {
				sh.supported[t] = true
			}
		}
	}
	for _, c := range universe {
		if c.status == statusFailed {
			for _, t := range sh.m.writes(c) {
				if !sh.supported[t] {
					sh.failedOnly[t] = true
				}
			}
		}
	}
	for t := range sh.failedOnly {
		sh.supported[t] = true
	}
	for _, c := range universe {
		for _, t := range sh.writesOf(c) {
			sh.writers[t]++
		}
	}
	if sh.latest = sh.m.latest; sh.latest {
		sh.shadow = sh.shadowBounds(universe)
	}
	return sh
}

// writesOf lists the values c supports.
func (sh *shrinker) writesOf(c *call) []string {
	ts := sh.m.writes(c)
	if c.status != statusFailed {
		return ts
	}
	var out []string
	for _, t := range ts {
		if sh.failedOnly[t] {
			out = append(out, t)
		}
	}
	return out
}

func (sh *shrinker) nonLinearizable(calls []*call) bool {
	sh.checks++
	if len(calls) == 0 || sh.s.check(calls, int(never)) != vIllegal {
		return false
	}
	return sh.tip < 0 || sh.anchoredOn(calls)
}

// anchoredOn reports whether calls fail because of the tip's completion:
// they hold the tip, and with the tip still in flight they are
// linearizable. Dropping operations can make a history fail for a reason
// of its own — a read left without the later write it saw — and such a
// witness would tell a story the history does not.
func (sh *shrinker) anchoredOn(calls []*call) bool {
	at := -1
	for i, c := range calls {
		if c.id == sh.tip {
			at = i
		}
	}
	if at < 0 {
		return false
	}
	pending := *calls[at]
	pending.status, pending.result, pending.comp, pending.compPos = statusUnknown, nil, nil, -1
	open := append(append(append([]*call(nil), calls[:at]...), &pending), calls[at+1:]...)
	return sh.s.check(open, int(never)) == vOK
}

// without removes the calls in remove, and with them the observers left
// without a writer that began before they ended. remove is extended in
// place.
func (sh *shrinker) without(cur []*call, remove map[int]bool) []*call {
	if sh.m.reach != nil {
		sh.m.reach(sh, cur, remove)
	} else if sh.m.observes != nil && sh.m.writes != nil {
		for changed := true; changed; {
			changed = false
			ix := sh.writerIndex(cur, remove)
			for _, c := range cur {
				if !remove[c.id] && (sh.orphaned(c, ix) || sh.missedWithout(c, cur, remove)) {
					remove[c.id] = true
					changed = true
				}
			}
		}
	}
	out := make([]*call, 0, len(cur))
	for _, c := range cur {
		if !remove[c.id] {
			out = append(out, c)
		}
	}
	return out
}

// missedWithout reports whether c is a mismatchable compare left without
// a remaining write that explains it.
func (sh *shrinker) missedWithout(c *call, cur []*call, remove map[int]bool) bool {
	bound, ok := sh.mismatchable[c.id]
	return ok && !otherValueWritten(c, cur, remove, bound)
}

// otherValueWritten reports whether a remaining call, begun before the
// failed compare-and-set c ended, writes a value other than the one c
// expected: something that could have made its compare miss. A completed
// write that completed before bound had been replaced when c began, and
// explains nothing.
func otherValueWritten(c *call, calls []*call, remove map[int]bool, bound int) bool {
	for _, w := range calls {
		if w == c || remove[w.id] || w.invPos > c.compPos && c.compPos >= 0 || overwrites(w) && w.compPos < bound {
			continue
		}
		switch {
		case w.op == opWrite && !valueEqual(w.arg, c.arg):
			return true
		case w.op == opCAS && w.status != statusMismatch && !valueEqual(w.arg2, c.arg):
			return true
		}
	}
	return false
}

func (sh *shrinker) observes(c *call) []string {
	if ts, ok := sh.obs[c]; ok {
		return ts
	}
	ts := observedBy(sh.m, c, sh.init, sh.appends)
	sh.obs[c] = ts
	return ts
}

// observedBy lists the values c's result depends on having been written.
// On a key that appends build, a read of a string depends on each append
// it shows, and on the write its value starts with.
func observedBy(m *model, c *call, init any, pieces stringPieces) []string {
	if c.op == opRead && c.status == statusOK && len(pieces.appends) > 0 {
		if s, ok := c.result.(string); ok {
			var out []string
			for _, a := range pieces.appends {
				if a != "" && strings.Contains(s, a) {
					out = append(out, appendToken(a))
				}
			}
			base := ""
			for _, w := range pieces.writes {
				if len(w) > len(base) && strings.HasPrefix(s, w) {
					base = w
				}
			}
			if base != "" {
				out = append(out, token(base))
			}
			return out
		}
	}
	return m.observes(c, init)
}

// stringPieces are the strings a key's appends and writes put in it.
type stringPieces struct {
	appends, writes []string
}

func appendsOf(calls []*call) stringPieces {
	var p stringPieces
	for _, c := range calls {
		switch c.op {
		case opAppend:
			p.appends = append(p.appends, c.arg.(string))
		case opWrite:
			if s, ok := c.arg.(string); ok {
				p.writes = append(p.writes, s)
			}
		}
	}
	return p
}

// oneByOne is the longest list minimize takes one call at a time.
const oneByOne = 48

// windowMin is the first window the search tries around the failing call.
const windowMin = 8

// window narrows calls to those near the failing call, before ddmin: the
// k calls invoked last, the failing one, and every call that wrote what
// they observed; k doubles until the failure shows within them. To prove
// a history fails, a search must try every order, so a check costs the
// more the more calls it has; ddmin would begin with halves of the whole
// prefix, and a long history's witness is usually near its failing call.
func (sh *shrinker) window(calls []*call, tip *call) []*call {
	if tip == nil || len(calls) <= 2*windowMin {
		return calls
	}
	byToken := map[string][]*call{}
	if sh.m.writes != nil {
		for _, c := range calls {
			for _, t := range sh.writesOf(c) {
				byToken[t] = append(byToken[t], c)
			}
		}
	}
	order := slices.Clone(calls)
	slices.SortStableFunc(order, func(a, b *call) int { return b.invPos - a.invPos })
	for k := windowMin; 2*k < len(calls); k *= 2 {
		keep := map[int]bool{tip.id: true}
		for _, c := range order[:k] {
			keep[c.id] = true
		}
		for _, c := range order[:k] {
			if sh.m.observes == nil {
				break
			}
			for _, t := range sh.observes(c) {
				for _, w := range byToken[t] {
					keep[w.id] = true
				}
			}
		}
		for _, t := range sh.observesOrNil(tip) {
			for _, w := range byToken[t] {
				keep[w.id] = true
			}
		}
		remove := map[int]bool{}
		for _, c := range calls {
			if !keep[c.id] {
				remove[c.id] = true
			}
		}
		cand := sh.without(calls, remove)
		if len(cand) < len(calls) && sh.nonLinearizable(cand) {
			return cand
		}
		if sh.s.stopped() {
			break
		}
	}
	return calls
}

func (sh *shrinker) observesOrNil(c *call) []string {
	if sh.m.observes == nil {
		return nil
	}
	return sh.observes(c)
}

// minimize runs ddmin over the calls, all of which together fail. A short
// list goes one call at a time from the first invoked, so that of two
// witnesses the one nearer the failure stays: the write that replaced a
// value just before a stale read, rather than an older one.
func (sh *shrinker) minimize(cur []*call) []*call {
	n := 2
	if len(cur) <= oneByOne {
		n = len(cur)
	}
	for len(cur) >= 2 && !sh.s.stopped() {
		chunk := (len(cur) + n - 1) / n
		reduced := false
		for start := 0; start < len(cur); start += chunk {
			rm := map[int]bool{}
			for _, c := range cur[start:min(start+chunk, len(cur))] {
				if c.id != sh.tip {
					rm[c.id] = true
				}
			}
			if len(rm) == 0 {
				continue
			}
			cand := sh.without(cur, rm)
			if len(cand) < len(cur) && sh.nonLinearizable(cand) {
				cur = cand
				n = max(n-1, 2)
				reduced = true
				break
			}
			if sh.s.stopped() {
				return cur
			}
		}
		if !reduced {
			if chunk == 1 {
				break
			}
			n = min(n*2, len(cur))
		}
	}
	return cur
}

// projectOnto keeps only the given elements of every call.
func (sh *shrinker) projectOnto(calls []*call, keep map[string]bool) []*call {
	out := make([]*call, 0, len(calls))
	for _, c := range calls {
		if pc := sh.m.project(c, keep); pc != nil {
			out = append(out, pc)
		}
	}
	return out
}

// fewestElements projects calls onto as few elements as still fail. It
// returns the calls unchanged when the model has no elements.
func (sh *shrinker) fewestElements(calls []*call, first *call) []*call {
	if sh.m.elements == nil {
		return calls
	}
	var elems []string
	seen := map[string]bool{}
	add := func(c *call) {
		for _, e := range sh.m.elements(c) {
			if !seen[e] {
				seen[e] = true
				elems = append(elems, e)
			}
		}
	}
	if first != nil {
		add(first)
	}
	for _, c := range calls {
		add(c)
	}
	if len(elems) <= 1 {
		return calls
	}
	for _, e := range elems {
		if sh.s.stopped() {
			return calls
		}
		if p := sh.projectOnto(calls, map[string]bool{e: true}); sh.nonLinearizable(p) {
			return p
		}
	}
	// No single element fails alone: drop elements ddmin-style.
	kept := elems
	n := 2
	for len(kept) >= 2 && !sh.s.stopped() {
		chunk := (len(kept) + n - 1) / n
		reduced := false
		for start := 0; start < len(kept); start += chunk {
			next := append(append([]string(nil), kept[:start]...), kept[min(start+chunk, len(kept)):]...)
			if sh.nonLinearizable(sh.projectOnto(calls, setOf(next))) {
				kept, n, reduced = next, max(n-1, 2), true
				break
			}
		}
		if !reduced {
			if chunk == 1 {
				break
			}
			n = min(n*2, len(kept))
		}
	}
	return sh.projectOnto(calls, setOf(kept))
}

func setOf(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
