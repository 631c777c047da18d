package txn

// nonadjacentRW finds a cycle whose anti-dependencies never come two in a
// row (counting the last step and the first as a row). It walks a graph of
// states — a vertex, and whether the step into it was rw: a base arc leads
// to state 0 from either state, an rw arc only from state 0 to state 1. A
// closed walk through an rw arc there has the cycle's shape, but may pass a
// vertex twice, once in each state; the shortest such walks are tried
// first and kept only when simple, and a depth-first search over simple
// paths settles what they leave open, within the budget. When no state
// component holds both ends of an rw arc, no such cycle exists.
func (s *componentSearch) nonadjacentRW(base rel, b *budget) *cycle {
	var arcs []arc
	for u := int32(0); u < int32(s.g.n); u++ {
		lo, hi := s.g.arcs(u)
		for k := lo; k < hi; k++ {
			w, r := s.g.to[k], s.g.rels[k]
			if r&base != 0 {
				arcs = append(arcs, arc{2 * u, 2 * w, relWW}, arc{2*u + 1, 2 * w, relWW})
			}
			if r&relRW != 0 {
				arcs = append(arcs, arc{2 * u, 2*w + 1, relRW})
			}
		}
	}
	sg := newGraph(2*s.g.n, arcs)
	comp, _ := sg.components(relWW | relRW)
	var cands []rwArc
	for _, a := range s.rwArcs() {
		if comp[2*a.u] == comp[2*a.v+1] {
			cands = append(cands, a)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	var best *cycle
	for i, a := range cands {
		if i >= candidateLimit || b.exhausted() {
			break
		}
		c := comp[2*a.u]
		p := sg.path(2*a.v+1, 2*a.u, relWW|relRW, func(x int32) bool { return comp[x] == c }, b)
		if p == nil {
			continue
		}
		states := append([]int32{2 * a.u}, p[:len(p)-1]...)
		verts := make([]int32, len(states))
		for j, st := range states {
			verts[j] = st / 2
		}
		if !distinct(verts) || best != nil && len(verts) >= len(best.verts) {
			continue
		}
		best = s.labelled(verts, base, func(j int) bool { return states[(j+1)%len(states)]%2 == 1 })
	}
	if best != nil {
		return best
	}
	return s.nonadjacentDFS(cands, base, b)
}

func distinct(verts []int32) bool {
	seen := make(map[int32]bool, len(verts))
	for _, v := range verts {
		if seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

// nonadjacentDFS searches simple paths depth first (with an explicit stack,
// so long paths cannot exhaust the goroutine's stack): from each candidate
// rw arc u→v, a path from v back to u whose rw steps are never adjacent and
// whose last step is not rw.
func (s *componentSearch) nonadjacentDFS(cands []rwArc, base rel, b *budget) *cycle {
	type frame struct {
		v      int32
		lastRW bool
		k      int32 // next arc
		asRW   bool  // whether arc k is next tried as rw (after as base)
	}
	onPath := make([]bool, s.g.n)
	for _, a := range cands {
		onPath[a.u], onPath[a.v] = true, true
		stack := []frame{{v: a.v, lastRW: true, k: s.g.start[a.v]}}
		for len(stack) > 0 {
			if !b.spend(1) {
				return nil
			}
			f := &stack[len(stack)-1]
			if f.k >= s.g.start[f.v+1] {
				onPath[f.v] = false
				stack = stack[:len(stack)-1]
				continue
			}
			w, r, asRW := s.g.to[f.k], s.g.rels[f.k], f.asRW
			if asRW {
				f.k++
			}
			f.asRW = !f.asRW
			switch {
			case !asRW && r&base == 0, asRW && (r&relRW == 0 || f.lastRW):
				continue
			case w == a.u:
				if asRW {
					continue // the step into u is followed by the rw step u→v
				}
				// Step i leads into stack[i] (the first, u→v, is rw); the
				// last leads back to u and is not.
				verts := []int32{a.u}
				for _, fr := range stack {
					verts = append(verts, fr.v)
				}
				return s.labelled(verts, base, func(i int) bool { return i < len(stack) && stack[i].lastRW })
			case onPath[w]:
				continue
			}
			onPath[w] = true
			stack = append(stack, frame{v: w, lastRW: asRW, k: s.g.start[w]})
		}
		onPath[a.u] = false
	}
	return nil
}
