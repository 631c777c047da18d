package tui

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/faultline-lab/faultline/sim"
)

// The cluster picture: nodes as boxes placed on a ring, a partition as a
// cut between the groups (nodes regroup by side, so one straight cut
// separates them), crashed and paused nodes drawn differently (a dotted
// and a dashed border, and the word), the leader with a double border,
// and the traffic on each link: a line while messages cross it, an arrow
// head at the end they go to, • for each in flight, × where they were
// dropped and ~ where delayed.
//
// Charm's libraries do the rest of the screen; the picture is drawn on the
// TUI's own canvas, because none of them places boxes at free positions
// with lines between them: lipgloss v1 joins and places blocks only in
// rows and columns (its v2 composites layers, but needs bubbletea v2 and
// renders colour outside our one renderer), and ntcharts draws charts,
// not graphs. The borders are lipgloss's own border sets.

// pictureForm is how much room the picture has to work with.
type pictureForm uint8

const (
	formRoomy   pictureForm = iota // bordered boxes and the links between them
	formCompact                    // two-or-three-line labels on the ring, no link lines
	formList                       // a line (or two) a node: too little room for a ring
)

// pictureInput is what the picture draws: a moment of the cluster, the
// traffic around it, and the node the fault keys act on.
type pictureInput struct {
	snap     clusterSnap
	traffic  traffic
	selected int
	width    int
	height   int
}

// nodeBox is one node laid out: its lines and where they go.
type nodeBox struct {
	i     int
	title string
	lines []string
	x, y  int
	w, h  int
}

func (b nodeBox) cx() int { return b.x + b.w/2 }
func (b nodeBox) cy() int { return b.y + b.h/2 }

// overlaps reports whether two boxes come closer than gapX columns and
// gapY rows (borderless labels need air around them to read apart).
func (b nodeBox) overlaps(o nodeBox, gapX, gapY int) bool {
	return b.x < o.x+o.w+gapX && o.x < b.x+b.w+gapX && b.y < o.y+o.h+gapY && o.y < b.y+b.h+gapY
}

// drawCluster draws the picture in width×height cells and returns its
// lines (never wider or more than asked).
func drawCluster(st *Styles, in pictureInput) []string {
	if in.width < 8 || in.height < 1 || len(in.snap.nodes) == 0 {
		return nil
	}
	for _, f := range []pictureForm{formRoomy, formCompact} {
		if boxes, ok := layoutRing(in, f); ok {
			return renderRing(st, in, f, boxes)
		}
	}
	return listForm(st, in)
}

// boxContent is a node's title and fields, packed to at most maxW cells.
func boxContent(in pictureInput, i, maxW int) (string, []string) {
	v := in.snap.nodes[i]
	title := nodeTitle(v)
	if i == in.selected {
		title = "▸" + title
	}
	var fields []string
	switch {
	case !v.Up:
		fields = []string{"crashed"}
	default:
		fields = nodeFields(v)
	}
	w := lineWidth(title)
	for _, f := range fields {
		w = max(w, lineWidth(f))
	}
	return title, packFields(fields, min(w, maxW))
}

