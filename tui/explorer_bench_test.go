package tui

import (
	"runtime"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
)

// bigRun opens lesson 2 with a finished run of ops operations and a
// failing verdict whose witness is in the middle of it.
func bigRun(b *testing.B, ops, w, h int) Model {
	b.Helper()
	m := openLesson2(b, w, h)
	l := m.lesson
	runOps(b, l, ops)
	hist := l.play.run.s.History()
	mid := len(hist) / 2
	for hist[mid].Type != history.Invoke || hist[mid].IsNemesis() {
		mid++
	}
	res := checker.Result{Verdict: checker.NotLinearizable, Anomaly: "stale read", Ops: ops,
		Explanation: "In time order: process 1 wrote 7; then process 0 read 3, a value already overwritten.",
		Witness:     history.History{hist[mid]}, Failing: &hist[mid], WitnessMinimal: true}
	l.check.result, l.check.full, l.check.variant, l.check.witness = &res, true, l.variant, marks(res)
	l.prompt.close()
	return update(b, m, tea.WindowSizeMsg{Width: w, Height: h})
}

// BenchmarkTimelineView10kOps: View() of the history timeline at 200×60
// over a 10,000-operation run, at the cursor's readable zoom (target
// ≤ 5 ms).
func BenchmarkTimelineView10kOps(b *testing.B) {
	m := bigRun(b, 10_000, 200, 60)
	m = press(b, m, "t")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkTimelineView10kOpsZoomedOut: the same, zoomed out until every
// operation of the run is in sight (the worst case: all 10,000 are drawn).
func BenchmarkTimelineView10kOpsZoomedOut(b *testing.B) {
	m := bigRun(b, 10_000, 200, 60)
	m = press(b, m, "t")
	e := &m.lesson.explore
	e.zoom = zoomFor(m.lesson.explore.look.tl.end, 200-gutterW-1)
	e.t0, e.moment = 0, m.lesson.explore.look.tl.end/2
	e.followTimeline()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkMessagesView10kOps: View() of the message diagram at 200×60.
func BenchmarkMessagesView10kOps(b *testing.B) {
	m := bigRun(b, 10_000, 200, 60)
	m = press(b, m, "m")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkExplorerMemory100kOps: the memory a 100,000-operation run
// takes with the explorer open on it (target ≤ 200 MB). It reports the
// live heap of everything — the simulation, its history and trace, and
// the explorer's indexes and the re-simulation kept as a checkpoint — and
// the explorer's share alone.
func BenchmarkExplorerMemory100kOps(b *testing.B) {
	for b.Loop() {
		m := bigRun(b, 100_000, 200, 60)
		before := liveHeap()
		for _, k := range []string{"t", "w", "m", "t"} {
			m = pressSettle(b, m, k) // with the cluster re-simulated to the moment
			_ = m.View()
		}
		if !m.lesson.explore.look.scrub.has {
			b.Fatal("the cluster at the moment was not re-simulated")
		}
		after := liveHeap()
		b.ReportMetric(float64(after)/1e6, "MB-live-total")
		b.ReportMetric(float64(after-before)/1e6, "MB-explorer")
		b.ReportMetric(float64(len(m.lesson.play.run.s.Trace())), "trace-events")
		runtime.KeepAlive(m)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
