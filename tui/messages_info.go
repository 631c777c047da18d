package tui

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

// msgInfo: the selected row in words, the selected operation and what its
// node had heard of, what is in flight, and the cluster then.
func (e *explorerModel) msgInfo(width, maxLines int) []string {
	st := e.in.c.styles
	x := e.look.msgs
	rows := e.viewRows()
	var out []string
	add := func(s string) { out = append(out, wrapLines(s, width)...) }
	if len(rows) == 0 {
		return nil
	}
	r := e.msgCursor()
	i := int(rows[r])
	add(st.Bold.Render(fmtTime(x.tr[i].Time, 3)+" ") + e.eventWords(i))
	if inv, _, ok := e.selectedOp(); ok {
		sel := fmt.Sprintf("Selected: p%s %s at %s.", inv.Process, opWords(e.look.tl.h, e.look.tl.ops[e.cursor], false), inv.Node)
		if note := e.causalNoteCached(e.cursor); note != "" {
			sel += " " + note
		}
		add(sel)
	}
	nodes := map[string]bool{}
	for _, id := range e.in.src.nodeIDs() {
		nodes[id] = true
	}
	fl := x.inFlight(i, nodes)
	switch {
	case len(nodes) < 2:
	case len(fl) == 0:
		add(st.Dim.Render("Nothing is on its way between nodes at this moment."))
	default:
		var parts []string
		for _, j := range fl[:min(3, len(fl))] {
			s := x.tr[j]
			parts = append(parts, fmt.Sprintf("%s→%s %s (sent %s)", s.Src, s.Dest, e.processWords(bodyWords(s.Body, 48), s.Time), fmtTime(s.Time, 3)))
		}
		more := ""
		if len(fl) > 3 {
			more = fmt.Sprintf(" and %d more", len(fl)-3)
		}
		add(fmt.Sprintf("On its way between nodes now: %s%s.", strings.Join(parts, ", "), more))
	}
	out = append(out, e.scrubLines(width, 1)...)
	if len(out) > maxLines {
		out = out[:maxLines]
	}
	return out
}

// causalNoteCached computes an operation's causal note once.
func (e *explorerModel) causalNoteCached(id int32) string {
	lc := e.look
	if lc.explain == nil {
		lc.explain = map[int32]string{}
	}
	if s, ok := lc.explain[id]; ok {
		return s
	}
	s := e.causalNote(id)
	if _, comp, ok := lc.tl.invComp(id); ok && comp != nil {
		lc.explain[id] = s // a pending operation's note may still change
	}
	return s
}

// clientWord is a client's id (c1, c2, …) in a message's words.
var clientWord = regexp.MustCompile(`\bc[0-9]+\b`)

// processWords names the clients in a message's words by the processes
// they ran at a moment.
func (e *explorerModel) processWords(s string, at int64) string {
	return clientWord.ReplaceAllStringFunc(s, func(c string) string { return e.columnLabel(c, at) })
}

// eventWords is a trace event as a sentence.
func (e *explorerModel) eventWords(i int) string {
	x := e.look.msgs
	ev := x.tr[i]
	body := ""
	if ev.Body != nil {
		body = bodyWords(ev.Body, 80)
	}
	sent := ""
	if s := x.sendOf(i); s >= 0 {
		sent = fmt.Sprintf(" (sent %s, %s on the way)", fmtTime(x.tr[s].Time, 3), fmtSpan(ev.Time-x.tr[s].Time))
	}
	// A client is called by the process it runs then, as its column is,
	// in the message's words too (a forward names its client).
	asked := e.invokeWords(ev)
	ev.Src, ev.Dest = e.columnLabel(ev.Src, ev.Time), e.columnLabel(ev.Dest, ev.Time)
	body = e.processWords(body, ev.Time)
	switch ev.Kind {
	case sim.TraceDeliver:
		return fmt.Sprintf("%s receives %s from %s%s.", ev.Dest, body, ev.Src, sent)
	case sim.TraceDrop:
		return fmt.Sprintf("%s → %s: %s is dropped (%s)%s.", ev.Src, ev.Dest, body, ev.Detail, sent)
	case sim.TraceHold:
		return fmt.Sprintf("%s → %s: %s waits, held (%s)%s.", ev.Src, ev.Dest, body, ev.Detail, sent)
	case sim.TraceTimer:
		return fmt.Sprintf("%s's timer fires: %s.", ev.Src, ev.Detail)
	case sim.TraceFault:
		return "Fault: " + ev.Detail + "."
	case sim.TraceInvoke:
		return fmt.Sprintf("%s invokes %s, sending it to %s.", ev.Src, asked, ev.Dest)
	case sim.TraceComplete:
		return fmt.Sprintf("%s completes: %s (from %s).", ev.Src, ev.Detail, ev.Dest)
	case sim.TraceLog:
		return fmt.Sprintf("%s: %s.", ev.Src, e.logWords(i))
	}
	return ev.Kind.String()
}