// layoutRing places the boxes of a form on an ellipse (by side of the
// cut when partitioned); it reports false when they do not fit apart.
func layoutRing(in pictureInput, form pictureForm) ([]nodeBox, bool) {
	n := len(in.snap.nodes)
	W, H := in.width, in.height
	maxW := W / 2
	if form == formRoomy {
		maxW = min(32, W/3)
	}
	boxes := make([]nodeBox, n)
	for i := range boxes {
		title, lines := boxContent(in, i, max(8, maxW-4))
		b := nodeBox{i: i, title: title, lines: lines}
		b.w = lineWidth(title)
		for _, l := range lines {
			b.w = max(b.w, lineWidth(l))
		}
		b.h = 1 + len(lines)
		if form == formRoomy {
			b.w += 4
			b.h += 2
		}
		if b.w > W || b.h > H {
			return nil, false
		}
		boxes[i] = b
	}
	angles, cut := ringAngles(in.snap)
	bw, bh := 0, 0
	for _, b := range boxes {
		bw, bh = max(bw, b.w), max(bh, b.h)
	}
	cx, cy := float64(W)/2, float64(H)/2
	rx, ry := math.Max(0, (float64(W-bw))/2), math.Max(0, float64(H-bh)/2)
	mid := W / 2
	columnY := map[int]int{}
	if cut {
		columnY = sideRows(boxes, angles, H)
	}
	for i := range boxes {
		b := &boxes[i]
		x := cx + rx*math.Cos(angles[i]) - float64(b.w)/2
		y := cy + ry*math.Sin(angles[i]) - float64(b.h)/2
		b.x = clampInt(int(math.Round(x)), 0, W-b.w)
		b.y = clampInt(int(math.Round(y)), 0, H-b.h)
		if cy, ok := columnY[i]; ok {
			b.y = cy
		}
		if cut && n > 1 {
			// Keep each side on its side of the cut.
			switch side := math.Cos(angles[i]); {
			case side < -0.01:
				b.x = min(b.x, mid-2-b.w)
			case side > 0.01:
				b.x = max(b.x, mid+2)
			}
			if b.x < 0 || b.x+b.w > W {
				return nil, false
			}
		}
	}
	gapX, gapY := 1, 0
	if form == formCompact {
		gapX, gapY = 3, 1
	}
	for i := range boxes {
		for j := i + 1; j < len(boxes); j++ {
			if boxes[i].overlaps(boxes[j], gapX, gapY) {
				return nil, false
			}
		}
	}
	return boxes, true
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

// sideRows stacks each side of a cut in a column, evenly down the height
// (an ellipse's arc would squeeze several boxes of one side together).
func sideRows(boxes []nodeBox, angles []float64, H int) map[int]int {
	out := map[int]int{}
	// A bridge node sits on the cut at the top: the sides start below it.
	top := 0
	for i, a := range angles {
		if math.Abs(math.Cos(a)) <= 0.01 {
			out[i] = 0
			top = max(top, boxes[i].h+1)
		}
	}
	H -= top
	for _, side := range []float64{-1, 1} {
		var col []int
		used := 0
		for i, a := range angles {
			if c := math.Cos(a); c*side > 0.01 {
				col = append(col, i)
				used += boxes[i].h
			}
		}
		sort.Slice(col, func(p, q int) bool { return math.Sin(angles[col[p]]) < math.Sin(angles[col[q]]) })
		gap := max(0, (H-used)/(len(col)+1))
		y := gap
		for _, i := range col {
			out[i] = top + max(0, min(y, H-boxes[i].h))
			y += boxes[i].h + gap
		}
	}
	return out
}

// ringAngles places nodes on the ring (screen angles: 0 is right, π/2 is
// down). Unpartitioned, in id order from the top; cut in two (or
// bridged), each side on its own half; cut in more, each group its own
// sector; a ring partition, along the ring of who hears whom. cut says
// whether a straight cut down the middle separates the sides.
func ringAngles(c clusterSnap) ([]float64, bool) {
	n := len(c.nodes)
	out := make([]float64, n)
	top := -math.Pi / 2
	even := func(order []int) {
		for k, i := range order {
			out[i] = top + 2*math.Pi*float64(k)/float64(len(order))
		}
	}
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}
	switch {
	case c.shape == "":
		even(ids)
		return out, false
	case c.shape == sim.ShapeRing:
		even(ringOrder(c))
		return out, false
	}
	groupOf := c.groupOf()
	sides := map[int][]int{}
	var bridge []int
	for i, g := range groupOf {
		if g < 0 {
			bridge = append(bridge, i)
			continue
		}
		sides[g] = append(sides[g], i)
	}
	if len(sides) > 2 || len(sides) == 0 {
		// Each group a sector, in group order.
		var order []int
		var gs []int
		for g := range sides {
			gs = append(gs, g)
		}
		sort.Ints(gs)
		for _, g := range gs {
			order = append(order, sides[g]...)
		}
		order = append(order, bridge...)
		even(order)
		return out, false
	}
	left, right := sides[0], sides[1]
	if len(sides) == 1 { // one group and nodes cut off from it
		for g := range sides {
			left = sides[g]
		}
		right, bridge = bridge, nil
	}
	arc := func(order []int, from, span float64) {
		for k, i := range order {
			out[i] = from + span*float64(k+1)/float64(len(order)+1)
		}
	}
	arc(left, 3*math.Pi/2, -math.Pi) // from the top, down the left
	arc(right, -math.Pi/2, math.Pi)  // from the top, down the right
	for _, i := range bridge {
		out[i] = top // on the cut, heard by both sides
	}
	return out, true
}

