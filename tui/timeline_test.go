package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

func TestTimelineOpensAtTheFailingOperation(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	m = pressSettle(t, m, "t")
	l := m.lesson
	e, tl := &l.explore, l.explore.look.tl
	if e == nil || e.view != viewHistory {
		t.Fatal("t did not open the timeline")
	}
	fail := l.check.failingIndex()
	if fail < 0 || e.cursor != tl.byInvocation(fail) {
		t.Fatalf("cursor on op %d, want the failing operation (record %d)", e.cursor, fail)
	}
	v := plain(m.View())
	for _, want := range []string{"history timeline", "  p0", "> p1", "  p2", "!r→7", "*w 1", "*w 7",
		"p1 read → 7 · sent to n3 · invoked 1.254s · ok at 1.263s", "! the failing operation",
		"no order can explain", "cluster at 1.254s", "n1  primary", "▼"} {
		if !strings.Contains(v, want) {
			t.Errorf("timeline lacks %q:\n%s", want, v)
		}
	}
	assertFits(t, m.View(), 100, 30)
	if !strings.Contains(v, "ms a column") {
		t.Errorf("the timeline does not open at a zoom where operations are told apart:\n%s", v)
	}
}

func TestTimelineBarsTellOutcomesApartWithoutColour(t *testing.T) {
	t.Parallel()
	h := history.History{
		{Process: 0, Type: history.Invoke, F: "write", Value: int64(3), Time: 10_000_000},
		{Process: 0, Type: history.OK, F: "write", Value: int64(3), Time: 40_000_000},
		{Process: 1, Type: history.Invoke, F: "write", Value: int64(4), Time: 10_000_000},
		{Process: 1, Type: history.Fail, F: "write", Value: int64(4), Time: 40_000_000},
		{Process: 2, Type: history.Invoke, F: "read", Time: 10_000_000},
		{Process: 2, Type: history.Info, F: "read", Time: 40_000_000},
		{Process: 3, Type: history.Invoke, F: "cas", Value: []any{int64(1), int64(2)}, Time: 10_000_000},
		{Process: 4, Type: history.Invoke, F: "read", Time: 10_000_000},
		{Process: 4, Type: history.OK, F: "read", Value: int64(2), Time: 40_000_000},
	}
	h.Reindex()
	tl := newTimeline()
	tl.absorb(h, nil, 50_000_000)
	if len(tl.lanes) != 5 || len(tl.ops) != 5 {
		t.Fatalf("%d lanes, %d ops", len(tl.lanes), len(tl.ops))
	}
	cv := newCanvas(gutterW+60, 6)
	drawPlot(cv, 0, plot{tl: tl, ax: linearAxis(0, 1_000_000, 60), lanes: []int{0, 1, 2, 3, 4}, cursor: -1,
		mark: func(tlOp) mark { return markNone }})
	lines := cv.lines(asciiStyles())
	want := []string{"[w 3====", "[w 4xxxx", "[r → ?~~~", "[cas 1→2---", "[r → 2==="}
	for i, w := range want {
		if !strings.Contains(lines[1+i], w) {
			t.Errorf("lane %d = %q, want %q", i, lines[1+i], w)
		}
	}
	for i, end := range []string{"]", "]", ">", "-", "]"} {
		if s := strings.TrimRight(lines[1+i], " │"); !strings.HasSuffix(s, end) {
			t.Errorf("lane %d ends %q, want %q", i, s, end)
		}
	}
}

func asciiStyles() *Styles { return NewStyles(asciiRenderer()) }

