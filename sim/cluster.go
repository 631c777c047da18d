package sim

// NodeView is what the cluster view shows of one node at this moment.
type NodeView struct {
	ID       string
	Up       bool
	Paused   bool
	SkewNs   int64 // local clock minus virtual time (the sum of every owner's offset)
	Group    int   // partition group index, -1 when not partitioned (or when partitions overlap)
	Status   Status
	Unsynced int // disk writes a crash would lose
	Held     int // messages and timers waiting for a paused node
	InFlight int // messages on their way to it
}

// Cluster describes every node now.
func (s *Sim) Cluster() []NodeView {
	out := make([]NodeView, len(s.nodes))
	groups, shape := s.partitionGroups()
	for i := range s.nodes {
		n := &s.nodes[i]
		v := NodeView{ID: s.nodeIDs[i], Up: n.up, Paused: n.paused, SkewNs: s.localClock(i) - s.now, Group: -1,
			Unsynced: n.env.disk.Unsynced(), Held: len(n.held), InFlight: int(s.flight.to[i])}
		if n.up {
			v.Status = n.node.Status()
		}
		for g, members := range groups {
			for _, id := range members {
				if id == v.ID && shape != ShapeBridge {
					v.Group = g
				}
			}
		}
		out[i] = v
	}
	return out
}

// partitionGroups are the groups and shape of the one partition in force,
// or nothing when none is, or when several owners' partitions overlap.
func (s *Sim) partitionGroups() ([][]string, Shape) {
	var one *holds
	for _, h := range s.owners {
		if h != nil && h.cut != nil {
			if one != nil {
				return nil, ShapeOverlap
			}
			one = h
		}
	}
	if one == nil {
		return nil, ""
	}
	return one.groups, one.shape
}

// Reachable reports whether messages from node a reach node b now.
func (s *Sim) Reachable(a, b string) bool {
	i, ok1 := s.isNode(a)
	j, ok2 := s.isNode(b)
	return ok1 && ok2 && !s.net.cut(i, j)
}

// PartitionShape is the shape of the partition in force: "" when no link
// is cut, ShapeOverlap when several owners' partitions are in force.
func (s *Sim) PartitionShape() Shape {
	if !s.net.partitioned() {
		return ""
	}
	_, shape := s.partitionGroups()
	return shape
}

// InFlight is the number of events waiting in the queue: messages, timers
// and client wake-ups.
func (s *Sim) InFlight() int { return s.queue.len() }

// NetFaults reports the node-to-node loss and duplication probabilities and
// the extra delay now in force (the strongest any owner asks for).
func (s *Sim) NetFaults() (lossP, dupP float64, delayNs int64) {
	return s.net.lossP, s.net.dupP, s.net.delayNs
}