// ringOrder follows a ring partition's links: each node hears its two
// neighbours on the ring (any node left over goes last).
func ringOrder(c clusterSnap) []int {
	n := len(c.nodes)
	seen := make([]bool, n)
	order := []int{0}
	seen[0] = true
	for len(order) < n {
		cur, next := order[len(order)-1], -1
		for j := 0; j < n; j++ {
			if !seen[j] && c.hears != nil && c.hears[cur][j] && c.hears[j][cur] {
				next = j
				break
			}
		}
		if next < 0 {
			for j := 0; j < n; j++ {
				if !seen[j] {
					next = j
					break
				}
			}
		}
		seen[next] = true
		order = append(order, next)
	}
	return order
}

// renderRing draws the cut, the links, then the boxes over them.
func renderRing(st *Styles, in pictureInput, form pictureForm, boxes []nodeBox) []string {
	cv := newCanvas(in.width, in.height)
	angles, cut := ringAngles(in.snap)
	_ = angles
	if cut {
		drawCut(cv, in, boxes)
	}
	if form == formRoomy || in.width >= 100 {
		drawLinks(cv, in, boxes)
	}
	groupOf := in.snap.groupOf()
	for _, b := range boxes {
		drawNodeBox(cv, in, form, b, groupOf[b.i])
	}
	return cv.lines(st)
}

// drawCut draws the partition as a dashed line down the middle, the
// bridge node (if any) sitting on it.
func drawCut(cv *canvas, in pictureInput, boxes []nodeBox) {
	x := in.width / 2
	for y := 0; y < in.height; y++ {
		cv.set(x, y, '┊', inkNemesis)
	}
	y := 0
	for _, b := range boxes {
		if b.x <= x && x < b.x+b.w && b.y == 0 {
			y = in.height - 1 // the bridge is at the top: the label goes below
		}
	}
	// The sides are named as the partition's description names them.
	cv.text(x-1, y, "cut", inkNemesis, in.width)
	left, right := "A", "B"
	for _, b := range boxes {
		if g := in.snap.groupOf()[b.i]; g >= 0 && b.cx() < x {
			left, right = string(rune('A'+g)), string(rune('A'+1-g))
		}
	}
	cv.text(x-4, y, left, inkBold, in.width)
	cv.text(x+4, y, right, inkBold, in.width)
}

// drawLinks draws each link that carried something lately: a line
// between the boxes, arrow heads where messages arrived, • for those in
// flight, × for drops and ~ for delays.
func drawLinks(cv *canvas, in pictureInput, boxes []nodeBox) {
	n := len(boxes)
	inside := func(x, y int) bool {
		for _, b := range boxes {
			if x >= b.x && x < b.x+b.w && y >= b.y && y < b.y+b.h {
				return true
			}
		}
		return false
	}
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			ab, ba := in.traffic.links[linkKey{a, b}], in.traffic.links[linkKey{b, a}]
			if ab == nil && ba == nil {
				continue
			}
			cells := lineCells(boxes[a].cx(), boxes[a].cy(), boxes[b].cx(), boxes[b].cy())
			var free []cell
			for _, c := range cells {
				if !inside(c.x, c.y) {
					free = append(free, c)
				}
			}
			if len(free) == 0 {
				continue
			}
			k := inkDim
			if in.snap.cut(a, b) {
				k = inkNemesis
			}
			for _, c := range free {
				if cv.at(c.x, c.y) == ' ' || cv.at(c.x, c.y) == '┊' {
					cv.set(c.x, c.y, c.r, k)
				}
			}
			linkMarks(cv, free, ab, false)
			linkMarks(cv, free, ba, true)
		}
	}
}

