package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
)

// The cycle view (w, in a transactional lesson): an anomaly the checker
// found, drawn as its transactions in boxes and the dependencies between
// them as arrows, each labelled with its kind — ww (a write after a
// write), wr (a read of a write), rw (a write after a read that missed it),
// process or real time — and the key and values that prove it. A cycle
// is drawn round: the last arrow runs back up to the first box. tab steps
// through every anomaly found, the ones the lesson's model forbids first;
// ↑ ↓ choose a transaction and enter shows it in the full timeline.

// cycleDiagram is one anomaly ready to draw.
type cycleDiagram struct {
	a      txn.Anomaly
	order  []int // the boxes top to bottom, as positions in a.Txns
	edges  []cycleEdge
	closed bool   // the edges go round, the last back to the first box
	note   string // how the drawing relates to the anomaly, when it needs saying
}

// cycleEdge is an arrow between two boxes (positions in a.Txns).
type cycleEdge struct {
	from, to int
	tag      string // "rw k6"
	text     string // the checker's words for it
}

// cycleOrder lists the anomalies in the order tab visits them: those the
// model forbids first, each group in the checker's order.
func cycleOrder(tr txn.Result) []txn.Anomaly {
	var forbidden, allowed []txn.Anomaly
	for _, a := range tr.Anomalies {
		if len(a.Txns) == 0 || a.Txns[0] < 0 {
			continue // nothing to draw (a search that gave up)
		}
		if txn.Forbids(tr.Consistency, a.Type) {
			forbidden = append(forbidden, a)
		} else {
			allowed = append(allowed, a)
		}
	}
	return append(forbidden, allowed...)
}

// newCycleDiagram lays out an anomaly: a cycle as its steps; an aborted or
// intermediate read as the write read, from writer to reader; a lost
// update as the cycle of the same transactions, when the checker found
// one.
func newCycleDiagram(tr txn.Result, a txn.Anomaly) cycleDiagram {
	d := cycleDiagram{a: a}
	for i := range a.Txns {
		d.order = append(d.order, i)
	}
	switch {
	case len(a.Steps) > 0:
		d.closed = true
		for i, st := range a.Steps {
			d.edges = append(d.edges, cycleEdge{from: i, to: (i + 1) % len(a.Steps), tag: stepTag(st), text: st.Text})
		}
	case (a.Type == txn.G1a || a.Type == txn.G1b) && len(a.Txns) == 2:
		d.order = []int{1, 0} // the writer, then its reader
		what := "which T2 wrote, and then failed"
		if a.Type == txn.G1b {
			what = "which T2 wrote, then changed again before it committed"
		}
		d.edges = []cycleEdge{{from: 1, to: 0, tag: "wr " + keyWords(a.Key),
			text: fmt.Sprintf("T1 read %s with %s in it, %s", keyWords(a.Key), history.Format(a.Element), what)}}
	case a.Type == txn.LostUpdate:
		for _, c := range tr.Anomalies {
			if len(c.Steps) > 0 && sameTxns(c.Txns, a.Txns) {
				cd := newCycleDiagram(tr, c)
				cd.a = a
				cd.note = fmt.Sprintf("The history proves this %s cycle between them, drawn here.", c.Type)
				if !slices.Equal(c.Txns, a.Txns) {
					cd.note = fmt.Sprintf("The same transactions form this %s cycle, drawn here (T1, T2, ... as the cycle names them): %s", c.Type, c.Explanation)
				}
				return cd
			}
		}
	}
	return d
}

func stepTag(st txn.Step) string {
	switch st.Rel {
	case txn.Process:
		return fmt.Sprintf("process %v", st.Process)
	case txn.Realtime:
		return "real time"
	}
	return fmt.Sprintf("%s %s", st.Rel, keyWords(st.Key))
}

func sameTxns(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[int]bool{}
	for _, x := range a {
		in[x] = true
	}
	for _, x := range b {
		if !in[x] {
			return false
		}
	}
	return true
}

// cycleGutter is the width of the return arrow's lane, left of a cycle.
const cycleGutter = 3

