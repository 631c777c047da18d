package sim

// NodeView is what the cluster view shows of one node at this moment.
type NodeView struct {
	ID       string
	Up       bool
	Paused   bool
	SkewNs   int64 // local clock minus virtual time
	Group    int   // partition group index, -1 when not partitioned
	Status   Status
	Unsynced int // disk writes a crash would lose
	Held     int // messages and timers waiting for a paused node
}

// Cluster describes every node now.
func (s *Sim) Cluster() []NodeView {
	out := make([]NodeView, len(s.nodes))
	for i := range s.nodes {
		n := &s.nodes[i]
		v := NodeView{ID: s.nodeIDs[i], Up: n.up, Paused: n.paused, SkewNs: s.localClock(i) - s.now, Group: -1,
			Unsynced: n.env.disk.Unsynced(), Held: len(n.held)}
		if n.up {
			v.Status = n.node.Status()
		}
		for g, members := range s.net.groups {
			for _, id := range members {
				if id == v.ID && s.net.shape != ShapeBridge {
					v.Group = g
				}
			}
		}
		out[i] = v
	}
	return out
}

// Reachable reports whether messages from node a reach node b now.
func (s *Sim) Reachable(a, b string) bool {
	i, ok1 := s.isNode(a)
	j, ok2 := s.isNode(b)
	return ok1 && ok2 && !s.net.cut(i, j)
}

// PartitionShape is the shape of the current partition, or "" when none.
func (s *Sim) PartitionShape() string {
	if !s.net.partitioned() {
		return ""
	}
	return s.net.shape
}

// InFlight is the number of events waiting in the queue: messages, timers
// and client wake-ups.
func (s *Sim) InFlight() int { return len(s.queue) }

// NetFaults reports the node-to-node loss and duplication probabilities and
// the extra delay now in force.
func (s *Sim) NetFaults() (lossP, dupP float64, delayNs int64) {
	return s.net.lossP, s.net.dupP, s.net.delayNs
}
