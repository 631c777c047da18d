package tui

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

func (m *lessonModel) clusterTitle() string {
	return fmt.Sprintf("cluster · %s · %s in flight", plural(m.run.s.Config().Nodes, "node"), plural(max(0, m.run.flight.total), "msg"))
}

// clusterLines draws each node's role, whether it is up, down or paused,
// its clock skew, its partition group (a letter, so groups are told apart
// without colour) and the messages on their way to it; then the network.
func (m *lessonModel) clusterLines(width int) []string {
	st := m.c.styles
	s := m.run.s
	nodes := s.Cluster()
	shape := s.PartitionShape()
	groups := m.partitionGroups()
	out := []string{st.Dim.Render(cut("  node role     state  clock net in value", width))}
	for i, v := range nodes {
		cursor := "  "
		if i == m.nodeCursor {
			cursor = "> "
		}
		role := string(v.Status.Role)
		state, stStyle := "up", st.Dim
		switch {
		case !v.Up:
			state, stStyle, role = "DOWN", st.Down, "-"
		case v.Paused:
			state, stStyle = "PAUSED", st.Paused
		}
		if role == "" {
			role = "-"
		}
		roleCell := fit(role, 8)
		if v.Status.Role.Leads() && v.Up {
			roleCell = st.Leader.Render(roleCell)
		}
		net, g := netLabel(v, shape, groups)
		id := fit(v.ID, 3)
		if i == m.nodeCursor {
			id = st.Selected.Render(id)
		}
		row := fmt.Sprintf("%s%s %s %s %s %s %s %s",
			cursor, id, roleCell, stStyle.Render(fit(state, 6)), fit(skewLabel(v.SkewNs), 5),
			st.Group(g).Render(fit(net, 3)), padLeft(fmt.Sprint(m.run.flight.toNode(v.ID)), 2), nodeValue(v))
		out = append(out, cut(row, width))
	}
	out = append(out, m.networkLines(width, nodes, shape)...)
	return out
}

// partitionGroups are the groups of the partition in force, from the
// latest partition fault (the simulator fills them in).
func (m *lessonModel) partitionGroups() [][]string {
	if m.run.s.PartitionShape() == "" {
		return nil
	}
	applied := m.run.s.Applied()
	for i := len(applied) - 1; i >= 0; i-- {
		if applied[i].Fault.Kind == sim.FaultPartition {
			return applied[i].Fault.Groups
		}
	}
	return nil
}

// netLabel is a node's side of the partition: A, B, ... ("A+B" for a
// bridge node, which hears both), "ring" in a ring, "-" when whole.
func netLabel(v sim.NodeView, shape sim.Shape, groups [][]string) (string, int) {
	switch shape {
	case "":
		return "-", -1
	case sim.ShapeRing:
		return "ring", -1
	}
	for g, members := range groups {
		for _, id := range members {
			if id != v.ID {
				continue
			}
			if shape == sim.ShapeBridge && g == 2 {
				return "A+B", 2
			}
			return string(rune('A' + g)), g
		}
	}
	if v.Group >= 0 {
		return string(rune('A' + v.Group)), v.Group
	}
	return "?", -1
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

// nodeValue is the node's state, briefly, and what a fault would cost it.
func nodeValue(v sim.NodeView) string {
	if !v.Up {
		return "-"
	}
	parts := []string{v.Status.Value}
	if v.Status.Term > 0 {
		parts = append(parts, fmt.Sprintf("term %d", v.Status.Term))
	}
	if v.Status.Detail != "" {
		parts = append(parts, v.Status.Detail)
	}
	if v.Unsynced > 0 {
		parts = append(parts, fmt.Sprintf("%d unsynced", v.Unsynced))
	}
	if v.Held > 0 {
		parts = append(parts, fmt.Sprintf("%d held", v.Held))
	}
	return strings.Join(parts, " · ")
}

// networkLines say what the network is doing: the partition, loss,
// duplication and delay, and how much is in flight.
func (m *lessonModel) networkLines(width int, nodes []sim.NodeView, shape sim.Shape) []string {
	s := m.run.s
	net := "network whole"
	if shape != "" {
		net = m.partitionDesc()
	}
	loss, dup, delay := s.NetFaults()
	if loss > 0 {
		net += fmt.Sprintf(" · %.0f%% lost", loss*100)
	}
	if dup > 0 {
		net += fmt.Sprintf(" · %.0f%% duplicated", dup*100)
	}
	if delay > 0 {
		net += " · delay ≤" + sim.FormatDuration(delay)
	}
	out := []string{cut(net, width)}
	if shape == sim.ShapeRing {
		var hears []string
		for _, a := range nodes {
			var from []string
			for _, b := range nodes {
				if a.ID != b.ID && s.Reachable(b.ID, a.ID) {
					from = append(from, b.ID)
				}
			}
			hears = append(hears, a.ID+" hears "+strings.Join(from, " "))
		}
		out = append(out, cut(strings.Join(hears, " · "), width))
	}
	return out
}

func (m *lessonModel) partitionDesc() string {
	applied := m.run.s.Applied()
	for i := len(applied) - 1; i >= 0; i-- {
		if applied[i].Fault.Kind == sim.FaultPartition {
			return applied[i].Desc
		}
	}
	return "partitioned"
}

// plural is "1 node", "3 nodes".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
