package tui

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// plot is what drawPlot draws: a time axis, fault bands and lanes of
// operations, for the full timeline and for the witness.
type plot struct {
	tl         *timeline
	ax         axis
	lanes      []int // the lanes to draw, top to bottom
	bandRows   int   // rows for fault bands
	cursor     int32 // the selected operation (-1 none)
	moment     int64
	mark       func(op tlOp) mark
	openAsInfo bool // a pending operation is drawn as info (the witness's view of it)
}

// gutterW is the width of the lane labels left of the plot.
const gutterW = 7

// drawPlot draws the plot on c from row y0 and returns the rows used.
// Row y0 is the axis; then the bands; then one row per lane.
func drawPlot(c *canvas, y0 int, p plot) int {
	w := c.w - gutterW
	if w <= 2 {
		return 0
	}
	y := y0
	drawAxis(c, y, p)
	y++
	y += drawBands(c, y, p, w)
	for i, li := range p.lanes {
		drawLane(c, y+i, li, p)
	}
	y += len(p.lanes)
	// The moment, through every empty cell, so that what happened then
	// lines up above and below it.
	if mc := p.ax.col(p.moment); mc >= 0 && mc < w {
		x := gutterW + mc
		c.set(x, y0, '▼', inkBold)
		for yy := y0 + 1; yy < y; yy++ {
			if c.at(x, yy) == ' ' {
				c.set(x, yy, '│', inkDim)
			}
		}
	}
	return y - y0
}

func drawAxis(c *canvas, y int, p plot) {
	c.text(0, y, "time", inkDim, gutterW)
	mx := gutterW + p.ax.col(p.moment) // a label gives way to the moment's mark
	last := -1
	for _, t := range p.ax.ticks() {
		x := gutterW + t.col
		n := len([]rune(t.label))
		lx := min(x+1, c.w-n) // the last label ends at the edge
		// The moment's mark may stand on the tick itself with its label
		// after it ("▼1.233s"), but never inside a label ("▼3.700s" for
		// 13.700s, when the last label moved left to end at the edge).
		covers := mx >= min(x, lx) && mx < lx+n && !(mx == x && lx == x+1)
		if t.col < 0 || x <= last || x >= c.w || lx <= last || covers {
			continue
		}
		c.set(x, y, '╷', inkDim)
		last = c.text(lx, y, t.label, inkDim, c.w)
	}
}

// drawBands packs the fault bands in sight into rows, none overlapping
// another in its row, and labels each.
func drawBands(c *canvas, y0 int, p plot, w int) int {
	if p.bandRows <= 0 {
		return 0
	}
	idx := p.tl.bandsIn(p.ax.from(), p.ax.to())
	if len(idx) == 0 {
		return 0
	}
	type placed struct {
		b, row, x0, x1 int
		beside         bool // the label goes after the band, not in it
	}
	var rowsEnd []int
	var out []placed
	hidden := 0
	starts := make([]int, len(idx))
	for k, bi := range idx {
		starts[k] = p.ax.col(p.tl.bands[bi].start)
	}
	for k, bi := range idx {
		b := p.tl.bands[bi]
		x0 := max(0, p.ax.col(b.start))
		end := p.ax.col(p.tl.bandEnd(b))
		if b.end >= 0 && end > x0 && !p.ax.ordinal() {
			end-- // it ends where the next begins: the column of its end is the next's
		}
		x1 := min(w-1, max(x0, end))
		row := -1
		for r, end := range rowsEnd {
			if end < x0 { // a band may begin in the column after one ends
				row = r
				break
			}
		}
		if row < 0 {
			if len(rowsEnd) >= p.bandRows {
				hidden++
				continue
			}
			rowsEnd = append(rowsEnd, -2)
			row = len(rowsEnd) - 1
		}
		// A label goes inside its band when it fits, else just after it:
		// either way the row is taken up to its end, so no label covers
		// another band.
		// Beside it only when no band begins under the label; else the
		// label is shortened to fit in its band.
		rowsEnd[row] = x1
		beside := false
		if n := lineWidth(bandLabel(b)) + 2; x1-x0+1 < n+2 {
			beside = true
			for _, s := range starts[k+1:] {
				if s > x1 && s <= x1+n+1 {
					beside = false
				}
			}
			if beside {
				rowsEnd[row] = min(w-1, x1+n)
			}
		}
		out = append(out, placed{bi, row, x0, x1, beside})
	}
	for r := range rowsEnd {
		c.text(0, y0+r, "fault", inkDim, gutterW)
	}
	if hidden > 0 {
		// The whole gutter is written, so nothing of "fault" shows through.
		c.text(0, y0+len(rowsEnd)-1, fmt.Sprintf("%-*s", gutterW, fmt.Sprintf("+%d more", hidden)), inkNemesis, gutterW)
	}
	for _, pl := range out {
		b := p.tl.bands[pl.b]
		y := y0 + pl.row
		for x := pl.x0; x <= pl.x1; x++ {
			c.set(gutterW+x, y, '░', inkNemesis)
		}
		if c.at(gutterW+pl.x0-1, y) == '░' {
			c.set(gutterW+pl.x0, y, '▕', inkNemesis) // where one ends and the next begins
		}
		if p.ax.col(b.start) < 0 {
			c.set(gutterW+pl.x0, y, '◀', inkNemesis)
		}
		label := bandLabel(b)
		lx := gutterW + pl.x0 + 1
		if p.ax.col(b.start) < 0 {
			lx++
		}
		switch room := gutterW + pl.x1 - lx - 1; {
		case pl.beside:
			c.text(gutterW+pl.x1+1, y, " "+label+" ", inkNemesis, c.w)
		case room >= lineWidth(label)+1:
			c.text(lx, y, " "+label+" ", inkNemesis, c.w)
		case room >= 4:
			c.text(lx, y, " "+cut(label, room-1), inkNemesis, gutterW+pl.x1)
		}
		if p.ax.col(p.tl.bandEnd(b)) >= w {
			c.set(c.w-1, y, '▶', inkNemesis)
		}
	}
	return len(rowsEnd)
}

