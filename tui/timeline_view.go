package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// timelineLayout is how the rows of the timeline view are shared out.
type timelineLayout struct {
	plotW    int // columns of the plot, right of the lane labels
	bandRows int
	laneRows int
	details  []string
	cluster  []string
}

// timelineChrome: the header, the title, the axis, the legend, the status
// line and the help bar.
const timelineChrome = 6

func (e *explorerModel) timelineLayout() timelineLayout {
	W, H := e.width(), e.height()
	lay := timelineLayout{plotW: max(1, W-gutterW-1)}
	tl := e.look.tl
	lay.details = e.opDetails(W - 2)
	free := H - timelineChrome - len(lay.details)
	lanes := len(e.shownLanes(lay.plotW))
	bands := 0
	if len(tl.bands) > 0 {
		bands = min(3, max(1, (free-lanes)/3))
	}
	lay.bandRows = bands
	clusterMax := max(1, min(len(e.in.src.nodeIDs())+1, free-bands-min(lanes, 3)))
	lay.cluster = e.scrubLines(W-2, clusterMax)
	lay.laneRows = max(1, min(lanes, free-bands-len(lay.cluster)))
	return lay
}

// followTimeline chooses a readable zoom the first time, then keeps the
// moment and the cursor's lane in sight.
func (e *explorerModel) followTimeline() {
	tl := e.look.tl
	if len(tl.ops) == 0 {
		return
	}
	lay := e.timelineLayout()
	cols := lay.plotW
	if !e.placed {
		e.zoom = readableZoom(tl)
		e.t0 = e.moment - zoomLevels[e.zoom]*int64(cols)/2
		e.placed = true
	}
	ns := zoomLevels[e.zoom]
	span := ns * int64(cols)
	margin := span / 10
	switch {
	case e.moment < e.t0+margin:
		e.t0 = e.moment - margin
	case e.moment > e.t0+span-margin:
		e.t0 = e.moment - span + margin
	}
	e.t0 = max(e.t0, -2*ns)
	shown := e.shownLanes(cols)
	if e.cursor >= 0 {
		pos := sort.SearchInts(shown, tl.lane(e.cursor))
		e.laneTop = max(0, min(e.laneTop, pos))
		if pos >= e.laneTop+lay.laneRows {
			e.laneTop = pos - lay.laneRows + 1
		}
	}
	e.laneTop = max(0, min(e.laneTop, len(shown)-lay.laneRows))
}

// shownLanes are the lanes with an operation in sight, and the cursor's:
// a process that retired (after an info) or had not begun yet takes no
// row where it has nothing to show.
func (e *explorerModel) shownLanes(cols int) []int {
	tl := e.look.tl
	ns := zoomLevels[e.zoom]
	from, to := e.t0, e.t0+ns*int64(cols)
	cl := -1
	if e.cursor >= 0 {
		cl = tl.lane(e.cursor)
	}
	var out []int
	for li := range tl.lanes {
		if i, j := tl.inLane(li, from, to); j > i || li == cl {
			out = append(out, li)
		}
	}
	return out
}

// readableZoom gives a typical operation and the pause after it (the
// median from one start to the next in a lane) about fourteen columns:
// bars are short, but their labels fit beside them.
func readableZoom(tl *timeline) int {
	var cycles []int64
	for _, l := range tl.lanes {
		for k := 1; k < len(l.ops) && len(cycles) < 4096; k++ {
			cycles = append(cycles, tl.ops[l.ops[k]].start-tl.ops[l.ops[k-1]].start)
		}
	}
	if len(cycles) == 0 {
		return zoomFor(max(1, tl.end/40), 1)
	}
	sort.Slice(cycles, func(i, j int) bool { return cycles[i] < cycles[j] })
	return zoomFor(max(1, cycles[len(cycles)/2]/14), 1)
}

func (e *explorerModel) timelineKey(k tea.KeyMsg) {
	tl, keys := e.look.tl, e.in.c.keys
	if len(tl.ops) == 0 {
		return
	}
	if e.cursor < 0 {
		e.home()
	}
	lay := e.timelineLayout()
	cols := int64(lay.plotW)
	ns := zoomLevels[e.zoom]
	li := tl.lane(e.cursor)
	page := max(1, lay.laneRows-1)
	switch {
	case key.Matches(k, keys.Up):
		e.toLane(-1)
	case key.Matches(k, keys.Down):
		e.toLane(1)
	case key.Matches(k, keys.PageUp):
		e.toLane(-page)
	case key.Matches(k, keys.PageDown):
		e.toLane(page)
	case key.Matches(k, keys.NextOp):
		e.selectOp(min(int32(len(tl.ops)-1), e.cursor+1))
	case key.Matches(k, keys.PrevOp):
		e.selectOp(max(0, e.cursor-1))
	case key.Matches(k, keys.Left, keys.Right):
		d := max(ns, ns*cols/8)
		if key.Matches(k, keys.Left) {
			d = -d
		}
		e.moment = max(0, min(tl.end, e.moment+d))
		if id := tl.near(li, e.moment); id >= 0 {
			e.cursor = id
		}
	case key.Matches(k, keys.ZoomIn, keys.ZoomOut):
		mc := (e.moment - e.t0) / ns // keep the moment where it is on screen
		if key.Matches(k, keys.ZoomIn) {
			e.zoom = max(0, e.zoom-1)
		} else {
			// Out as far as the whole run on the screen, no further.
			e.zoom = min(max(e.zoom, zoomFor(tl.end, int(cols))), e.zoom+1)
		}
		e.t0 = e.moment - mc*zoomLevels[e.zoom]
		e.flash = fmtSpan(zoomLevels[e.zoom]) + " a column"
	}
	e.followTimeline()
}

