package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// The message view is a Lamport diagram of the trace: a column per client
// and node, time going down a row per event, and an arrow for each message
// where it arrives — from the column that sent it, labelled with its type.
// Dropped messages end in ×, held ones (their node paused) in ‖, and
// delayed ones are dashed.

// msgGutter is the width of the time column.
const msgGutter = 9

// msgLayout shares out the message view's rows.
type msgLayout struct {
	rows int      // diagram rows
	info []string // the lines under it
}

func (e *explorerModel) msgLayout(m *lessonModel) msgLayout {
	W, H := e.width, e.height
	info := m.msgInfo(W-2, max(3, (H-8)/3))
	return msgLayout{rows: max(3, H-5-1-len(info)), info: info}
}

// msgCursor is the selected row: the one at the moment, unless moved.
func (e *explorerModel) msgCursor(m *lessonModel) int {
	x := m.look.msgs
	if len(x.rows) == 0 {
		return -1
	}
	if e.msgRow >= 0 && e.msgRow < len(x.rows) {
		return e.msgRow
	}
	if inv, _, ok := m.selectedOp(); ok && inv.Time == e.moment {
		// The selected operation's own invocation, when the moment is it.
		r := x.rowAt(e.moment)
		for i := r; i < len(x.rows) && x.tr[x.rows[i]].Time == e.moment; i++ {
			ev := x.tr[x.rows[i]]
			if ev.Kind == sim.TraceInvoke && ev.Src == clientOf(inv.Process, m.run.s.Config().Clients) {
				return i
			}
		}
		return r
	}
	return x.rowAt(e.moment)
}

func (e *explorerModel) messagesKey(m *lessonModel, k tea.KeyMsg) {
	x, keys := m.look.msgs, m.c.keys
	if len(x.rows) == 0 {
		return
	}
	r := e.msgCursor(m)
	page := max(1, e.msgLayout(m).rows-1)
	switch {
	case key.Matches(k, keys.Up):
		r--
	case key.Matches(k, keys.Down):
		r++
	case key.Matches(k, keys.PageUp, keys.Left):
		r -= page
	case key.Matches(k, keys.PageDown, keys.Right):
		r += page
	case key.Matches(k, keys.NextOp, keys.PrevOp):
		tl := m.look.tl
		if len(tl.ops) > 0 {
			id := e.cursor
			if key.Matches(k, keys.NextOp) {
				id = min(int32(len(tl.ops)-1), id+1)
			} else {
				id = max(0, id-1)
			}
			e.selectOp(m, id)
		}
		return
	case key.Matches(k, keys.ZoomIn, keys.ZoomOut):
		m.flash = "the diagram has a row per event; t zooms the timeline"
		return
	}
	r = max(0, min(len(x.rows)-1, r))
	e.msgRow = r
	e.moment = x.tr[x.rows[r]].Time
}

func (e *explorerModel) messagesView(m *lessonModel) string {
	c, st := m.c, m.c.styles
	W := c.width
	x := m.look.msgs
	out := []string{m.header()}
	if len(x.rows) == 0 {
		out = append(out, st.Title.Render(" messages"), "",
			" "+st.Dim.Render(cut("Nothing here yet: r runs the lesson, and every message between clients and nodes appears here.", W-2)))
		return e.finish(m, out)
	}
	lay := e.msgLayout(m)
	cur := e.msgCursor(m)
	top := max(0, min(cur-lay.rows/2, len(x.rows)-lay.rows))
	bottom := min(len(x.rows), top+lay.rows)
	title := fmt.Sprintf(" messages · %s – %s · events %d–%d of %d", fmtTime(x.tr[x.rows[top]].Time, 3),
		fmtTime(x.tr[x.rows[bottom-1]].Time, 3), top+1, bottom, len(x.rows))
	out = append(out, st.Title.Render(cut(title, W)))

	cols := m.msgColumns()
	cv := newCanvas(W-1, 1+lay.rows)
	xs := columnX(len(cols), cv.w)
	for i, name := range cols {
		cv.text(xs[i]-len(name)/2, 0, name, inkBold, cv.w)
	}
	cv.text(1, 0, "time", inkDim, msgGutter)
	col := map[string]int{}
	for i, name := range cols {
		col[name] = xs[i]
	}
	sel := m.selectedRows()
	for r := top; r < bottom; r++ {
		m.drawMsgRow(cv, 1+r-top, r, r == cur, col, xs, cols, sel)
	}
	out = append(out, cv.lines(st)...)
	out = append(out, " "+st.Dim.Render(cut("•──▶ arrived   •──× dropped   •──‖ held (paused node)   •╌╌▶ delayed   ◷ timer   ┊ paused   · down", W-2)))
	out = append(out, indentLines(lay.info, 1)...)
	return e.finish(m, out)
}