// linkMarks marks one direction of a link along its free cells (from a
// to b, or back when reverse).
func linkMarks(cv *canvas, free []cell, l *linkTraffic, reverse bool) {
	if l == nil {
		return
	}
	at := func(f float64) cell {
		i := int(math.Round(f * float64(len(free)-1)))
		if reverse {
			i = len(free) - 1 - i
		}
		return free[clampInt(i, 0, len(free)-1)]
	}
	end := at(1)
	if l.sent > 0 || l.inFlight > 0 {
		prev := at(max(0, 1-1/float64(max(1, len(free)-1))))
		cv.set(end.x, end.y, arrowHead(end.x-prev.x, end.y-prev.y), inkBold)
	}
	if l.inFlight > 0 {
		c := at(max(0.1, l.progress))
		cv.set(c.x, c.y, '•', inkWarn)
	}
	if l.delayed > 0 {
		c := at(0.3)
		cv.set(c.x, c.y, '~', inkWarn)
	}
	if l.dropped > 0 {
		c := at(0.5)
		cv.set(c.x, c.y, '×', inkError)
	}
}

// arrowHead points along (dx, dy).
func arrowHead(dx, dy int) rune {
	switch {
	case abs(dx) >= abs(dy) && dx >= 0:
		return '▸'
	case abs(dx) >= abs(dy):
		return '◂'
	case dy > 0:
		return '▾'
	}
	return '▴'
}

// cell is one cell of a line, with the glyph its slope calls for.
type cell struct {
	x, y int
	r    rune
}

// lineCells are the cells of a straight line, a cell per column or row
// (whichever it spans more of, a column counting half a row, as a
// terminal's cells are twice as tall as wide).
func lineCells(x0, y0, x1, y1 int) []cell {
	dx, dy := x1-x0, y1-y0
	r := '─'
	switch slope := math.Abs(float64(2*dy) / math.Max(1, math.Abs(float64(dx)))); {
	case dx == 0 || slope > 3:
		r = '│'
	case slope > 0.6 && (dx > 0) == (dy > 0):
		r = '╲'
	case slope > 0.6:
		r = '╱'
	}
	steps := max(abs(dx), abs(dy))
	out := make([]cell, 0, steps+1)
	for s := 0; s <= steps; s++ {
		t := float64(s) / float64(max(1, steps))
		out = append(out, cell{x0 + int(math.Round(t*float64(dx))), y0 + int(math.Round(t*float64(dy))), r})
	}
	return out
}

// Borders tell states apart without colour: rounded for a node that is
// up, double for the one that leads, dashed for a paused one, dotted with
// crosses for a crashed one.
var (
	borderPaused = lipgloss.Border{Top: "┄", Bottom: "┄", Left: "┆", Right: "┆", TopLeft: "╭", TopRight: "╮", BottomLeft: "╰", BottomRight: "╯"}
	borderDown   = lipgloss.Border{Top: "·", Bottom: "·", Left: "·", Right: "·", TopLeft: "×", TopRight: "×", BottomLeft: "×", BottomRight: "×"}
)

func nodeBorder(v sim.NodeView) (lipgloss.Border, ink) {
	switch {
	case !v.Up:
		return borderDown, inkDown
	case v.Paused:
		return borderPaused, inkPaused
	case v.Status.Role.Leads():
		return lipgloss.DoubleBorder(), inkBold
	}
	return lipgloss.RoundedBorder(), inkDim
}

