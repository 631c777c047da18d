package sim

// network is the state of the links between nodes: which are cut, and the
// loss, duplication and delay applied to node-to-node messages.
type network struct {
	n       int
	blocked []bool // blocked[src*n+dest]: messages from src to dest are dropped
	groups  [][]string
	shape   string
	lossP   float64
	dupP    float64
	delayNs int64
}

func newNetwork(n int) network {
	return network{n: n, blocked: make([]bool, n*n)}
}

func (nw *network) cut(src, dest int) bool { return nw.blocked[src*nw.n+dest] }

func (nw *network) partitioned() bool {
	for _, b := range nw.blocked {
		if b {
			return true
		}
	}
	return false
}

func (nw *network) heal() {
	clear(nw.blocked)
	nw.groups, nw.shape = nil, ""
}

// isolateGroups cuts every link between nodes of different groups; nodes in
// no group are cut from everyone.
func (nw *network) isolateGroups(groupOf []int) {
	for a := 0; a < nw.n; a++ {
		for b := 0; b < nw.n; b++ {
			nw.blocked[a*nw.n+b] = a != b && (groupOf[a] < 0 || groupOf[a] != groupOf[b])
		}
	}
}