// drawCycle draws a diagram width cells wide. compact gives each box one
// line and each arrow one; cursor is the selected box, counted from the
// top (-1 none).
func drawCycle(st *Styles, tr txn.Result, d cycleDiagram, width int, compact bool, cursor int) []string {
	left := 0
	if d.closed {
		left = cycleGutter
	}
	inner := width - left // the boxes and arrows, right of the return lane
	boxW := max(20, min(inner, 96))
	const stem = 2 // the arrows' column, under a box's left edge
	edgeFrom := map[int]cycleEdge{}
	for _, e := range d.edges {
		edgeFrom[e.from] = e
	}
	var rows []string
	lastRow := -1
	for n, i := range d.order {
		rows = append(rows, txnBox(st, tr, d.a, i, boxW, compact, n == cursor)...)
		e, ok := edgeFrom[i]
		if !ok {
			if n < len(d.order)-1 {
				rows = append(rows, "")
			}
			continue
		}
		label := st.Bold.Render(e.tag) + " · " + e.text
		pad := strings.Repeat(" ", stem)
		if compact {
			rows = append(rows, pad+"│ "+cut(label, max(1, inner-stem-2)))
		} else {
			for j, l := range wrapLines(label, max(10, inner-stem-4)) {
				if j == 0 {
					rows = append(rows, pad+"│ "+l)
				} else {
					rows = append(rows, pad+"│   "+l)
				}
			}
		}
		if d.closed && n == len(d.order)-1 {
			lastRow = len(rows)
			rows = append(rows, "") // the return arrow's foot, drawn below
			continue
		}
		rows = append(rows, pad+"▼")
	}
	if !d.closed {
		return rows
	}
	for r := range rows {
		switch {
		case r == 0:
			rows[r] = "┌─▶" + rows[r]
		case r < lastRow:
			rows[r] = "│  " + rows[r]
		case r == lastRow:
			rows[r] = "└" + strings.Repeat("─", cycleGutter+stem-1) + "┘"
		}
	}
	return rows
}

// txnBox is a transaction as a box: its name, process, records and
// outcome on the top edge, its micro-operations inside (compact: all on
// one line).
func txnBox(st *Styles, tr txn.Result, a txn.Anomaly, i, width int, compact, selected bool) []string {
	t := tr.Txns[a.Txns[i]]
	name := fmt.Sprintf("T%d", i+1)
	if selected {
		name = "▸ " + name
	}
	title := fmt.Sprintf("%s · p%v · %s · %s", st.Bold.Render(name), t.Process, recordsWords(t), outcomeWords(t))
	mops := lessons.MopsText(t)
	if compact {
		return []string{cut(fmt.Sprintf("[%s] %s", title, mops), width)}
	}
	inner := width - 4
	body := wrapLines(mops, inner)
	if len(body) > 2 {
		body = append(body[:1], cut(strings.Join(body[1:], " "), inner))
	}
	top := "┌ " + cut(title, inner) + " "
	out := []string{top + strings.Repeat("─", max(0, width-1-ansi.StringWidth(top))) + "┐"}
	for _, l := range body {
		out = append(out, "│ "+padRight(l, inner)+" │")
	}
	return append(out, "└"+strings.Repeat("─", width-2)+"┘")
}

// recordsWords names a transaction's records: "records 46–53".
func recordsWords(t history.Txn) string {
	switch {
	case t.Invocation != nil && t.Completion != nil:
		return fmt.Sprintf("records %d–%d", t.Invocation.Index, t.Completion.Index)
	case t.Invocation != nil:
		return fmt.Sprintf("record %d, open", t.Invocation.Index)
	}
	return fmt.Sprintf("record %d", t.Completion.Index)
}

// outcomeWords is how a transaction ended: ok, fail (conflict), info.
func outcomeWords(t history.Txn) string {
	s := string(t.Type)
	if t.Completion != nil && t.Completion.Error != "" && t.Type != history.OK {
		s += " (" + t.Completion.Error + ")"
	}
	return s
}

// cycleState is the cycle view's place: which anomaly (in cycleOrder),
// which box (from the top).
type cycleState struct {
	anomaly int
	cursor  int
}

// cycleKey moves between anomalies (tab) and boxes (↑ ↓).
func (e *explorerModel) cycleKey(k tea.KeyMsg) {
	tr, ok := e.in.check.txnResult()
	if !ok {
		return
	}
	list := cycleOrder(tr)
	if len(list) == 0 {
		return
	}
	keys := e.in.c.keys
	c := &e.cyc
	switch {
	case key.Matches(k, keys.NextOp, keys.Right):
		c.anomaly, c.cursor = (c.anomaly+1)%len(list), 0
	case key.Matches(k, keys.PrevOp, keys.Left):
		c.anomaly, c.cursor = (c.anomaly+len(list)-1)%len(list), 0
	case key.Matches(k, keys.Down):
		c.cursor = min(c.cursor+1, len(list[c.anomaly%len(list)].Txns)-1)
	case key.Matches(k, keys.Up):
		c.cursor = max(c.cursor-1, 0)
	case key.Matches(k, keys.ZoomIn, keys.ZoomOut):
		e.flash = "the cycle view is drawn to fit; t shows these transactions in the full timeline"
	}
}

