package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
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

func (e *explorerModel) msgLayout() msgLayout {
	W, H := e.width(), e.height()
	info := e.msgInfo(W-2, max(3, (H-8)/3))
	return msgLayout{rows: max(3, H-5-1-len(info)), info: info}
}

// msgCursor is the selected row: the one at the moment, unless moved.
func (e *explorerModel) msgCursor() int {
	x := e.look.msgs
	rows := e.viewRows()
	if len(rows) == 0 {
		return -1
	}
	if e.msgRow >= 0 && e.msgRow < len(rows) {
		return e.msgRow
	}
	if inv, _, ok := e.selectedOp(); ok && inv.Time == e.moment {
		// The selected operation's own invocation, when the moment is it.
		r := x.rowAt(rows, e.moment)
		for i := r; i < len(rows) && x.tr[rows[i]].Time == e.moment; i++ {
			ev := x.tr[rows[i]]
			if ev.Kind == sim.TraceInvoke && ev.Src == e.in.src.clientOf(inv.Process) {
				return i
			}
		}
		return r
	}
	return x.rowAt(rows, e.moment)
}

func (e *explorerModel) messagesKey(k tea.KeyMsg) {
	x, keys := e.look.msgs, e.in.c.keys
	rows := e.viewRows()
	if len(rows) == 0 {
		return
	}
	r := e.msgCursor()
	page := max(1, e.msgLayout().rows-1)
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
		tl := e.look.tl
		if len(tl.ops) > 0 {
			id := e.cursor
			if key.Matches(k, keys.NextOp) {
				id = min(int32(len(tl.ops)-1), id+1)
			} else {
				id = max(0, id-1)
			}
			e.selectOp(id)
		}
		return
	case key.Matches(k, keys.ZoomIn, keys.ZoomOut):
		e.flash = "the diagram has a row per event; t zooms the timeline"
		return
	}
	r = max(0, min(len(rows)-1, r))
	e.msgRow = r
	e.moment = x.tr[rows[r]].Time
}

func (e *explorerModel) messagesView() string {
	c, st := e.in.c, e.in.c.styles
	W := c.width
	x := e.look.msgs
	rows := e.viewRows()
	out := []string{e.in.header}
	if len(rows) == 0 {
		out = append(out, st.Title.Render(" messages"), "",
			" "+st.Dim.Render(cut("Nothing here yet: r runs it, and every message between clients and nodes appears here.", W-2)))
		return e.finish(out)
	}
	lay := e.msgLayout()
	cur := e.msgCursor()
	top := max(0, min(cur-lay.rows/2, len(rows)-lay.rows))
	bottom := min(len(rows), top+lay.rows)
	title := fmt.Sprintf(" messages · %s – %s · events %d–%d of %d", fmtTime(x.tr[rows[top]].Time, 3),
		fmtTime(x.tr[rows[bottom-1]].Time, 3), top+1, bottom, len(rows))
	if len(rows) < len(x.rows) {
		title += " · only those that carried the witness's values (a: all)"
	}
	out = append(out, st.Title.Render(cut(title, W)))

	cols := e.msgColumns()
	cv := newCanvas(W-1, 1+lay.rows)
	xs := columnX(len(cols), cv.w)
	for i, name := range cols {
		label := e.columnLabel(name, x.tr[rows[cur]].Time)
		cv.text(xs[i]-lineWidth(label)/2, 0, label, inkBold, cv.w)
	}
	cv.text(1, 0, "time", inkDim, msgGutter)
	col := map[string]int{}
	for i, name := range cols {
		col[name] = xs[i]
	}
	sel := e.selectedRows()
	for r := top; r < bottom; r++ {
		e.drawMsgRow(cv, 1+r-top, r, r == cur, col, xs, cols, sel)
	}
	out = append(out, cv.lines(st)...)
	out = append(out, " "+st.Dim.Render(cut("•──▶ arrived   •──× dropped   •──‖ held (paused node)   •╌╌▶ delayed   ◷ timer   ┊ paused   · down", W-2)))
	out = append(out, indentLines(lay.info, 1)...)
	return e.finish(out)
}

// msgColumns are the clients, then the nodes (and the services a live
// run's nodes talk to).
func (e *explorerModel) msgColumns() []string { return e.in.src.columns() }

// columnLabel names a client's column by the process it runs at a moment
// (the history's p numbers), a node's by its id.
func (e *explorerModel) columnLabel(name string, at int64) string {
	if !isClient(name) {
		return name
	}
	h := e.in.src.hist()
	clients := e.in.src.clientCount()
	i := sort.Search(len(h), func(i int) bool { return h[i].Time > at })
	for j := i - 1; j >= 0 && i-j < 10_000; j-- {
		if o := h[j]; o.Type == history.Invoke && !o.IsNemesis() && sim.ClientOf(o.Process, clients) == name {
			return "p" + o.Process.String()
		}
	}
	for j := i; j < len(h) && j-i < 10_000; j++ {
		if o := h[j]; o.Type == history.Invoke && !o.IsNemesis() && sim.ClientOf(o.Process, clients) == name {
			return "p" + o.Process.String()
		}
	}
	return name
}