func drawNodeBox(cv *canvas, in pictureInput, form pictureForm, b nodeBox, group int) {
	v := in.snap.nodes[b.i]
	border, k := nodeBorder(v)
	titleInk := inkBold
	switch {
	case !v.Up:
		titleInk = inkDown
	case v.Paused:
		titleInk = inkPaused
	case group >= 0:
		k = groupInk(group)
	}
	x0, y0 := b.x, b.y
	for y := b.y; y < b.y+b.h; y++ { // nothing drawn under a box shows through it
		for x := b.x; x < b.x+b.w; x++ {
			cv.set(x, y, ' ', inkPlain)
		}
	}
	if form == formRoomy {
		r := func(s string) rune { return []rune(s)[0] }
		for x := b.x + 1; x < b.x+b.w-1; x++ {
			cv.set(x, b.y, r(border.Top), k)
			cv.set(x, b.y+b.h-1, r(border.Bottom), k)
		}
		for y := b.y + 1; y < b.y+b.h-1; y++ {
			cv.set(b.x, y, r(border.Left), k)
			cv.set(b.x+b.w-1, y, r(border.Right), k)
			for x := b.x + 1; x < b.x+b.w-1; x++ {
				cv.set(x, y, ' ', inkPlain)
			}
		}
		cv.set(b.x, b.y, r(border.TopLeft), k)
		cv.set(b.x+b.w-1, b.y, r(border.TopRight), k)
		cv.set(b.x, b.y+b.h-1, r(border.BottomLeft), k)
		cv.set(b.x+b.w-1, b.y+b.h-1, r(border.BottomRight), k)
		x0, y0 = b.x+2, b.y+1
	}
	if b.i == in.selected {
		titleInk = inkSelected
	}
	cv.text(x0, y0, b.title, titleInk, x0+b.w)
	for j, l := range b.lines {
		cv.text(x0, y0+1+j, l, inkPlain, x0+b.w)
	}
}

func groupInk(g int) ink { return inkGroup0 + ink(g%5) }

// listForm is the picture when no ring fits: a node a line or more, its
// fields wrapped, never cut.
func listForm(st *Styles, in pictureInput) []string {
	var out []string
	groupOf := in.snap.groupOf()
	for i, v := range in.snap.nodes {
		mark := "  "
		if i == in.selected {
			mark = "▸ "
		}
		head := mark + nodeTitle(v)
		if g := groupOf[i]; g >= 0 {
			head += " [" + string(rune('A'+g)) + "]"
		}
		fields := []string{"crashed"}
		if v.Up {
			fields = nodeFields(v)
		}
		line := head
		if len(fields) > 0 {
			line += ": " + strings.Join(fields, " · ")
		}
		wrapped := wrapLines(line, in.width-4)
		for j, w := range wrapped {
			if j > 0 {
				w = "    " + w
			}
			out = append(out, styleNodeLine(st, v, w, j == 0))
		}
	}
	return out
}

func styleNodeLine(st *Styles, v sim.NodeView, line string, first bool) string {
	if !first {
		return line
	}
	switch {
	case !v.Up:
		return st.Down.Render(line)
	case v.Paused:
		return st.Paused.Render(line)
	}
	return line
}

// pictureLegend explains the picture's marks in one line.
func pictureLegend(width int) string {
	parts := []string{"═ leads", "┄ paused", "· × down", "┊ cut", "▸ arrived", "• in flight", "× dropped", "~ delayed"}
	var b strings.Builder
	for _, p := range parts {
		if b.Len() > 0 && lineWidth(b.String())+2+lineWidth(p) > width {
			break
		}
		if b.Len() > 0 {
			b.WriteString("  ")
		}
		b.WriteString(p)
	}
	return b.String()
}

// networkLine says what the network is doing: the partition, loss,
// duplication and delay, and the traffic.
func networkLine(c clusterSnap, tr traffic) string {
	net := "network whole"
	if c.shape != "" {
		net = c.desc
		if net == "" {
			net = "partitioned"
		}
	}
	if c.loss > 0 {
		net += fmt.Sprintf(" · %.0f%% lost", c.loss*100)
	}
	if c.dup > 0 {
		net += fmt.Sprintf(" · %.0f%% duplicated", c.dup*100)
	}
	if c.delayNs > 0 {
		net += " · delay ≤" + sim.FormatDuration(c.delayNs)
	}
	return net
}
