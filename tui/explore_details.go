package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// opDetails describe the selected operation: who, where, when, how it
// ended, and the model's state around it in the checker's order.
func (e *explorerModel) opDetails(width int) []string {
	st := e.in.c.styles
	tl := e.look.tl
	if e.cursor < 0 || int(e.cursor) >= len(tl.ops) {
		return []string{st.Dim.Render(cut("No operation selected.", width))}
	}
	o := tl.ops[e.cursor]
	inv, comp, _ := tl.invComp(e.cursor)
	head := fmt.Sprintf("p%s %s", inv.Process, opWords(tl.h, o, false))
	if inv.Key != "" && !strings.Contains(head, inv.Key) {
		head += " key " + inv.Key
	}
	parts := []string{st.Bold.Render(head)}
	if inv.Node != "" {
		parts = append(parts, "sent to "+inv.Node)
	}
	parts = append(parts, "invoked "+fmtTime(inv.Time, 3))
	parts = append(parts, outcome(o, comp))
	switch e.markIn(tl)(o) {
	case markFailing:
		parts = append(parts, st.Failing.Render("! the failing operation"))
	case markWitness:
		parts = append(parts, st.Witness.Render("* in the witness"))
	}
	out := wrapLines(strings.Join(parts, " · "), width)
	out = append(out, wrapLines(e.look.order.describe(e, inv, comp), width)...)
	return out
}

// outcome is how an operation ended, in words.
func outcome(o tlOp, comp *history.Op) string {
	if comp == nil {
		return "still pending"
	}
	took := fmtSpan(comp.Time - o.start)
	switch comp.Type {
	case history.OK:
		return fmt.Sprintf("ok at %s, after %s", fmtTime(comp.Time, 3), took)
	case history.Fail:
		s := fmt.Sprintf("fail at %s", fmtTime(comp.Time, 3))
		if comp.Error != "" {
			s += " (" + comp.Error + ")"
		}
		return s + ": it did not happen"
	}
	s := fmt.Sprintf("info at %s", fmtTime(comp.Time, 3))
	if comp.Error != "" {
		s += " (" + comp.Error + ")"
	}
	return s + ": it may or may not have happened"
}

// scrubLines show the cluster as it was at the moment: each node's role,
// state, clock and value, re-simulated from the run's scenario.
func (e *explorerModel) scrubLines(width, maxLines int) []string {
	st := e.in.c.styles
	sc := &e.look.scrub
	if maxLines <= 0 {
		return nil
	}
	if !e.in.src.begun() {
		return []string{st.Dim.Render(cut("The cluster at the moment appears once the run has started.", width))}
	}
	head := "cluster at " + fmtTime(min(e.moment, e.in.src.clock()), 3)
	switch {
	case sc.err != "":
		return []string{cut(head+": could not re-simulate: "+sc.err, width)}
	case !sc.has:
		return []string{st.Dim.Render(cut(head+": re-simulating the run to that moment…", width))}
	case sc.busy || sc.at != min(e.moment, e.in.src.clock()):
		head += st.Dim.Render(" (re-simulating… showing " + fmtTime(sc.at, 3) + ")")
	}
	if net := e.netAt(sc.at); net != "" {
		head += " · " + net
	}
	rows := nodeRows(st, sc.snap.nodes)
	if 1+len(rows) <= maxLines {
		out := []string{cut(st.Bold.Render(head), width)}
		for _, r := range rows {
			out = append(out, cut("  "+r, width))
		}
		return out
	}
	// Too little room for a row each: each node briefly, as many to a
	// line as fit.
	out := []string{}
	line := st.Bold.Render(head) + ":"
	for _, v := range sc.snap.nodes {
		r := nodeBrief(st, v)
		if lineWidth(line)+3+lineWidth(r) > width && len(out)+1 < maxLines {
			out = append(out, line)
			line = " "
		}
		line += "  " + r
	}
	return append(out, cut(line, width))
}

// nodeBrief is a node in a few words: its id, role, state and value.
func nodeBrief(st *Styles, v sim.NodeView) string {
	parts := []string{v.ID}
	switch {
	case !v.Up:
		return v.ID + " " + st.Down.Render("DOWN")
	case v.Paused:
		parts = append(parts, st.Paused.Render("PAUSED"))
	}
	if v.Status.Role != "" {
		parts = append(parts, string(v.Status.Role))
	}
	if v.Status.Value != "" {
		parts = append(parts, v.Status.Value)
	}
	return strings.Join(parts, " ")
}

// nodeRows are the nodes as the cluster view shows them, the role column
// as wide as the longest role (lock-service was cut to lock-se…) and the
// no clock column (the fields say "clock +2s" where a clock is skewed), so
// the fields keep the room.
func nodeRows(st *Styles, nodes []sim.NodeView) []string {
	roleW := 1
	for _, v := range nodes {
		roleW = max(roleW, len(v.Status.Role))
	}
	rows := make([]string, 0, len(nodes))
	for _, v := range nodes {
		rows = append(rows, nodeRow(st, v, roleW))
	}
	return rows
}

// nodeRow is one node as the cluster view shows it.
func nodeRow(st *Styles, v sim.NodeView, roleW int) string {
	role := string(v.Status.Role)
	state := "up"
	switch {
	case !v.Up:
		state, role = st.Down.Render("DOWN"), "-"
	case v.Paused:
		state = st.Paused.Render("PAUSED")
	}
	if role == "" {
		role = "-"
	}
	return fmt.Sprintf("%s %s %s %s", fit(v.ID, 3), padRight(role, roleW), padRight(state, 6), strings.Join(nodeFields(v), " · "))
}

// netAt names the network faults in force at a moment, from the bands.
func (e *explorerModel) netAt(at int64) string {
	tl := e.look.tl
	var parts []string
	for _, bi := range tl.bandsIn(at, at) {
		b := tl.bands[bi]
		if b.node == "" && (b.end < 0 || b.end > at) {
			parts = append(parts, b.label)
		}
	}
	return strings.Join(parts, " · ")
}

func wrapLines(s string, width int) []string { return strings.Split(wrap(s, width), "\n") }

func lineWidth(s string) int { return ansi.StringWidth(s) }
