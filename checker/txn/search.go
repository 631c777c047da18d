package txn

import (
	"context"
	"math"
	"slices"
)

// Cycle search, after Elle's: within each strongly connected component of
// the dependency graph, look for a cycle of each class in turn, most severe
// first, skipping classes a cycle already found implies. A class is a set
// of dependency kinds a cycle may use freely (base) and a rule for its
// anti-dependencies (mode). Every search is exact on the graph — it finds a
// cycle of the class whenever one exists — unless its budget runs out,
// which is then reported.

type rwMode int

const (
	rwNone        rwMode = iota // no anti-dependencies: G0, G1c
	rwSingle                    // exactly one: G-single-item
	rwNonadjacent               // several, never two in a row: G-nonadjacent-item
	rwAny                       // any: G2-item
)

type class struct {
	name string
	base rel
	mode rwMode
	// needs is the kind that sets a variant apart (process, real time):
	// without such arcs the search would repeat the plain class's.
	needs rel
}

// classes lists the classes to search, most severe first: the data-only
// classes, then with process order, then with real time.
func classes(process, realtime bool) []class {
	data := []class{
		{G0, relWW, rwNone, 0},
		{G1c, relWW | relWR, rwNone, 0},
		{GSingle, relWW | relWR, rwSingle, 0},
		{GNonadjacent, relWW | relWR, rwNonadjacent, 0},
		{G2Item, relWW | relWR, rwAny, 0},
	}
	out := slices.Clone(data)
	variant := func(suffix string, extra, needs rel) {
		for _, c := range data {
			out = append(out, class{c.name + suffix, c.base | extra, c.mode, needs})
		}
	}
	if process {
		variant("-process", relProcess, relProcess)
	}
	if realtime {
		variant("-realtime", relProcess|relRealtime, relRealtime)
	}
	return out
}

// cycle is a cycle found: its vertices in order and the kind each step
// takes (labels[i] leads from verts[i] to verts[i+1], the last back to the
// first).
type cycle struct {
	verts  []int32
	labels []Rel
}

// classify names a cycle by the kinds of its steps, as Elle does: by its
// anti-dependencies (none: G0 or G1c; one: G-single-item; several, two of
// them in a row: G2-item; otherwise G-nonadjacent-item), then -realtime if
// a step needs real time, else -process if one needs process order.
func classify(labels []Rel) string {
	var rw, wr, process, realtime int
	adjacent := false
	for i, l := range labels {
		switch l {
		case RW:
			rw++
			adjacent = adjacent || labels[(i+1)%len(labels)] == RW
		case WR:
			wr++
		case Process:
			process++
		case Realtime:
			realtime++
		}
	}
	name := G0
	switch {
	case rw == 1:
		name = GSingle
	case rw > 1 && adjacent:
		name = G2Item
	case rw > 1:
		name = GNonadjacent
	case wr > 0:
		name = G1c
	}
	switch {
	case realtime > 0:
		return name + "-realtime"
	case process > 0:
		return name + "-process"
	}
	return name
}

// candidateLimit bounds how many cycles of one class a search compares to
// keep the shortest.
const candidateLimit = 16

// componentSearch searches one strongly connected component.
type componentSearch struct {
	g      *graph // the component, renumbered
	budget int
}

// found is a cycle of one class in a component, or a note that the search
// for it ran out of budget.
type found struct {
	class    string
	cyc      *cycle
	timedOut bool
}

// run searches every class in turn. A cycle is recorded under the class its
// steps make it (normally the class searched).
func (s *componentSearch) run(ctx context.Context, cls []class) []found {
	var kinds rel
	for _, r := range s.g.rels {
		kinds |= r
	}
	skip := map[string]bool{}
	var out []found
	anyCycle := false
	for _, c := range cls {
		if skip[c.name] || ctx.Err() != nil {
			continue
		}
		if kinds&c.needs != c.needs {
			continue // no such arcs here: the same search as a class before
		}
		b := &budget{left: s.budget}
		cyc := s.search(c, b)
		if cyc == nil {
			if b.exhausted() {
				out = append(out, found{class: c.name, timedOut: true})
			}
			continue
		}
		anyCycle = true
		name := classify(cyc.labels)
		if !skip[name] {
			out = append(out, found{class: name, cyc: cyc})
		}
		for a := range impliedBy(name) {
			skip[a] = true
		}
	}
	if !anyCycle && len(out) > 0 && ctx.Err() == nil {
		// Every search gave up: say at least what some cycle here is.
		if cyc := s.anyCycle(relAll, &budget{left: math.MaxInt}); cyc != nil {
			out = append(out, found{class: classify(cyc.labels), cyc: cyc})
		}
	}
	return out
}

func (s *componentSearch) search(c class, b *budget) *cycle {
	switch c.mode {
	case rwNone:
		return s.anyCycle(c.base, b)
	case rwSingle:
		return s.singleRW(c.base, b)
	case rwNonadjacent:
		return s.nonadjacentRW(c.base, b)
	}
	return s.someRW(c.base, b)
}

// labelled names the steps of a cycle given by its vertices: step i by the
// kinds its arc allows, rw where rwAt says so.
func (s *componentSearch) labelled(verts []int32, allowed rel, rwAt func(i int) bool) *cycle {
	c := &cycle{verts: verts, labels: make([]Rel, len(verts))}
	for i, u := range verts {
		v := verts[(i+1)%len(verts)]
		if rwAt != nil && rwAt(i) {
			c.labels[i] = RW
		} else {
			c.labels[i] = label(s.g.kinds(u, v), allowed)
		}
	}
	return c
}

