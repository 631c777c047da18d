package tui

import (
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/sim"
)

// bandsTimeline has a partition replaced by another, and more clock
// faults than rows to draw them.
func bandsTimeline() *timeline {
	tl := newTimeline()
	applied := []sim.AppliedFault{
		{Time: 1e9, Fault: sim.Fault{Kind: sim.FaultPartition}, Desc: "partition {n1} | {n2 n3}"},
		{Time: 2e9, Fault: sim.Fault{Kind: sim.FaultPartition}, Desc: "partition {n2} | {n1 n3}"},
		{Time: 3e9, Fault: sim.Fault{Kind: sim.FaultHeal}},
	}
	for i, n := range []string{"n1", "n2", "n3"} {
		applied = append(applied, sim.AppliedFault{Time: int64(i+1) * 5e8, Fault: sim.Fault{Kind: sim.FaultClockSkew, Nodes: []string{n}, DeltaNs: 2e9}})
	}
	tl.absorb(nil, applied, 4e9)
	return tl
}

func TestFaultBandsDrawRight(t *testing.T) {
	t.Parallel()
	tl := bandsTimeline()
	cv := newCanvas(100, 4)
	p := plot{tl: tl, ax: linearAxis(0, 5e7, 100-gutterW), bandRows: 3, cursor: -1, moment: -1, mark: func(tlOp) mark { return markNone }}
	drawBands(cv, 0, p, 100-gutterW)
	lines := cv.lines(NewStyles(asciiRenderer()))
	text := strings.Join(lines, "\n")
	if strings.Contains(text, "ult") && !strings.Contains(text, "fault") {
		t.Errorf("the hidden count collides with the lane label:\n%s", text)
	}
	if !strings.Contains(text, "more") {
		t.Errorf("hidden bands are not counted:\n%s", text)
	}
	// The replaced partition ends in the column before the next begins:
	// no column holds both.
	first, second := -1, -1
	for i, b := range tl.bands {
		if b.kind == "partition" && first < 0 {
			first = i
		} else if b.kind == "partition" {
			second = i
		}
	}
	if tl.bands[first].end != tl.bands[second].start {
		t.Fatalf("the first partition ends at %d, the next begins at %d", tl.bands[first].end, tl.bands[second].start)
	}
	for _, l := range lines {
		if strings.Contains(l, "partition {n1}") && strings.Contains(l, "{n2} | {n1 n3}") && strings.Contains(l, "▕") {
			return // one row: they do not overlap
		}
	}
	t.Errorf("a partition and the one replacing it take two rows, as if they overlapped:\n%s", text)
}

func TestZoomOutStopsAtTheRunsLength(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	m = pressSettle(t, m, "t")
	for range 30 {
		m = pressSettle(t, m, "-")
	}
	e := &m.lesson.explore
	span := zoomLevels[e.zoom] * int64(e.timelineLayout().plotW)
	if end := e.look.tl.end; span > 10*end {
		t.Errorf("zoomed out to %d ns across a run of %d", span, end)
	}
	if e.zoom == len(zoomLevels)-1 {
		t.Error("zoom went to its coarsest level")
	}
}

// The moment's mark never lands inside a time label: at the right edge,
// where the last label moves left to fit, it is dropped rather than cut
// ("▼3.700s" once stood for 13.700s).
func TestTheMomentNeverCutsATimeLabel(t *testing.T) {
	t.Parallel()
	times := []int64{11_549e6, 12_037e6, 12_251e6, 12_465e6, 12_793e6, 13_212e6, 13_377e6, 13_493e6, 13_594e6, 13_700e6, 13_703e6}
	for w := 40; w <= 100; w++ {
		ax := ordinalAxis(times, w-gutterW)
		labels := map[string]bool{}
		for _, tk := range ax.ticks() {
			labels[tk.label] = true
		}
		for _, moment := range times {
			cv := newCanvas(w, 1)
			drawAxis(cv, 0, plot{tl: newTimeline(), ax: ax, moment: moment})
			if mc := ax.col(moment); mc >= 0 && mc < w-gutterW {
				cv.set(gutterW+mc, 0, '▼', inkBold)
			}
			row := cv.lines(NewStyles(asciiRenderer()))[0]
			for _, f := range strings.FieldsFunc(row[len("time"):], func(r rune) bool { return r == ' ' || r == '╷' || r == '▼' }) {
				if !labels[f] {
					t.Errorf("width %d, moment %s: the axis shows %q, which is no tick's label:\n%s", w, fmtSeconds(moment), f, row)
				}
			}
		}
	}
}
