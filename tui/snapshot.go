package tui

import (
	"sort"

	"github.com/faultline-lab/faultline/sim"
)

// clusterSnap is the cluster at one moment, as the picture draws it: the
// nodes, the partition and who hears whom, and the network's faults. The
// live run gives one every frame; a re-simulation gives one for a moment
// of the past.
type clusterSnap struct {
	at      int64
	nodes   []sim.NodeView
	shape   sim.Shape
	groups  [][]string
	desc    string   // the partition in words
	hears   [][]bool // hears[a][b]: messages from node b reach node a
	loss    float64
	dup     float64
	delayNs int64
}

// snapOf describes a simulation's cluster now.
func snapOf(s *sim.Sim) clusterSnap {
	nodes := s.Cluster()
	snap := clusterSnap{at: s.Now(), nodes: nodes, shape: s.PartitionShape()}
	snap.loss, snap.dup, snap.delayNs = s.NetFaults()
	if snap.shape != "" {
		applied := s.Applied()
		for i := len(applied) - 1; i >= 0; i-- {
			if applied[i].Fault.Kind == sim.FaultPartition {
				snap.groups, snap.desc = applied[i].Fault.Groups, applied[i].Desc
				break
			}
		}
		snap.hears = make([][]bool, len(nodes))
		for a := range nodes {
			snap.hears[a] = make([]bool, len(nodes))
			for b := range nodes {
				snap.hears[a][b] = a == b || s.Reachable(nodes[b].ID, nodes[a].ID)
			}
		}
	}
	return snap
}

// cut reports whether messages between nodes a and b are cut either way.
func (c clusterSnap) cut(a, b int) bool {
	if c.hears == nil {
		return false
	}
	return !c.hears[a][b] || !c.hears[b][a]
}

// groupOf is each node's side of the partition (-1: none, or the bridge).
func (c clusterSnap) groupOf() []int {
	out := make([]int, len(c.nodes))
	for i := range out {
		out[i] = -1
	}
	if c.shape == "" || c.shape == sim.ShapeRing {
		return out
	}
	idx := c.index()
	for g, members := range c.groups {
		if c.shape == sim.ShapeBridge && g == 2 {
			continue
		}
		for _, id := range members {
			if i, ok := idx[id]; ok {
				out[i] = g
			}
		}
	}
	return out
}

func (c clusterSnap) index() map[string]int {
	idx := make(map[string]int, len(c.nodes))
	for i, v := range c.nodes {
		idx[v.ID] = i
	}
	return idx
}

// linkTraffic is what crossed one link (one way) lately, and what is on
// it now.
type linkTraffic struct {
	sent     int // sends in the window
	inFlight int // sent, not yet arrived, at the moment
	dropped  int // dropped in the window (a cut, loss, a node down)
	delayed  int // arrived in the window later than the usual latency
	progress float64
}

// linkKey is a directed link between two nodes, by index: from, to.
type linkKey [2]int

// traffic is what the links between nodes carried in the window of
// virtual time before a moment, from the trace. The trace is searched by
// time, so a moment costs what happened around it.
type traffic struct {
	window int64
	links  map[linkKey]*linkTraffic
	total  int // messages in flight between nodes at the moment
}

// trafficScan bounds how far before the window a send is looked for, for
// messages still in flight (a delay fault holds them up to half a second).
const trafficScan = 2_000_000_000

func trafficAt(tr []sim.TraceEvent, nodes []sim.NodeView, at, window, latencyMax int64) traffic {
	out := traffic{window: window, links: map[linkKey]*linkTraffic{}}
	if len(tr) == 0 {
		return out
	}
	idx := make(map[string]int, len(nodes))
	for i, v := range nodes {
		idx[v.ID] = i
	}
	from := at - window
	lo := sort.Search(len(tr), func(i int) bool { return tr[i].Time > from-trafficScan })
	hi := sort.Search(len(tr), func(i int) bool { return tr[i].Time > at })
	type sent struct {
		key linkKey
		t   int64
	}
	open := map[int64]sent{}
	get := func(k linkKey) *linkTraffic {
		l := out.links[k]
		if l == nil {
			l = &linkTraffic{}
			out.links[k] = l
		}
		return l
	}
	for _, e := range tr[lo:hi] {
		a, okA := idx[e.Src]
		b, okB := idx[e.Dest]
		if !okA || !okB {
			continue
		}
		k := linkKey{a, b}
		switch e.Kind {
		case sim.TraceSend:
			open[e.MsgID] = sent{k, e.Time}
			if e.Time > from {
				get(k).sent++
			}
		case sim.TraceDeliver, sim.TraceDrop:
			s, ok := open[e.MsgID]
			delete(open, e.MsgID)
			if e.Time <= from {
				continue
			}
			if e.Kind == sim.TraceDrop {
				get(k).dropped++
			} else if ok && e.Time-s.t > latencyMax {
				get(k).delayed++
			}
		}
	}
	for _, s := range open {
		l := get(s.key)
		l.inFlight++
		out.total++
		if latencyMax > 0 {
			l.progress = max(l.progress, min(0.9, float64(at-s.t)/float64(latencyMax)))
		}
	}
	return out
}