// fromCycle carries the selected transaction to the full timeline.
func (e *explorerModel) fromCycle() {
	tr, ok := e.in.check.txnResult()
	list := cycleOrder(tr)
	if !ok || len(list) == 0 {
		return
	}
	d := newCycleDiagram(tr, list[e.cyc.anomaly%len(list)])
	if e.cyc.cursor < 0 || e.cyc.cursor >= len(d.order) {
		return
	}
	if t := tr.Txns[d.a.Txns[d.order[e.cyc.cursor]]]; t.Invocation != nil {
		if id := e.look.tl.byInvocation(t.Invocation.Index); id >= 0 {
			e.selectOp(id)
		}
	}
}

// cycleView draws the selected anomaly beside (wide) or above its
// explanation.
func (e *explorerModel) cycleView() string {
	c, st := e.in.c, e.in.c.styles
	W := c.width
	out := []string{e.in.header}
	tr, ok := e.in.check.txnResult()
	list := cycleOrder(tr)
	if !ok || len(list) == 0 {
		msg := "No verdict yet: r runs it, and the checker looks at the history when the run ends (c checks the history so far)."
		switch {
		case e.in.check.running:
			msg = "The checker is still working; the cycle comes with its verdict."
		case ok:
			msg = e.in.check.word(st, e.in.check.result.Verdict) + ": the checker found no anomaly, so there is no cycle to draw."
		}
		out = append(out, st.Title.Render(" cycle"), "")
		out = append(out, indentLines(wrapLines(msg, W-2), 1)...)
		return e.finish(out)
	}
	i := e.cyc.anomaly % len(list)
	a := list[i]
	d := newCycleDiagram(tr, a)
	model := lessons.ModelWords(tr.Consistency)
	judged := st.Good.Render(model + " allows it")
	if txn.Forbids(tr.Consistency, a.Type) {
		judged = st.Error.Render(model + " forbids it")
	}
	title := fmt.Sprintf(" cycle %d of %d · %s (%s) · %s", i+1, len(list), st.Bold.Render(txn.PlainNameOf(a)), a.Type, judged)
	out = append(out, cut(title, W))

	side, diagW, textW := besideWhenWide(W, W-2)
	text := e.cycleText(tr, a, d, textW)
	rows := c.height - 3 - len(out)
	room := rows
	if !side {
		room = rows - min(len(text), 6) - 1 // keep a few lines of explanation
	}
	diagram := drawCycle(st, tr, d, diagW, false, e.cyc.cursor)
	if len(diagram) > room {
		diagram = drawCycle(st, tr, d, diagW, true, e.cyc.cursor)
	}
	if side {
		left := st.r.NewStyle().Width(diagW + 2).Render(strings.Join(indentLines(diagram, 1), "\n"))
		out = append(out, strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, left, " ", strings.Join(text, "\n")), "\n")...)
	} else {
		out = append(out, indentLines(diagram, 1)...)
		out = append(out, "")
		if left := c.height - 3 - len(out); len(text) > left {
			text = append(text[:max(0, left-1):max(0, left-1)], st.Dim.Render("… (a taller window shows the whole explanation)"))
		}
		out = append(out, indentLines(text, 1)...)
	}
	return e.finish(out)
}

// besideWhenWide splits a screen W wide between a drawing and its
// explanation: side by side from 130 columns, else each the full width
// (narrow: the drawing's width then).
func besideWhenWide(W, narrow int) (side bool, drawW, textW int) {
	if W < 130 {
		return false, narrow, W - 2
	}
	textW = max(40, W*2/5)
	return true, W - textW - 3, textW
}

// cycleText is the explanation beside the drawing: what it shows, the
// checker's words, and the anomalies found.
func (e *explorerModel) cycleText(tr txn.Result, a txn.Anomaly, d cycleDiagram, width int) []string {
	st := e.in.c.styles
	var paras []string
	if d.note != "" {
		paras = append(paras, lessons.TxnAnomalyText(tr, a), d.note)
	} else {
		paras = append(paras, lessons.TxnAnomalyText(tr, a))
	}
	if len(d.edges) > 0 {
		paras = append(paras, st.Dim.Render("ww: a write after a write · wr: a read of a write · rw: a write after a read that missed it"))
	}
	paras = append(paras, st.Dim.Render("Found in this run: "+strings.Join(anomalyCounts(tr), ", ")+". tab: the next anomaly · ↑ ↓ a transaction · enter: it in the timeline"))
	var out []string
	for n, p := range paras {
		if n > 0 {
			out = append(out, "")
		}
		out = append(out, wrapLines(p, width)...)
	}
	return out
}
