package txn

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
)

// The cycle search against brute force on small random graphs: every
// simple cycle, with every naming of its steps its arcs allow, classified.
// In each strongly connected component the classes found must be present,
// and every class present must be found or implied by one found.
func TestSearchAgainstBruteForce(t *testing.T) {
	t.Parallel()
	runs := sweep(3000, 3000, 50000)
	r := rand.New(rand.NewPCG(14, 2))
	// Uniform kinds find few cycles whose anti-dependencies alternate
	// with other steps; the second mix makes rw and wr arcs common.
	mixes := [][]rel{
		{relWW, relWR, relRW, relProcess, relRealtime},
		{relRW, relRW, relRW, relWR, relWR, relWR, relWW, relProcess, relRealtime},
	}
	for run := range runs {
		kinds := mixes[run%2]
		n := 2 + r.IntN(7)
		var arcs []arc
		extra := r.IntN(3 * n)
		if run%3 == 2 && n >= 4 {
			// A ring whose rw steps alternate with others, plus a few arcs
			// that may or may not spoil it.
			for i := range n {
				k := relWR
				if i%2 == 0 {
					k = relRW
				}
				if i == n-1 && n%2 == 1 {
					k = []rel{relWW, relProcess, relRealtime}[r.IntN(3)]
				}
				arcs = append(arcs, arc{int32(i), int32((i + 1) % n), k})
			}
			extra = r.IntN(n)
		}
		for range extra {
			u, v := int32(r.IntN(n)), int32(r.IntN(n))
			k := kinds[r.IntN(len(kinds))]
			if r.IntN(4) == 0 {
				k |= kinds[r.IntN(len(kinds))]
			}
			arcs = append(arcs, arc{u, v, k})
		}
		g := newGraph(n, arcs)
		comp, count := g.components(relAll)
		local := make([]int32, n)
		for i := range local {
			local[i] = -1
		}
		for _, verts := range members(comp, count) {
			if len(verts) < 2 {
				continue
			}
			sub := g.induced(verts, local)
			s := &componentSearch{g: sub, budget: DefaultBudget}
			var found []string
			for _, f := range s.run(context.Background(), classes(true, true)) {
				if f.timedOut {
					t.Fatalf("run %d: search for %s gave up on %d vertices", run, f.class, len(verts))
				}
				checkCycle(t, sub, f)
				found = append(found, f.class)
			}
			present := presentClasses(sub)
			covered := impliedBy(found...)
			for _, f := range found {
				if !present[f] {
					t.Fatalf("run %d: found a %s, which no cycle is; arcs %v", run, f, arcs)
				}
			}
			for p := range present {
				if !covered[p] {
					t.Fatalf("run %d: a %s cycle exists but only %v were found; arcs %v", run, p, found, arcs)
				}
			}
		}
	}
}

// checkCycle checks that a found cycle is a cycle of g whose steps take
// kinds their arcs have, and is of the class reported.
func checkCycle(t *testing.T, g *graph, f found) {
	t.Helper()
	c := f.cyc
	if !distinct(c.verts) || len(c.verts) < 2 {
		t.Fatalf("%s: not a simple cycle: %v", f.class, c.verts)
	}
	for i, u := range c.verts {
		v := c.verts[(i+1)%len(c.verts)]
		if g.kinds(u, v)&bitOf(c.labels[i]) == 0 {
			t.Fatalf("%s: step %d→%d is %s, the arc has %b", f.class, u, v, c.labels[i], g.kinds(u, v))
		}
	}
	if classify(c.labels) != f.class {
		t.Fatalf("%s: steps %v make a %s", f.class, c.labels, classify(c.labels))
	}
}

// presentClasses enumerates every simple cycle of g (each from its least
// vertex) and every naming of its steps.
func presentClasses(g *graph) map[string]bool {
	present := map[string]bool{}
	var path []int32
	var walk func(start, u int32)
	walk = func(start, u int32) {
		lo, hi := g.arcs(u)
		for k := lo; k < hi; k++ {
			v := g.to[k]
			switch {
			case v == start:
				namings(g, append(slices.Clone(path), u), present)
			case v > start && !slices.Contains(path, v) && v != u:
				path = append(path, u)
				walk(start, v)
				path = path[:len(path)-1]
			}
		}
	}
	for s := int32(0); s < int32(g.n); s++ {
		walk(s, s)
	}
	return present
}

func namings(g *graph, cyc []int32, present map[string]bool) {
	labels := make([]Rel, len(cyc))
	var pick func(i int)
	pick = func(i int) {
		if i == len(cyc) {
			present[classify(labels)] = true
			return
		}
		k := g.kinds(cyc[i], cyc[(i+1)%len(cyc)])
		for _, l := range labelOrder {
			if k&l.bit != 0 {
				labels[i] = l.rel
				pick(i + 1)
			}
		}
	}
	pick(0)
}