// msgColumns are the clients, then the nodes.
func (m *lessonModel) msgColumns() []string {
	cfg := m.run.s.Config()
	var out []string
	for k := 1; k <= cfg.Clients; k++ {
		out = append(out, fmt.Sprintf("c%d", k))
	}
	return append(out, m.run.s.NodeIDs()...)
}

// columnX spreads n columns over the width right of the time gutter.
func columnX(n, width int) []int {
	xs := make([]int, n)
	w := max(n, width-msgGutter-1)
	for i := range xs {
		xs[i] = msgGutter + (2*i+1)*w/(2*n)
	}
	return xs
}

// selectedRows are the trace positions of the selected operation: its
// invocation, its request's arrivals and its completion.
func (m *lessonModel) selectedRows() map[int]bool {
	inv, comp, ok := m.selectedOp()
	if !ok {
		return nil
	}
	x := m.look.msgs
	a, b := x.opEvents(inv, comp, m.run.s.Config().Clients)
	if a < 0 {
		return nil
	}
	out := map[int]bool{a: true}
	client := x.tr[a].Src
	end := b
	if end < 0 {
		end = min(len(x.tr)-1, a+traceScan)
	}
	for i := a; i <= end; i++ {
		if ev := x.tr[i]; (ev.Src == client || ev.Dest == client) && ev.Kind != sim.TraceSend {
			out[i] = true
		}
	}
	return out
}

// drawMsgRow draws diagram row r (index r of the message index) at canvas
// row y.
func (m *lessonModel) drawMsgRow(cv *canvas, y, r int, cursor bool, col map[string]int, xs []int, cols []string, sel map[int]bool) {
	x := m.look.msgs
	i := int(x.rows[r])
	ev := x.tr[i]
	tl := m.look.tl
	// The column lines: a node down is dotted away, a paused one dashed.
	for k, name := range cols {
		r := '│'
		if down, paused := tl.nodeState(name, ev.Time); down {
			r = '·'
		} else if paused {
			r = '┊'
		}
		cv.set(xs[k], y, r, inkDim)
	}
	k := inkPlain
	gut := " "
	if sel[i] {
		k, gut = inkWitness, "*"
		if inv, _, ok := m.selectedOp(); ok && m.check.witness[inv.Index] == markFailing {
			k, gut = inkFailing, "!"
		}
	}
	if cursor {
		gut = ">"
	}
	cv.text(0, y, fmt.Sprintf("%s%7.3f", gut, float64(ev.Time)/1e9), inkPlain, msgGutter)
	if cursor {
		cv.paint(0, y, inkSelected)
	}
	switch ev.Kind {
	case sim.TraceDeliver, sim.TraceDrop, sim.TraceHold:
		m.drawArrow(cv, y, i, col, k)
	case sim.TraceComplete:
		if rep := x.replyOf(i); rep >= 0 {
			from := x.tr[rep]
			drawArrowCells(cv, y, col[from.Src], col[ev.Src], '▶', false, sim.DescribeBody(from.Body), k)
		} else {
			cv.text(col[ev.Src]+1, y, " "+ev.Detail, k, cv.w)
			cv.set(col[ev.Src], y, '◂', k)
		}
	case sim.TraceInvoke:
		cv.set(col[ev.Src], y, '▸', k)
		cv.text(col[ev.Src]+1, y, fmt.Sprintf("%s %s", "p"+procAt(m, ev), ev.Detail), k, nextCol(xs, col[ev.Src], cv.w))
	case sim.TraceTimer:
		cv.set(col[ev.Src], y, '◷', inkDim)
		cv.text(col[ev.Src]+1, y, ev.Detail, inkDim, nextCol(xs, col[ev.Src], cv.w))
	case sim.TraceLog:
		cv.text(col[ev.Src]+1, y, ev.Detail, inkDim, cv.w)
	case sim.TraceFault:
		for xx := msgGutter; xx < cv.w; xx++ {
			cv.set(xx, y, '░', inkNemesis)
		}
		cv.text(msgGutter+1, y, " fault: "+ev.Detail+" ", inkNemesis, cv.w)
	}
}