func TestTimelineCursorPanAndZoom(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	m = pressSettle(t, m, "t")
	e, tl := &m.lesson.explore, m.lesson.explore.look.tl
	start := e.cursor

	m = pressSettle(t, m, "tab")
	if e.cursor != start+1 || e.moment != tl.ops[start+1].start {
		t.Errorf("tab: cursor %d moment %d, want the next operation %d", e.cursor, e.moment, start+1)
	}
	m = pressSettle(t, m, "shift+tab", "shift+tab")
	if e.cursor != start-1 {
		t.Errorf("shift+tab twice: cursor %d, want %d", e.cursor, start-1)
	}
	m = pressSettle(t, m, "f")
	if e.cursor != start {
		t.Errorf("f: cursor %d, want the failing operation %d", e.cursor, start)
	}

	lane := tl.lane(e.cursor)
	m = pressSettle(t, m, "down")
	if got := tl.lane(e.cursor); got != lane+1 {
		t.Errorf("down: lane %d, want %d", got, lane+1)
	}
	m = pressSettle(t, m, "up")
	if got := tl.lane(e.cursor); got != lane {
		t.Errorf("up: lane %d, want %d", got, lane)
	}

	zoom, moment, t0 := e.zoom, e.moment, e.t0
	m = pressSettle(t, m, "+")
	if e.zoom != zoom-1 {
		t.Errorf("+: zoom %d, want %d", e.zoom, zoom-1)
	}
	if e.moment != moment {
		t.Error("zooming moved the moment")
	}
	m = pressSettle(t, m, "-", "-")
	if e.zoom != zoom+1 {
		t.Errorf("- twice: zoom %d, want %d", e.zoom, zoom+1)
	}
	m = pressSettle(t, m, "+")
	e.t0 = t0

	for range 10 {
		m = pressSettle(t, m, "right")
	}
	if e.moment <= moment || e.t0 <= t0 {
		t.Errorf("→: moment %d window %d, want both later than %d %d", e.moment, e.t0, moment, t0)
	}
	if got := tl.lane(e.cursor); got != lane || tl.ops[e.cursor].start > e.moment {
		t.Errorf("→: the cursor is not on its lane's operation at the moment")
	}
	ax := linearAxis(e.t0, zoomLevels[e.zoom], e.timelineLayout().plotW)
	if c := ax.col(e.moment); c < 0 || c >= ax.cols {
		t.Errorf("the moment is off screen after panning (column %d)", c)
	}
	for range 20 {
		m = pressSettle(t, m, "left")
	}
	if e.moment >= moment {
		t.Errorf("←: moment %d, want earlier than %d", e.moment, moment)
	}
	if m.lesson.explore.open == false {
		t.Fatal("moving closed the view")
	}
	m = pressSettle(t, m, "esc")
	if m.lesson.explore.open {
		t.Error("esc did not go back to the lesson")
	}
}

func TestTimelineDetailsShowTheModelStateInTheCheckersOrder(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	m = pressSettle(t, m, "t")
	l := m.lesson
	if l.explore.look.order.orders == nil {
		t.Fatal("the checker's order was not computed")
	}
	// The write of 1 in the witness: in the order, 7 before it and 1 after.
	var w1 int32 = -1
	for _, o := range l.check.result.Witness {
		if o.Type == history.Invoke && o.F == "write" && history.Format(o.Value) == "1" {
			w1 = l.explore.look.tl.byInvocation(o.Index)
		}
	}
	if w1 < 0 {
		t.Fatal("no write of 1 in the witness")
	}
	l.explore.selectOp(w1)
	v := plain(m.View())
	if !strings.Contains(v, "before it: 7 · after it: 1") {
		t.Errorf("details of the write of 1 lack the states around it:\n%s", v)
	}
	// An operation after the history stopped being linearizable has none.
	l.explore.selectOp(int32(len(l.explore.look.tl.ops) - 1))
	if v := plain(m.View()); !strings.Contains(v, "In no order") {
		t.Errorf("the last operation claims a place in the order:\n%s", v)
	}
}

func TestFaultBandsLastUntilTheirHeal(t *testing.T) {
	t.Parallel()
	af := func(at int64, kind sim.FaultKind, nodes []string, delta int64, desc string) sim.AppliedFault {
		return sim.AppliedFault{Time: at, Desc: desc, Fault: sim.Fault{Kind: kind, Nodes: nodes, DeltaNs: delta}}
	}
	applied := []sim.AppliedFault{
		af(1, sim.FaultPartition, nil, 0, "partition {n1} | {n2 n3}"),
		af(2, sim.FaultPause, []string{"n2"}, 0, "paused n2"),
		af(3, sim.FaultClockSkew, []string{"n3"}, 2_000_000_000, "clock-skew n3 2s"),
		af(4, sim.FaultHeal, nil, 0, "network healed"),
		af(5, sim.FaultResume, []string{"n2"}, 0, "resumed n2"),
		af(6, sim.FaultCrash, []string{"n1"}, 0, "crashed n1"),
		af(7, sim.FaultHealAll, nil, 0, "healed everything"),
		af(8, sim.FaultPause, []string{"n3"}, 0, "paused n3"),
	}
	tl := newTimeline()
	tl.absorb(nil, applied, 10)
	want := []struct {
		label      string
		start, end int64
	}{
		{"partition {n1} | {n2 n3}", 1, 4}, {"n2 paused", 2, 5}, {"n3 clock +2s", 3, 7}, {"n1 crashed", 6, 7}, {"n3 paused", 8, -1},
	}
	if len(tl.bands) != len(want) {
		t.Fatalf("bands %+v", tl.bands)
	}
	for i, w := range want {
		b := tl.bands[i]
		if b.label != w.label || b.start != w.start || b.end != w.end {
			t.Errorf("band %d = %q %d–%d, want %q %d–%d", i, b.label, b.start, b.end, w.label, w.start, w.end)
		}
	}
	if down, _ := tl.nodeState("n1", 6); !down {
		t.Error("n1 is not down after its crash")
	}
	if _, paused := tl.nodeState("n2", 3); !paused {
		t.Error("n2 is not paused between pause and resume")
	}
	if down, paused := tl.nodeState("n2", 5); down || paused {
		t.Error("n2 is still paused once resumed")
	}
}

