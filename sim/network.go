package sim

// network is what the links between nodes live under now: which are cut,
// and the loss, duplication and delay applied to node-to-node messages —
// the composition of every owner's faults (see Owner).
type network struct {
	n       int
	blocked []bool // blocked[src*n+dest]: messages from src to dest are dropped
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
