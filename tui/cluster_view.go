package tui

import (
	"fmt"

	"github.com/faultline-lab/faultline/sim"
)

// clusterPane is what the cluster pane draws, handed over by the lesson
// screen: the moment shown, the messages around it, the next fault and
// the node the fault keys act on. The pane reads nothing else.
type clusterPane struct {
	snap     clusterSnap
	exact    bool // the snapshot is of the moment asked (not the last re-simulated while the next comes)
	rewound  bool
	at       int64
	trace    []sim.TraceEvent
	windowNs int64 // how far back the picture looks for messages
	latency  int64 // the network's slowest ordinary latency
	next     string
	cursor   int
	notes    []string // lines under the network's (a live run's inferred roles)
}

func (p clusterPane) traffic() traffic {
	return trafficAt(p.trace, p.snap.nodes, p.snap.at, p.windowNs, p.latency)
}

func (p clusterPane) title() string {
	inFlight := plural(p.traffic().total, "msg") + " in flight"
	if p.rewound {
		return "cluster at " + fmtSeconds(p.at) + " · " + inFlight
	}
	return "cluster · " + inFlight
}

// network is the line under the picture: the network's faults and the
// next scheduled one.
func (p clusterPane) network(tr traffic) string {
	net := networkLine(p.snap, tr)
	if p.next != "" {
		net += " · " + p.next
	}
	return net
}

// lines draw the cluster picture, the network's state under it, and the
// legend when there is room.
func (p clusterPane) lines(st *Styles, width, height int) []string {
	if width <= 0 || height <= 0 {
		return nil
	}
	if p.snap.nodes == nil {
		return []string{st.Dim.Render(cut("re-simulating the run to that moment…", width))}
	}
	tr := p.traffic()
	under := wrapLines(p.network(tr), width)
	if !p.exact {
		under = []string{st.Dim.Render(cut("re-simulating… showing "+fmtSeconds(p.snap.at), width))}
	}
	for _, n := range p.notes {
		for _, l := range wrapLines(n, width) {
			under = append(under, st.Dim.Render(l))
		}
	}
	if height >= 14 {
		under = append(under, st.Dim.Render(cut(pictureLegend(width), width)))
	}
	picH := max(1, height-len(under))
	pic := drawCluster(st, pictureInput{snap: p.snap, traffic: tr, selected: p.cursor, width: width, height: picH})
	for len(pic) < picH {
		pic = append(pic, "")
	}
	if len(pic) > picH {
		// The list form of a big cluster in a small pane: the rest of the
		// nodes scroll into sight with the cursor.
		top := clampInt(p.cursor*len(pic)/max(1, len(p.snap.nodes))-picH/2, 0, len(pic)-picH)
		pic = pic[top : top+picH]
	}
	return append(pic, under...)
}

// need is how many lines the cluster needs at a width in its tightest
// form: a node a line or more, and the network under it.
func (p clusterPane) need(st *Styles, width int) int {
	if p.snap.nodes == nil {
		return minBody
	}
	need := len(listForm(st, pictureInput{snap: p.snap, selected: p.cursor, width: width})) + len(wrapLines(p.network(traffic{}), width))
	for _, n := range p.notes {
		need += len(wrapLines(n, width))
	}
	return need
}

func skewLabel(ns int64) string {
	switch {
	case ns == 0:
		return "0"
	case ns > 0:
		return "+" + sim.FormatDuration(ns)
	}
	return sim.FormatDuration(ns)
}

// plural is "1 node", "3 nodes".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