// procAt is the process of a client's invocation, from the history.
func procAt(m *lessonModel, ev sim.TraceEvent) string {
	h := m.run.s.History()
	i := sort.Search(len(h), func(i int) bool { return h[i].Time >= ev.Time })
	for ; i < len(h) && h[i].Time == ev.Time; i++ {
		if h[i].Type == history.Invoke && !h[i].IsNemesis() && clientOf(h[i].Process, m.run.s.Config().Clients) == ev.Src {
			return h[i].Process.String()
		}
	}
	return "?"
}

// nextCol is the column after x (the limit of a label written at x).
func nextCol(xs []int, x, width int) int {
	for _, c := range xs {
		if c > x {
			return c - 1
		}
	}
	return width
}

// drawArrow draws a message's arrow on the row where it arrives.
func (m *lessonModel) drawArrow(cv *canvas, y, i int, col map[string]int, k ink) {
	x := m.look.msgs
	ev := x.tr[i]
	from, ok1 := col[ev.Src]
	to, ok2 := col[ev.Dest]
	if !ok1 || !ok2 {
		return
	}
	label, short := "message", "message"
	if ev.Body != nil {
		label, short = sim.DescribeBody(ev.Body), ev.Body.Type()
	}
	delayed, note := false, ""
	if s := x.sendOf(i); s >= 0 {
		lat := ev.Time - x.tr[s].Time
		if slow := m.run.s.Config().LatencyMaxNs; lat > slow && ev.Kind == sim.TraceDeliver {
			delayed, note = true, "+"+fmtSpan(lat)
		}
		if x.duplicated(s) {
			note = strings.TrimSpace(note + " dup")
		}
	}
	head := '▶'
	switch ev.Kind {
	case sim.TraceDrop:
		head, note = '×', ev.Detail
	case sim.TraceHold:
		head, note = '‖', "held"
	}
	if note != "" {
		label += " (" + note + ")"
		short += " (" + note + ")"
	}
	if len([]rune(label)) > abs(to-from)-3 {
		label = short
	}
	drawArrowCells(cv, y, from, to, head, delayed, label, k)
}

// drawArrowCells draws •───label───▶ from one column to another; a drop or
// hold ends short of its node.
func drawArrowCells(cv *canvas, y, from, to int, head rune, dashed bool, label string, k ink) {
	if from == to {
		cv.set(from, y, head, k)
		cv.text(from+1, y, " "+label, k, cv.w)
		return
	}
	d := 1
	if to < from {
		d = -1
	}
	if head == '▶' && d < 0 {
		head = '◀'
	}
	end := to
	if head == '×' || head == '‖' {
		end = to - d
	}
	fill := '─'
	if dashed {
		fill = '╌'
	}
	cv.set(from, y, '•', k)
	for xx := from + d; xx != end; xx += d {
		cv.set(xx, y, fill, k)
	}
	cv.set(end, y, head, k)
	lo, hi := min(from, end), max(from, end)
	room := hi - lo - 3
	if room < 2 {
		return
	}
	label = cut(label, room)
	n := len([]rune(label))
	cv.text(lo+2+(room-n)/2, y, " "+label+" ", k, hi)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