// bandLabel is what a band says: its fault, who started it, and … while
// it lasts.
func bandLabel(b faultBand) string {
	label := b.label
	if b.by != "" {
		label += " · " + b.by
	}
	if b.end < 0 {
		return label + " …"
	}
	return label
}

// glyphs draw an operation without colour: ok solid, fail struck, info
// open-ended, pending still growing.
type glyphs struct{ one, open, fill, close rune }

var opGlyphs = map[opStatus]glyphs{
	opOK:      {'█', '[', '=', ']'},
	opFail:    {'x', '[', 'x', ']'},
	opInfo:    {'~', '[', '~', '>'},
	opPending: {'-', '[', '-', '-'},
}

// drawLane draws a lane's operations in sight: bars first, then labels
// inside their bar, or just after it where the lane is free.
func drawLane(c *canvas, y, li int, p plot) {
	tl := p.tl
	w := c.w - gutterW
	lane := tl.lanes[li]
	cursorLane := p.cursor >= 0 && tl.lane(p.cursor) == li
	gut := "  p" + lane.proc.String()
	if cursorLane {
		gut = "> p" + lane.proc.String()
	}
	c.text(0, y, gut, inkPlain, gutterW-1)
	from, to := p.ax.from(), p.ax.to()
	if p.ax.ordinal() {
		from, to = from-1, to+1
	}
	i, j := tl.inLane(li, from, to)
	type bar struct {
		id     int32
		x0, x1 int
		ink    ink
	}
	bars := make([]bar, 0, j-i)
	for _, id := range lane.ops[i:j] {
		o := tl.ops[id]
		st := o.status
		if st == opPending && p.openAsInfo {
			st = opInfo
		}
		x0, x1 := p.ax.col(o.start), p.ax.col(tl.opEnd(o))
		if st == opInfo && p.ax.ordinal() {
			x1 = max(x1, p.ax.col(p.ax.to()))
		}
		x1 = max(x0, x1)
		k := inkPlain
		switch p.mark(o) {
		case markWitness:
			k = inkWitness
		case markFailing:
			k = inkFailing
		}
		if id == p.cursor {
			k = inkSelected
		}
		g := opGlyphs[st]
		if id == p.cursor {
			// The selection shows without colour too: braces, or a diamond
			// for a bar of one column.
			g.open, g.close, g.one = '{', '}', '◆'
		}
		for x := max(0, x0); x <= min(w-1, x1); x++ {
			r := g.fill
			switch {
			case x0 == x1:
				r = g.one
			case x == x0:
				r = g.open
			case x == x1:
				r = g.close
			}
			c.set(gutterW+x, y, r, k)
		}
		bars = append(bars, bar{id, x0, x1, k})
	}
	// Labels: the marked and the selected operations' first, so that
	// they get the room; each in its bar, or beside it, or shortened.
	for pass := 0; pass < 2; pass++ {
		for _, b := range bars {
			if (b.ink != inkPlain) != (pass == 0) {
				continue
			}
			label := opLabel(tl.h, tl.ops[b.id])
			switch p.mark(tl.ops[b.id]) {
			case markFailing:
				label = "!" + label
			case markWitness:
				label = "*" + label
			}
			placeLabel(c, y, b.x0, b.x1, w, label, b.ink)
		}
	}
}