// anyCycle finds a cycle over arcs of kinds mask: in the smallest component
// of those arcs, a shortest cycle through one of its vertices, the best of
// a few.
func (s *componentSearch) anyCycle(mask rel, b *budget) *cycle {
	comp, count := s.g.components(mask)
	var group []int32
	for _, m := range members(comp, count) {
		if len(m) > 1 && (group == nil || len(m) < len(group)) {
			group = m
		}
	}
	if group == nil {
		return nil
	}
	c := comp[group[0]]
	in := func(v int32) bool { return comp[v] == c }
	var best []int32
	for i, v := range group {
		bb := b
		if i == 0 {
			bb = &budget{left: math.MaxInt} // a cycle through v exists: find it whatever it costs
		}
		p := s.g.path(v, v, mask, in, bb)
		if p != nil && (best == nil || len(p) < len(best)) {
			best = p
		}
		if len(best) == 3 || i+1 >= candidateLimit || b.exhausted() {
			break
		}
	}
	return s.labelled(best[:len(best)-1], mask, nil)
}

// rwArc is an anti-dependency arc u→v.
type rwArc struct{ u, v int32 }

func (s *componentSearch) rwArcs() []rwArc {
	var out []rwArc
	for u := int32(0); u < int32(s.g.n); u++ {
		lo, hi := s.g.arcs(u)
		for k := lo; k < hi; k++ {
			if s.g.rels[k]&relRW != 0 {
				out = append(out, rwArc{u, s.g.to[k]})
			}
		}
	}
	return out
}

// closeRW closes an anti-dependency u→v with a shortest path v…u over arcs
// of kinds mask, for the first candidates, and keeps the shortest cycle.
func (s *componentSearch) closeRW(cands []rwArc, mask rel, b *budget) *cycle {
	var best []int32
	for i, a := range cands {
		bb := b
		if i == 0 {
			bb = &budget{left: math.MaxInt} // known to close: find it whatever it costs
		}
		p := s.g.path(a.v, a.u, mask, nil, bb)
		if p != nil && (best == nil || len(p) < len(best)) {
			best = append([]int32{a.u}, p[:len(p)-1]...)
		}
		if len(best) == 2 || i+1 >= candidateLimit || b.exhausted() {
			break
		}
	}
	if best == nil {
		return nil
	}
	return s.labelled(best, mask, func(i int) bool { return i == 0 })
}

// singleRW finds a cycle of one anti-dependency u→v and a path v…u over
// arcs of kinds base. v reaches u over base arcs when they share a
// component of those arcs, or when u's component is reachable from v's in
// the condensation; reachability is computed for 64 target components at
// a time by one pass over the condensation in topological order.
func (s *componentSearch) singleRW(base rel, b *budget) *cycle {
	arcs := s.rwArcs()
	if len(arcs) == 0 {
		return nil
	}
	comp, count := s.g.components(base)
	var cands, pending []rwArc
	for _, a := range arcs {
		switch {
		case comp[a.u] == comp[a.v]:
			cands = append(cands, a)
		case comp[a.u] < comp[a.v]: // arcs lead to lower numbers: maybe
			pending = append(pending, a)
		}
	}
	if len(cands) == 0 && len(pending) > 0 {
		cands = s.reachable(pending, comp, count, base, b)
	}
	if len(cands) == 0 {
		return nil
	}
	return s.closeRW(cands, base, b)
}

// reachable keeps the arcs u→v of pending whose v reaches u over arcs of
// kinds base, given the components of those arcs.
func (s *componentSearch) reachable(pending []rwArc, comp []int32, count int32, base rel, b *budget) []rwArc {
	groups := members(comp, count)
	var targets []int32
	for _, a := range pending {
		targets = append(targets, comp[a.u])
	}
	slices.Sort(targets)
	targets = slices.Compact(targets)
	bits := make([]uint64, count)
	var out []rwArc
	for lo := 0; lo < len(targets); lo += 64 {
		batch := targets[lo:min(lo+64, len(targets))]
		clear(bits)
		for j, t := range batch {
			bits[t] |= 1 << j
		}
		if !b.spend(len(s.g.to) + s.g.n) {
			return out
		}
		for c := int32(0); c < count; c++ {
			for _, v := range groups[c] {
				first, end := s.g.arcs(v)
				for k := first; k < end; k++ {
					if s.g.rels[k]&base != 0 {
						bits[c] |= bits[comp[s.g.to[k]]]
					}
				}
			}
		}
		for _, a := range pending {
			if j, ok := slices.BinarySearch(batch, comp[a.u]); ok && bits[comp[a.v]]&(1<<j) != 0 {
				out = append(out, a)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return out
}

// someRW finds a cycle with an anti-dependency, over arcs of kinds base and
// rw: an rw arc u→v inside a component of those arcs, closed by a shortest
// path back.
func (s *componentSearch) someRW(base rel, b *budget) *cycle {
	mask := base | relRW
	comp, _ := s.g.components(mask)
	var cands []rwArc
	for _, a := range s.rwArcs() {
		if comp[a.u] == comp[a.v] {
			cands = append(cands, a)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return s.closeRW(cands, mask, b)
}
