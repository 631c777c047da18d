package maelstrom

import "math"

// Topology is the neighbour map Maelstrom's broadcast workload offers the
// nodes in its topology message: grid (the default: a square grid, at most
// four neighbours each), line, tree2, tree3, tree4 (trees of that branch
// factor) or total (everyone).
func Topology(name string, ids []string) map[string][]string {
	n := len(ids)
	out := make(map[string][]string, n)
	for _, id := range ids {
		out[id] = []string{}
	}
	switch name {
	case "line":
		for i := range ids {
			if i > 0 {
				out[ids[i]] = append(out[ids[i]], ids[i-1])
			}
			if i+1 < n {
				out[ids[i]] = append(out[ids[i]], ids[i+1])
			}
		}
	case "total":
		for i := range ids {
			for j := range ids {
				if i != j {
					out[ids[i]] = append(out[ids[i]], ids[j])
				}
			}
		}
	case "tree2", "tree3", "tree4":
		b := int(name[4] - '0')
		// Nodes in breadth-first order: node i's parent is (i-1)/b.
		for i := 1; i < n; i++ {
			parent := (i - 1) / b
			out[ids[i]] = append(out[ids[i]], ids[parent])
		}
		for i := 0; i < n; i++ {
			for c := i*b + 1; c <= i*b+b && c < n; c++ {
				out[ids[i]] = append(out[ids[i]], ids[c])
			}
		}
	default: // grid
		side := int(math.Ceil(math.Sqrt(float64(n))))
		at := func(i, j int) (string, bool) {
			if i < 0 || j < 0 || j >= side {
				return "", false
			}
			k := i*side + j
			if k >= n {
				return "", false
			}
			return ids[k], true
		}
		for k, id := range ids {
			i, j := k/side, k%side
			for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				if nb, ok := at(i+d[0], j+d[1]); ok {
					out[id] = append(out[id], nb)
				}
			}
		}
	}
	return out
}