// placeLabel writes an operation's label inside its bar when it fits,
// else just after it where the lane is free, in full or compact form, else
// as much as fits before the next bar.
func placeLabel(c *canvas, y, x0, x1, w int, label string, k ink) {
	compact := strings.ReplaceAll(label, " → ", "→")
	if n := len([]rune(label)); x1-x0-1 >= n && x0 >= 0 && x1 < w {
		c.text(gutterW+x0+1, y, label, k, gutterW+x1)
		return
	}
	if x1+1 < 0 || x1+1 >= w {
		return
	}
	for _, l := range []string{label, compact} {
		n := len([]rune(l))
		if x1+1+n < w && c.free(gutterW+x1+1, gutterW+x1+2+n, y) {
			c.text(gutterW+x1+1, y, l, k, c.w)
			return
		}
	}
	// Part of it, up to the next bar, still says something.
	end := x1 + 1
	for end < w && c.at(gutterW+end, y) == ' ' {
		end++
	}
	if room := end - x1 - 2; room >= 2 {
		c.text(gutterW+x1+1, y, cut(compact, room), k, gutterW+end-1)
	}
}

// shortF are the abbreviations of the timeline's bars.
var shortF = map[string]string{
	"read": "r", "write": "w", "enqueue": "enq", "dequeue": "deq", "acquire": "acq", "release": "rel",
}

// returnsValue lists the functions whose completion carries the result.
var resultF = map[string]bool{"read": true, "dequeue": true, "drain": true, "acquire": true, "txn": true, "get": true}

// opLabel is an operation as its bar says it: `w 3`, `r → 2`, `cas 1→2`,
// `r → ?` for an unknown result.
func opLabel(h history.History, o tlOp) string { return opWords(h, o, true) }

// opWords is an operation in words, its function abbreviated (for a bar)
// or not (for its details); long values are shortened.
func opWords(h history.History, o tlOp, abbrev bool) string {
	inv := h[o.inv]
	f := inv.F
	limit := 48
	if s, ok := shortF[f]; ok && abbrev {
		f = s
	}
	if abbrev {
		limit = 14
	}
	if inv.Key != "" {
		f += " " + inv.Key
	}
	if inv.F == "txn" {
		v, reads := inv.Value, false
		if o.status == opOK {
			v, reads = h[o.comp].Value, true
		}
		if t, ok := txnText(v, reads); ok {
			return f + " " + cut(t, limit)
		}
	}
	switch {
	case inv.F == "cas":
		if pair, ok := inv.Value.([]any); ok && len(pair) == 2 {
			return f + " " + briefValue(pair[0], limit) + "→" + briefValue(pair[1], limit)
		}
	case resultF[inv.F]:
		switch o.status {
		case opOK:
			return f + " → " + briefValue(h[o.comp].Value, limit)
		case opFail:
			return f
		case opInfo:
			return f + " → ?"
		}
		return f + " …"
	}
	if inv.Value == nil {
		return f
	}
	return f + " " + briefValue(inv.Value, limit)
}

// briefValue formats a value in at most about limit cells: a long list
// keeps its first elements and its last, and says how many it has.
func briefValue(v any, limit int) string {
	s := history.Format(v)
	if len([]rune(s)) <= limit {
		return s
	}
	list, ok := v.([]any)
	if !ok || len(list) < 2 {
		return cut(s, limit)
	}
	last := history.Format(list[len(list)-1])
	count := fmt.Sprintf(" (%d)", len(list))
	head := "["
	for _, x := range list[:len(list)-1] {
		next := head + history.Format(x) + " "
		if len([]rune(next))+len([]rune(last))+len(count)+3 > limit {
			break
		}
		head = next
	}
	return head + "… " + last + "]" + count
}

// legend explains the glyphs in one line.
func legend(width int) string {
	parts := []string{"[w 1=] ok", "[xx] fail", "[~~> info: maybe", "[-- pending", "*witness", "!failing", "◆ {} selected", "▼ moment", "░ fault"}
	var b strings.Builder
	for _, p := range parts {
		if b.Len() > 0 && len([]rune(b.String()))+2+len([]rune(p)) > width {
			break
		}
		if b.Len() > 0 {
			b.WriteString("  ")
		}
		b.WriteString(p)
	}
	return b.String()
}
