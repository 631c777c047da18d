package tui

import (
	"fmt"
	"math"
	"sort"

	"github.com/faultline-lab/faultline/sim"
)

// zoomLevels are the nanoseconds a column of the timeline covers, from
// finest to coarsest: + and - move between them.
var zoomLevels = func() []int64 {
	var out []int64
	for d := int64(1_000); d <= 10_000_000_000; d *= 10 {
		out = append(out, d, 2*d, 5*d)
	}
	return out
}()

// zoomFor is the finest level at which span fits in cols columns.
func zoomFor(span int64, cols int) int {
	for i, z := range zoomLevels {
		if z*int64(max(1, cols)) >= span {
			return i
		}
	}
	return len(zoomLevels) - 1
}

// axis maps virtual time to columns: linearly (the full timeline), or
// through points spaced evenly (the witness, where what matters is the
// order of a few records, not the gaps between them).
type axis struct {
	t0       int64 // the time at column 0 (linear)
	nsPerCol int64
	cols     int
	pts      []int64 // ordinal: distinct times, pts[k] at column margin + k*step
	step     float64
	margin   int
}

func linearAxis(t0, nsPerCol int64, cols int) axis {
	return axis{t0: t0, nsPerCol: max(1, nsPerCol), cols: cols}
}

// ordinalAxis spaces the distinct times evenly over cols, with a margin.
func ordinalAxis(times []int64, cols int) axis {
	pts := append([]int64(nil), times...)
	sort.Slice(pts, func(i, j int) bool { return pts[i] < pts[j] })
	uniq := pts[:0]
	for i, p := range pts {
		if i == 0 || p != pts[i-1] {
			uniq = append(uniq, p)
		}
	}
	a := axis{pts: uniq, cols: cols, margin: 2}
	if len(uniq) > 1 {
		a.step = float64(max(1, cols-2*a.margin-1)) / float64(len(uniq)-1)
	}
	return a
}

func (a axis) ordinal() bool { return a.pts != nil }

// from and to are the times at the edges.
func (a axis) from() int64 {
	if a.ordinal() {
		if len(a.pts) == 0 {
			return 0
		}
		return a.pts[0]
	}
	return a.t0
}

func (a axis) to() int64 {
	if a.ordinal() {
		if len(a.pts) == 0 {
			return 0
		}
		return a.pts[len(a.pts)-1]
	}
	return a.t0 + a.nsPerCol*int64(a.cols)
}

// col is the column of time t; it may be outside [0, cols). Times beyond
// an ordinal axis's points fall just outside it.
func (a axis) col(t int64) int {
	if !a.ordinal() {
		d := t - a.t0
		if d < 0 {
			return int((d - a.nsPerCol + 1) / a.nsPerCol)
		}
		return int(d / a.nsPerCol)
	}
	n := len(a.pts)
	switch {
	case n == 0:
		return 0
	case t < a.pts[0]:
		return -1
	case t > a.pts[n-1]:
		return a.cols
	case n == 1:
		return a.cols / 2
	}
	k := sort.Search(n, func(i int) bool { return a.pts[i] > t }) - 1
	x := float64(k) * a.step
	if k+1 < n && a.pts[k+1] > a.pts[k] {
		x += a.step * float64(t-a.pts[k]) / float64(a.pts[k+1]-a.pts[k])
	}
	return a.margin + int(math.Floor(x))
}

// tick is a labelled point of the time axis.
type tick struct {
	col   int
	label string
}

// ticks are the axis's labelled points: round times about every 12
// columns (linear), or each record's time where there is room (ordinal).
func (a axis) ticks() []tick {
	var out []tick
	if a.ordinal() {
		last := -100
		for _, p := range a.pts {
			c := a.col(p)
			l := fmtTime(p, 3)
			if c-last < len(l)+2 {
				continue
			}
			out = append(out, tick{c, l})
			last = c
		}
		return out
	}
	span := a.nsPerCol * 12
	step := int64(1)
	for _, s := range zoomLevels {
		if s*10 >= span {
			step = s * 10
			break
		}
	}
	if step == 1 {
		step = zoomLevels[len(zoomLevels)-1] * 10
	}
	decimals := max(0, int(math.Ceil(-math.Log10(float64(step)/1e9))))
	first := (a.t0 + step - 1) / step * step
	if a.t0 < 0 {
		first = 0
	}
	for t := first; t < a.to(); t += step {
		out = append(out, tick{a.col(t), fmtTime(t, decimals)})
	}
	return out
}

// fmtTime is a moment in seconds with the given decimals: "1.25s".
func fmtTime(ns int64, decimals int) string {
	return fmt.Sprintf("%.*fs", decimals, float64(ns)/1e9)
}

// fmtSpan is a duration briefly: 5ms, 1.2s.
func fmtSpan(ns int64) string { return sim.FormatDuration(ns) }
