package txn

import (
	"cmp"
	"slices"
)

// rel is a set of dependency kinds, one bit each; an arc between two
// transactions carries every kind the history proves between them.
type rel uint8

const (
	relWW rel = 1 << iota
	relWR
	relRW
	relProcess
	relRealtime

	relData = relWW | relWR | relRW
	relAll  = relData | relProcess | relRealtime
)

// Rel names a dependency, as Elle does.
type Rel string

// The dependencies a cycle's steps can take.
const (
	WW       Rel = "ww"       // write-write: From wrote a version, To wrote the next
	WR       Rel = "wr"       // write-read: To read what From wrote
	RW       Rel = "rw"       // read-write (anti-dependency): To overwrote what From read
	Process  Rel = "process"  // the same process ran From, then To
	Realtime Rel = "realtime" // From completed before To began
)

// labelOrder is the order in which an arc's kinds are preferred when a step
// is named: data dependencies first, anti-dependencies last, so that a cycle
// is counted with as few rw steps as its arcs allow.
var labelOrder = []struct {
	bit rel
	rel Rel
}{{relWW, WW}, {relWR, WR}, {relProcess, Process}, {relRealtime, Realtime}, {relRW, RW}}

// label picks the name of an arc with kinds r, among those allowed.
func label(r, allowed rel) Rel {
	for _, l := range labelOrder {
		if r&allowed&l.bit != 0 {
			return l.rel
		}
	}
	return ""
}

func bitOf(r Rel) rel {
	for _, l := range labelOrder {
		if l.rel == r {
			return l.bit
		}
	}
	return 0
}

// arc is one dependency between transactions, by their positions.
type arc struct {
	from, to int32
	rels     rel
}

// graph is a directed graph in compressed rows: the arcs leaving v are
// to[start[v]:start[v+1]], with their kinds in rels.
type graph struct {
	n     int
	start []int32
	to    []int32
	rels  []rel

	// scratch for path, reused across searches
	parent []int32
	seen   []uint32
	stamp  uint32
}

// newGraph builds a graph of n vertices from arcs, merging the kinds of
// arcs between the same two vertices. Self-arcs are dropped: a transaction
// does not depend on itself.
func newGraph(n int, arcs []arc) *graph {
	slices.SortFunc(arcs, func(a, b arc) int {
		if c := cmp.Compare(a.from, b.from); c != 0 {
			return c
		}
		return cmp.Compare(a.to, b.to)
	})
	g := &graph{n: n, start: make([]int32, n+1)}
	for _, a := range arcs {
		if a.from == a.to {
			continue
		}
		if k := len(g.to); k > 0 && g.to[k-1] == a.to && int(g.start[a.from+1]) == k {
			g.rels[k-1] |= a.rels
			continue
		}
		g.to = append(g.to, a.to)
		g.rels = append(g.rels, a.rels)
		g.start[a.from+1] = int32(len(g.to))
	}
	for v := 1; v <= n; v++ {
		if g.start[v] < g.start[v-1] {
			g.start[v] = g.start[v-1]
		}
	}
	return g
}

// arcs returns the range of v's arcs.
func (g *graph) arcs(v int32) (int32, int32) { return g.start[v], g.start[v+1] }

// kinds returns the kinds of the arc u→v, 0 when there is none.
func (g *graph) kinds(u, v int32) rel {
	lo, hi := g.arcs(u)
	i, ok := slices.BinarySearch(g.to[lo:hi], v)
	if !ok {
		return 0
	}
	return g.rels[int(lo)+i]
}

// induced returns the subgraph on verts (sorted), renumbered 0..len-1, with
// the arcs among them.
func (g *graph) induced(verts []int32, local []int32) *graph {
	for i, v := range verts {
		local[v] = int32(i)
	}
	var arcs []arc
	for i, v := range verts {
		lo, hi := g.arcs(v)
		for k := lo; k < hi; k++ {
			if j := local[g.to[k]]; j >= 0 {
				arcs = append(arcs, arc{int32(i), j, g.rels[k]})
			}
		}
	}
	for _, v := range verts {
		local[v] = -1
	}
	return newGraph(len(verts), arcs)
}