func TestTimelineShowsFaultsAsBands(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = press(t, m, "esc", "r")
	m = frames(t, m, 10)
	m = press(t, m, "down", "z") // pause n2
	m = frames(t, m, 10)
	m = press(t, m, "z", "p")
	m = frames(t, m, 10)
	m = pressSettle(t, m, "space", "t")
	v := plain(m.View())
	for _, want := range []string{"fault", "n2 paused", "░"} {
		if !strings.Contains(v, want) {
			t.Errorf("timeline lacks %q:\n%s", want, v)
		}
	}
	if !strings.Contains(v, "partition {") {
		// The pause and the partition may not both be in sight: zoom out.
		m = pressSettle(t, m, "-", "-", "-")
		if v := plain(m.View()); !strings.Contains(v, "partition {") {
			t.Errorf("the live partition is not a band:\n%s", v)
		}
	}
}

func TestTimelineFollowsALiveRunAndANewOne(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = press(t, m, "esc", "r")
	m = frames(t, m, 5)
	m = pressSettle(t, m, "t")
	before := len(m.lesson.explore.look.tl.ops)
	m = frames(t, m, 40)
	if after := len(m.lesson.explore.look.tl.ops); after <= before {
		t.Errorf("the timeline did not grow with the run: %d then %d operations", before, after)
	}
	if !strings.Contains(plain(m.View()), "[r") && !strings.Contains(plain(m.View()), "█") {
		t.Errorf("no bars while the run plays:\n%s", plain(m.View()))
	}
	m = press(t, m, "r") // a new run, with the view open
	if got := len(m.lesson.explore.look.tl.ops); got > 3 {
		t.Errorf("a new run kept %d operations of the old one", got)
	}
	assertFits(t, m.View(), 100, 30)
}

func TestExplorerBeforeAnyRun(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 80, 24)
	for _, k := range []string{"t", "w", "m"} {
		m = pressSettle(t, m, k, "tab", "left", "+", "down")
		v := plain(m.View())
		if !strings.Contains(v, "Nothing here yet") && !strings.Contains(v, "No verdict yet") {
			t.Errorf("%s before a run:\n%s", k, v)
		}
		assertFits(t, m.View(), 80, 24)
	}
}

func TestExplorerViewsWithAndWithoutColour(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	for _, k := range []string{"t", "w", "m"} {
		v := pressSettle(t, m, k).View()
		if strings.Contains(v, "\x1b[") {
			t.Errorf("%s: escape codes under the ASCII profile (NO_COLOR): %q", k, v[:min(200, len(v))])
		}
	}
	// In colour, the styles change no widths.
	r := asciiRenderer()
	r.SetColorProfile(termenv.TrueColor)
	c, err := newModel(Options{Lesson: lesson2, Seed: failingSeed, SeedSet: true}, r, openProgress(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	c = update(t, c, tea.WindowSizeMsg{Width: 100, Height: 30})
	c = playToEnd(t, press(t, c, "2"))
	for _, k := range []string{"t", "w", "m"} {
		v := pressSettle(t, c, k).View()
		if !strings.Contains(v, "\x1b[") {
			t.Errorf("%s: no colour under a colour profile", k)
		}
		assertFits(t, v, 100, 30)
	}
}

func TestTimelineFollowsTheLatestOperationUntilMoved(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = press(t, m, "esc", "r")
	m = frames(t, m, 5)
	m = pressSettle(t, m, "t")
	e := &m.lesson.explore
	m = frames(t, m, 30)
	if !e.live {
		t.Fatal("opened during a run, the timeline does not follow it")
	}
	tl := m.lesson.explore.look.tl
	if e.cursor != int32(len(tl.ops)-1) {
		t.Errorf("cursor %d, want the latest operation %d", e.cursor, len(tl.ops)-1)
	}
	if v := plain(m.View()); !strings.Contains(v, "following the run") {
		t.Errorf("the title does not say it follows the run:\n%s", v)
	}
	m = pressSettle(t, m, "shift+tab")
	held := e.cursor
	m = frames(t, m, 30)
	if e.live || e.cursor != held {
		t.Errorf("after a move the cursor still follows the run (%d, was %d)", e.cursor, held)
	}
}

func TestExplorerOnEveryLessonFits(t *testing.T) {
	t.Parallel()
	for _, l := range lessons.All() {
		m := newTestModel(t, Options{Lesson: l.ID}, 80, 24)
		m = press(t, m, "esc", "r", "]", "]", "]", "]", "]", "]")
		m = frames(t, m, 30)
		m = press(t, m, "p", "k")
		m = frames(t, m, 30)
		for _, k := range []string{"t", "tab", "right", "-", "down", "w", "tab", "m", "down", "pgdown", "t"} {
			m = pressSettle(t, m, k)
			assertFits(t, m.View(), 80, 24)
		}
		if v := plain(m.View()); !strings.Contains(v, "history timeline") {
			t.Errorf("%s: the timeline did not open:\n%s", l.ID, v)
		}
	}
}