// toLane moves the cursor by n of the lanes in sight, to the operation
// there nearest the moment.
func (e *explorerModel) toLane(n int) {
	tl := e.look.tl
	shown := e.shownLanes(e.timelineLayout().plotW)
	if len(shown) == 0 {
		return
	}
	pos := sort.SearchInts(shown, tl.lane(e.cursor))
	li := shown[max(0, min(len(shown)-1, pos+n))]
	if id := tl.near(li, e.moment); id >= 0 {
		e.cursor = id
	}
}

func (e *explorerModel) timelineView() string {
	c, st := e.in.c, e.in.c.styles
	W := c.width
	tl := e.look.tl
	out := []string{e.in.header}
	if len(tl.ops) == 0 {
		out = append(out, st.Title.Render(" history timeline"), "",
			" "+st.Dim.Render("Nothing here yet: r runs it, and its operations appear here as bars, a lane per process."))
		return e.finish(out)
	}
	lay := e.timelineLayout()
	ns := zoomLevels[e.zoom]
	ax := linearAxis(e.t0, ns, lay.plotW)
	shown := e.shownLanes(lay.plotW)
	title := fmt.Sprintf(" history timeline · %s – %s · %s a column · %d operations",
		fmtTime(max(0, ax.from()), 3), fmtTime(ax.to(), 3), fmtSpan(ns), len(tl.ops))
	if e.live {
		title += " · following the run"
	}
	switch {
	case len(shown) > lay.laneRows:
		title += fmt.Sprintf(" · lanes %d–%d of the %d busy here", e.laneTop+1, e.laneTop+lay.laneRows, len(shown))
	case len(shown) < len(tl.lanes):
		title += fmt.Sprintf(" · %d of %d processes busy here", len(shown), len(tl.lanes))
	}
	out = append(out, st.Title.Render(cut(title, W)))

	lanes := shown[min(len(shown), e.laneTop):]
	lanes = lanes[:min(len(lanes), lay.laneRows)]
	cv := newCanvas(W-1, 1+lay.bandRows+len(lanes))
	used := drawPlot(cv, 0, plot{tl: tl, ax: ax, lanes: lanes, bandRows: lay.bandRows, cursor: e.cursor,
		moment: e.moment, mark: e.markIn(tl)})
	out = append(out, cv.lines(st)[:used]...)
	out = append(out, st.Dim.Render(" "+cut(legend(W-2), W-2)))
	out = append(out, indentLines(lay.details, 1)...)
	out = append(out, indentLines(lay.cluster, 1)...)
	out = append(out, e.recordsAround(W-2, c.height-2-len(out))...)
	return e.finish(out)
}

// recordsAround fills the rows left with the history's records around the
// selected operation, so the bars can be read against the records.
func (e *explorerModel) recordsAround(width, rows int) []string {
	tl, st := e.look.tl, e.in.c.styles
	if rows < 4 || e.cursor < 0 {
		return nil
	}
	inv, comp, _ := tl.invComp(e.cursor)
	h := tl.h
	n := rows - 2
	top := max(0, min(int(inv.Index)-n/2, len(h)-n))
	out := []string{"", " " + st.Dim.Render(cut("the history around it (▸ the selected operation's records)", width))}
	for i := top; i < len(h) && i < top+n; i++ {
		o := h[i]
		lead := "   "
		if i == int(inv.Index) || (comp != nil && i == int(comp.Index)) {
			lead = " ▸ "
		}
		out = append(out, lead+renderRecord(st, o, e.in.check.witness[o.Index], width-3))
	}
	return out
}

// finish pads a view to the screen and adds the status line and the help
// bar.
func (e *explorerModel) finish(lines []string) string {
	c := e.in.c
	rows := c.height - 2
	if len(lines) > rows {
		lines = lines[:rows]
	}
	for len(lines) < rows {
		lines = append(lines, "")
	}
	groups, _ := witnessGroups(e.in.check.result)
	keys := c.keys.explorerShort(e.view, groups != nil)
	if e.in.txn {
		keys = cycleNamed(keys, c.keys)
	}
	lines = append(lines, e.in.status, c.helpBar(keys))
	return fitBlock(strings.Join(lines, "\n"), c.width, c.height)
}

func indentLines(lines []string, n int) []string {
	out := make([]string, len(lines))
	pad := strings.Repeat(" ", n)
	for i, l := range lines {
		out[i] = pad + l
	}
	return out
}

// markIn is how the verdict marks the operations of a timeline (the full
// one or the witness: their records keep their history index).
func (e *explorerModel) markIn(tl *timeline) func(tlOp) mark {
	marks := e.in.check.witness
	return func(o tlOp) mark {
		if marks == nil {
			return markNone
		}
		return marks[tl.h[o.inv].Index]
	}
}
