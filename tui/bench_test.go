package tui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
)

// BenchmarkLessonView10kOps: View() of the lesson screen at 200×60 after
// a finished 10,000-operation run of lesson 2, with a verdict and its
// witness marked (target ≤ 5 ms).
func BenchmarkLessonView10kOps(b *testing.B) {
	m := openLesson2(b, 200, 60)
	l := m.lesson
	runOps(b, l, 10_000)
	h := l.play.run.s.History()
	// A verdict with a witness in the middle of the history, as after a check.
	mid := len(h) / 2
	for h[mid].Type != history.Invoke || h[mid].IsNemesis() {
		mid++
	}
	res := checker.Result{Verdict: checker.NotLinearizable, Anomaly: "stale read", Ops: 10_000,
		Explanation: "In time order: process 1 wrote 7; then process 0 read 3, a value already overwritten.",
		Witness:     history.History{h[mid], h[mid+1], h[mid+2], h[mid+3]}, Failing: &h[mid+2], WitnessMinimal: true}
	l.check.result, l.check.full, l.check.variant, l.check.witness = &res, true, l.variant, marks(res)
	l.hist.top = mid - 5
	l.prompt.close()
	m = update(b, m, tea.WindowSizeMsg{Width: 200, Height: 60})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

// BenchmarkPlaybackFrame: one playback frame of lesson 2 at its default
// speed — Update with a tick, then View at 100×30 (target ≤ 2 ms).
func BenchmarkPlaybackFrame(b *testing.B) {
	m := openLesson2(b, 100, 30)
	m = press(b, m, "esc", "r")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if m.lesson.play.run.done() {
			b.StopTimer()
			m.lesson.check.stop()
			m = press(b, m, "r")
			b.StartTimer()
		}
		m = update(b, m, frameMsg{gen: m.lesson.play.gen})
		_ = m.View()
	}
}

// BenchmarkFirstFramePicker: from nothing to the picker's first frame.
func BenchmarkFirstFramePicker(b *testing.B) {
	dir := b.TempDir()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m, err := newModel(Options{}, asciiRenderer(), openProgress(dir))
		if err != nil {
			b.Fatal(err)
		}
		next, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		_ = next.View()
	}
}

// BenchmarkFirstFrameLesson: from nothing to the first frame of
// `faultline --lesson stale-replica-reads`: the speed estimate (a headless
// run) and the Markdown rendering included.
func BenchmarkFirstFrameLesson(b *testing.B) {
	dir := b.TempDir()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m, err := newModel(Options{Lesson: lesson2}, asciiRenderer(), openProgress(dir))
		if err != nil {
			b.Fatal(err)
		}
		next, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		_ = next.View()
	}
}

// BenchmarkPictureFrame10kOps: one frame of the lesson screen at 160×45 —
// the cluster picture with the traffic of the moment, the history and the
// verdict — after a 10,000-operation run of lesson 2 (target ≤ 5 ms).
func BenchmarkPictureFrame10kOps(b *testing.B) {
	m := openLesson2(b, 160, 45)
	l := m.lesson
	runOps(b, l, 10_000)
	l.prompt.close()
	m = update(b, m, tea.WindowSizeMsg{Width: 160, Height: 45})
	if !strings.Contains(plain(m.View()), "n1 primary") {
		b.Fatal("no cluster picture")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

// BenchmarkAheadDefaultRun: the verdict of lesson 2's default run worked
// out ahead of playback — the run to its end, the check, the break point,
// its line and the state that mattered (target ≤ 200 ms).
func BenchmarkAheadDefaultRun(b *testing.B) {
	l, err := lessons.Get(lesson2)
	if err != nil {
		b.Fatal(err)
	}
	sc, err := l.Scenario(lessons.Options{Seed: failingSeed, Trace: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if out := computeAhead(context.Background(), l, sc); out.stopIndex < 0 {
			b.Fatal("no break point")
		}
	}
}

// runOps gives the lesson screen a finished, traced run of lesson 2 with
// ops operations.
func runOps(b *testing.B, l *lessonModel, ops int) {
	b.Helper()
	sc, err := l.l.Scenario(lessons.Options{Seed: failingSeed, Ops: ops, Trace: true})
	if err != nil {
		b.Fatal(err)
	}
	p, err := newPlayback(sc, 0)
	if err != nil {
		b.Fatal(err)
	}
	if err := p.s.Run(); err != nil {
		b.Fatal(err)
	}
	p.absorb()
	p.started = true
	l.play.run = p
	if n := len(p.s.History().ClientOps()) / 2; n < ops {
		b.Fatalf("only %d operations", n)
	}
}