// isClient reports whether a column is a client's (c1, c2, …): its label
// is the process it runs.
func isClient(name string) bool {
	if len(name) < 2 || name[0] != 'c' {
		return false
	}
	for _, r := range name[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
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
func (e *explorerModel) selectedRows() map[int]bool {
	inv, comp, ok := e.selectedOp()
	if !ok {
		return nil
	}
	x := e.look.msgs
	a, b := e.in.src.opEvents(x, inv, comp)
	if a < 0 {
		return nil
	}
	out := map[int]bool{}
	for _, i := range x.opRows(a, b) {
		out[i] = true
	}
	return out
}

// drawMsgRow draws diagram row r (index r of the message index) at canvas
// row y.
func (e *explorerModel) drawMsgRow(cv *canvas, y, r int, cursor bool, col map[string]int, xs []int, cols []string, sel map[int]bool) {
	x := e.look.msgs
	rows := e.viewRows()
	i := int(rows[r])
	ev := x.tr[i]
	tl := e.look.tl
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
		if inv, _, ok := e.selectedOp(); ok && e.in.check.witness[inv.Index] == markFailing {
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
		e.drawArrow(cv, y, i, col, k)
	case sim.TraceComplete:
		if rep := x.replyOf(i); rep >= 0 {
			from := x.tr[rep]
			drawArrowCells(cv, y, col[from.Src], col[ev.Src], '▶', false, e.processWords(bodyWords(from.Body, 40), from.Time), k)
		} else {
			cv.text(col[ev.Src]+1, y, " "+ev.Detail, k, cv.w)
			cv.set(col[ev.Src], y, '◂', k)
		}
	case sim.TraceInvoke:
		cv.set(col[ev.Src], y, '▸', k)
		cv.text(col[ev.Src]+1, y, "p"+e.procAt(ev)+" "+e.invokeWords(ev), k, nextCol(xs, col[ev.Src], cv.w))
	case sim.TraceTimer:
		cv.set(col[ev.Src], y, '◷', inkDim)
		cv.text(col[ev.Src]+1, y, ev.Detail, inkDim, nextCol(xs, col[ev.Src], cv.w))
	case sim.TraceLog:
		at, words := col[ev.Src]+1, e.logWords(i)
		if w := lineWidth(words); at+w > cv.w {
			at = max(msgGutter, col[ev.Src]-1-w) // the rightmost node logs to its left
		}
		cv.text(at, y, words, inkDim, cv.w)
	case sim.TraceFault:
		for xx := msgGutter; xx < cv.w; xx++ {
			cv.set(xx, y, '░', inkNemesis)
		}
		cv.text(msgGutter+1, y, " fault: "+ev.Detail+" ", inkNemesis, cv.w)
	}
}

// procAt is the process of a client's invocation, from the history.
func (e *explorerModel) procAt(ev sim.TraceEvent) string {
	h := e.in.src.hist()
	i := sort.Search(len(h), func(i int) bool { return h[i].Time >= ev.Time })
	for ; i < len(h) && h[i].Time == ev.Time; i++ {
		if h[i].Type == history.Invoke && !h[i].IsNemesis() && e.in.src.clientOf(h[i].Process) == ev.Src {
			return h[i].Process.String()
		}
	}
	return "?"
}

// invokeWords is what an invocation asks, a transaction's steps in words
// ("txn r k1, append k3 4"), not its raw value.
func (e *explorerModel) invokeWords(ev sim.TraceEvent) string {
	if !strings.HasPrefix(ev.Detail, "txn ") {
		return ev.Detail
	}
	h := e.in.src.hist()
	i := sort.Search(len(h), func(i int) bool { return h[i].Time >= ev.Time })
	for ; i < len(h) && h[i].Time == ev.Time; i++ {
		if h[i].Type == history.Invoke && h[i].F == "txn" && e.in.src.clientOf(h[i].Process) == ev.Src {
			if t, ok := txnText(h[i].Value, false); ok {
				return "txn " + t
			}
		}
	}
	return ev.Detail
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
func (e *explorerModel) drawArrow(cv *canvas, y, i int, col map[string]int, k ink) {
	x := e.look.msgs
	ev := x.tr[i]
	from, ok1 := col[ev.Src]
	to, ok2 := col[ev.Dest]
	if !ok1 || !ok2 {
		return
	}
	label, short := "message", "message"
	if ev.Body != nil {
		label, short = e.processWords(bodyWords(ev.Body, 48), ev.Time), ev.Body.Type()
	}
	delayed, note := false, ""
	if s := x.sendOf(i); s >= 0 {
		lat := ev.Time - x.tr[s].Time
		if slow := e.in.src.latencyNs(); lat > slow && ev.Kind == sim.TraceDeliver {
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

// viewRows are the trace positions the message view draws: after a
// failing verdict, only the causal ones (a shows them all).
func (e *explorerModel) viewRows() []int32 {
	lc := e.look
	res := e.in.check.result
	if e.chatter || res == nil || res.Verdict != checker.NotLinearizable || len(res.Witness) == 0 {
		return lc.msgs.rows
	}
	if lc.causal == nil || lc.causeOf != res {
		src := e.in.src
		lc.causal = causalRows(lc.msgs, res, func(inv history.Op, comp *history.Op) (int, int) { return src.opEvents(lc.msgs, inv, comp) })
		lc.causeOf = res
		if e.in.txn {
			lc.causal.rows = withLogs(lc.msgs, lc.causal.rows)
		}
	}
	if len(lc.causal.rows) == 0 {
		return lc.msgs.rows
	}
	return lc.causal.rows
}