// components finds the strongly connected components of g's arcs of kinds
// mask (Tarjan's algorithm, iterative so that a long chain cannot exhaust
// the stack). It returns each vertex's component, numbered in the order
// Tarjan completes them: an arc between components always leads to a lower
// number, so the numbering is a reverse topological order.
func (g *graph) components(mask rel) (comp []int32, count int32) {
	n := g.n
	index := make([]int32, n)
	low := make([]int32, n)
	comp = make([]int32, n)
	for i := range index {
		index[i], comp[i] = -1, -1
	}
	var stack, frames []int32
	next := make([]int32, n) // each frame's next arc
	var counter int32
	for root := int32(0); root < int32(n); root++ {
		if index[root] >= 0 {
			continue
		}
		frames = append(frames, root)
		index[root], low[root] = counter, counter
		counter++
		stack = append(stack, root)
		next[root] = g.start[root]
		for len(frames) > 0 {
			v := frames[len(frames)-1]
			descended := false
			for k := next[v]; k < g.start[v+1]; k++ {
				if g.rels[k]&mask == 0 {
					continue
				}
				w := g.to[k]
				if index[w] < 0 {
					next[v] = k + 1
					index[w], low[w] = counter, counter
					counter++
					stack = append(stack, w)
					next[w] = g.start[w]
					frames = append(frames, w)
					descended = true
					break
				}
				if comp[w] < 0 && index[w] < low[v] {
					low[v] = index[w]
				}
			}
			if descended {
				continue
			}
			next[v] = g.start[v+1]
			frames = frames[:len(frames)-1]
			if len(frames) > 0 {
				if p := frames[len(frames)-1]; low[v] < low[p] {
					low[p] = low[v]
				}
			}
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					comp[w] = count
					if w == v {
						break
					}
				}
				count++
			}
		}
	}
	return comp, count
}

// members groups vertices by component: members(comp, count)[c] lists the
// vertices of component c in increasing order.
func members(comp []int32, count int32) [][]int32 {
	out := make([][]int32, count)
	for v, c := range comp {
		if c >= 0 {
			out[c] = append(out[c], int32(v))
		}
	}
	return out
}

// path finds a shortest path from src to dst over arcs of kinds mask whose
// heads pass keep (nil: all), breadth first. It returns the vertices from
// src to dst, nil when dst is unreachable or the budget ran out. With
// src == dst it finds a shortest cycle through src.
func (g *graph) path(src, dst int32, mask rel, keep func(int32) bool, b *budget) []int32 {
	if g.parent == nil {
		g.parent, g.seen = make([]int32, g.n), make([]uint32, g.n)
	}
	g.stamp++
	queue := []int32{src}
	g.seen[src] = g.stamp
	for head := 0; head < len(queue); head++ {
		u := queue[head]
		lo, hi := g.arcs(u)
		if !b.spend(int(hi - lo + 1)) {
			return nil
		}
		for k := lo; k < hi; k++ {
			w := g.to[k]
			if g.rels[k]&mask == 0 || keep != nil && !keep(w) {
				continue
			}
			if w == dst {
				return g.unwind(src, u, dst)
			}
			if g.seen[w] == g.stamp {
				continue
			}
			g.seen[w], g.parent[w] = g.stamp, u
			queue = append(queue, w)
		}
	}
	return nil
}

// unwind rebuilds src … u, dst from the BFS parents.
func (g *graph) unwind(src, u, dst int32) []int32 {
	p := []int32{dst}
	for v := u; v != src; v = g.parent[v] {
		p = append(p, v)
	}
	p = append(p, src)
	slices.Reverse(p)
	return p
}

// budget bounds a search in arcs visited, so that a pathological graph
// makes the search give up (and say so) rather than run for hours. It is
// counted in work, not wall-clock time, so the same history always gets the
// same answer.
type budget struct{ left int }

// spend takes n units; it reports false once the budget is exhausted.
func (b *budget) spend(n int) bool {
	b.left -= n
	return b.left >= 0
}

func (b *budget) exhausted() bool { return b.left < 0 }
