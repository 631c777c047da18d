package sim

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// partition makes an owner's cut in the fault's shape (replacing that
// owner's previous one, as Jepsen's partitioner does) and fills in the
// fault's groups.
func (s *Sim) partition(f *Fault, h *holds, rng *rand.Rand) string {
	n := s.cfg.Nodes
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	groupOf := make([]int, n)
	cut := make([]bool, n*n)
	shape := f.Shape
	if shape == "" {
		shape = ShapeHalves
	}
	switch shape {
	case ShapeOne, ShapeLeader, ShapePrimary:
		var who []int
		if len(f.Nodes) > 0 {
			who = s.targets(*f, OwnerLearner, rng, nil)
		} else if shape == ShapeOne {
			who = []int{rng.IntN(n)}
		} else if ls := s.leaders(); len(ls) > 0 {
			who = ls[:1]
		} else {
			who = []int{rng.IntN(n)}
		}
		for i := range groupOf {
			groupOf[i] = 1
		}
		groupOf[who[0]] = 0
		isolateGroups(cut, n, groupOf)
		f.Groups = s.groupsFrom(groupOf, 2)
	case ShapeHalves:
		rng.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
		for k, i := range order {
			if k < n/2 {
				groupOf[i] = 0
			} else {
				groupOf[i] = 1
			}
		}
		isolateGroups(cut, n, groupOf)
		f.Groups = s.groupsFrom(groupOf, 2)
	case ShapeGroups:
		for i := range groupOf {
			groupOf[i] = -1
		}
		for g, members := range f.Groups {
			for _, id := range members {
				if i, ok := s.isNode(id); ok {
					groupOf[i] = g
				}
			}
		}
		isolateGroups(cut, n, groupOf)
	case ShapeRing:
		rng.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
		ring(cut, n, order)
		f.Groups = nil
	case ShapeBridge:
		rng.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
		bridge := order[0]
		rest := order[1:]
		for k, i := range rest {
			groupOf[i] = k % 2
		}
		isolateGroups(cut, n, groupOf)
		for i := 0; i < n; i++ { // the bridge node hears and is heard by everyone
			cut[bridge*n+i] = false
			cut[i*n+bridge] = false
		}
		f.Groups = append(s.groupsFrom(groupOf, 2), []string{s.nodeIDs[bridge]})
		for g := range f.Groups[:2] {
			f.Groups[g] = removeID(f.Groups[g], s.nodeIDs[bridge])
		}
	}
	f.Shape = shape
	h.cut, h.shape, h.groups = cut, shape, f.Groups
	return describePartition(shape, f.Groups)
}

// isolateGroups cuts every link between nodes of different groups; nodes
// in no group are cut from everyone.
func isolateGroups(cut []bool, n int, groupOf []int) {
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			cut[a*n+b] = a != b && (groupOf[a] < 0 || groupOf[a] != groupOf[b])
		}
	}
}

// ring cuts links so that each node hears a majority, but no two nodes the
// same one (Jepsen's majorities-ring).
func ring(cut []bool, n int, order []int) {
	m := n/2 + 1 // a majority, counting the node itself
	pos := make([]int, n)
	for k, i := range order {
		pos[i] = k
	}
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			if a == b {
				cut[a*n+b] = false
				continue
			}
			d := (pos[a] - pos[b] + n) % n // b is d steps behind a on the ring
			var hears bool
			if (m-1)%2 == 0 {
				k := (m - 1) / 2
				hears = d <= k || n-d <= k
			} else {
				hears = d >= 1 && d <= m-1
			}
			cut[b*n+a] = !hears // a does not hear b
		}
	}
}

func removeID(ids []string, id string) []string {
	out := ids[:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

func (s *Sim) groupsFrom(groupOf []int, k int) [][]string {
	out := make([][]string, k)
	for i, g := range groupOf {
		if g >= 0 && g < k {
			out[g] = append(out[g], s.nodeIDs[i])
		}
	}
	return out
}

func describePartition(shape Shape, groups [][]string) string {
	var parts []string
	for _, g := range groups {
		parts = append(parts, "{"+strings.Join(g, " ")+"}")
	}
	switch shape {
	case ShapeRing:
		return "partition ring: each node hears a different majority"
	case ShapeBridge:
		return fmt.Sprintf("partition bridge: %s | %s, %s hears both", parts[0], parts[1], strings.Join(groups[2], ""))
	}
	return "partition " + strings.Join(parts, " | ")
}

// FormatDuration renders virtual nanoseconds briefly: 1.5s, 20ms, 300µs.
func FormatDuration(ns int64) string {
	sign := ""
	if ns < 0 {
		sign, ns = "-", -ns
	}
	switch {
	case ns >= 1_000_000_000:
		return sign + trimFloat(float64(ns)/1e9) + "s"
	case ns >= 1_000_000:
		return sign + trimFloat(float64(ns)/1e6) + "ms"
	case ns >= 1_000:
		return sign + trimFloat(float64(ns)/1e3) + "µs"
	}
	return fmt.Sprintf("%s%dns", sign, ns)
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
