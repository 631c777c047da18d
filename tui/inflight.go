package tui

import "github.com/faultline-lab/faultline/sim"

// inflight counts the messages on their way to each node, from the trace:
// a send (or duplicate) adds one, a delivery or drop removes one. A message
// held for a paused node stays in flight until it is delivered, or until
// its node crashes (which loses it without a trace event). Replies to
// clients are not counted: their arrival is not in the trace.
type inflight struct {
	nodes   map[string]bool
	pending map[int64]int    // message id → copies on their way
	dest    map[int64]string // message id → destination
	to      map[string]int   // destination → messages on their way
	held    map[string][]int64
	total   int
}

func newInflight(nodeIDs []string) inflight {
	nodes := map[string]bool{}
	for _, id := range nodeIDs {
		nodes[id] = true
	}
	return inflight{nodes: nodes, pending: map[int64]int{}, dest: map[int64]string{}, to: map[string]int{}, held: map[string][]int64{}}
}

func (f *inflight) observe(e sim.TraceEvent) {
	switch e.Kind {
	case sim.TraceSend, sim.TraceDuplicate:
		if !f.nodes[e.Dest] {
			return
		}
		f.pending[e.MsgID]++
		f.dest[e.MsgID] = e.Dest
		f.to[e.Dest]++
		f.total++
	case sim.TraceDeliver, sim.TraceDrop:
		f.remove(e.MsgID)
	case sim.TraceHold:
		f.held[e.Dest] = append(f.held[e.Dest], e.MsgID)
	}
}

func (f *inflight) remove(id int64) {
	n, ok := f.pending[id]
	if !ok {
		return
	}
	d := f.dest[id]
	f.to[d]--
	f.total--
	if n <= 1 {
		delete(f.pending, id)
		delete(f.dest, id)
	} else {
		f.pending[id] = n - 1
	}
}

// forgetLost drops the held messages of nodes that crashed while paused.
func (f *inflight) forgetLost(s *sim.Sim) {
	if len(f.held) == 0 {
		return
	}
	for _, v := range s.Cluster() {
		ids, ok := f.held[v.ID]
		if !ok {
			continue
		}
		switch {
		case !v.Up:
			for _, id := range ids {
				f.remove(id)
			}
			delete(f.held, v.ID)
		case !v.Paused:
			delete(f.held, v.ID) // resumed: their deliveries are traced
		}
	}
}

// toNode is the number of messages on their way to a node.
func (f *inflight) toNode(id string) int { return max(0, f.to[id]) }
