package tui

import (
	"fmt"

	"github.com/faultline-lab/faultline/sim"
)

// clusterSnap is the cluster the pane shows: the run now, or the moment
// stepped back to (the last one re-simulated while the next comes).
func (m *lessonModel) shownSnap() (clusterSnap, bool) {
	if m.back.on {
		if s, ok := m.back.snap(); ok {
			return s, s.at == m.back.at
		}
		return clusterSnap{}, false
	}
	return snapOf(m.run.s), true
}

// trafficWindow is how far back the picture looks for messages: a
// frame's worth of playback, and never less than twice the network's
// slowest ordinary latency.
func (m *lessonModel) trafficWindow() int64 {
	w := int64(speeds[m.speed] * float64(frameInterval))
	return max(w, 2*m.run.s.Config().LatencyMaxNs)
}

func (m *lessonModel) clusterTitle(width int) string {
	s := m.run.s
	snap, _ := m.shownSnap()
	tr := trafficAt(s.Trace(), s.Cluster(), snap.at, m.trafficWindow(), s.Config().LatencyMaxNs)
	title := fmt.Sprintf("cluster · %s in flight", plural(tr.total, "msg"))
	if m.back.on {
		title = "cluster at " + fmtSeconds(m.back.at) + " · " + plural(tr.total, "msg") + " in flight"
	}
	return title
}

// clusterLines draw the cluster picture, the network's state under it,
// and the legend when there is room.
func (m *lessonModel) clusterLines(width, height int) []string {
	st := m.c.styles
	if width <= 0 || height <= 0 {
		return nil
	}
	snap, exact := m.shownSnap()
	if snap.nodes == nil {
		return []string{st.Dim.Render(cut("re-simulating the run to that moment…", width))}
	}
	s := m.run.s
	tr := trafficAt(s.Trace(), snap.nodes, snap.at, m.trafficWindow(), s.Config().LatencyMaxNs)
	net := networkLine(snap, tr)
	if next := m.nextFault(); next != "" && !m.back.on {
		net += " · " + next
	}
	under := wrapLines(net, width)
	if !exact {
		under = []string{st.Dim.Render(cut("re-simulating… showing "+fmtSeconds(snap.at), width))}
	}
	if height >= 14 {
		under = append(under, st.Dim.Render(cut(pictureLegend(width), width)))
	}
	picH := max(1, height-len(under))
	pic := drawCluster(st, pictureInput{snap: snap, traffic: tr, selected: m.nodeCursor, width: width, height: picH})
	for len(pic) < picH {
		pic = append(pic, "")
	}
	if len(pic) > picH {
		// The list form of a big cluster in a small pane: the rest of the
		// nodes scroll into sight with the cursor.
		top := clampInt(m.nodeCursor*len(pic)/max(1, len(snap.nodes))-picH/2, 0, len(pic)-picH)
		pic = pic[top : top+picH]
	}
	return append(pic, under...)
}

// clusterNeed is how many lines the cluster needs at a width in its
// tightest form: a node a line or more, and the network under it.
func (m *lessonModel) clusterNeed(width int) int {
	snap, _ := m.shownSnap()
	if snap.nodes == nil {
		return minBody
	}
	net := networkLine(snap, traffic{})
	if next := m.nextFault(); next != "" {
		net += " · " + next
	}
	return len(listForm(m.c.styles, pictureInput{snap: snap, selected: m.nodeCursor, width: width})) + len(wrapLines(net, width))
}

// nextFault names the next fault the lesson's schedule starts, so that
// nothing happens unannounced: "next: partition (one node cut off) at
// 2.000s for 3s".
func (m *lessonModel) nextFault() string {
	if m.run.done() {
		return ""
	}
	next := m.run.s.Upcoming(1)
	if len(next) == 0 {
		if m.own {
			return "no scheduled faults"
		}
		return ""
	}
	u := next[0]
	s := "next: " + sim.DescribeFault(u.Fault) + " at " + fmtSeconds(u.At)
	if u.ForNs > 0 {
		s += " for " + sim.FormatDuration(u.ForNs)
	}
	return s
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
