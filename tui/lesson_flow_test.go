package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

// startAhead presses r and hands the model the verdict computed ahead, as
// the program would once the background command returns.
func startAhead(t testing.TB, m Model) Model {
	t.Helper()
	m, cmd := updateCmd(m, keyMsg("r"))
	return deliverAhead(t, m, cmd)
}

// deliverAhead runs the commands of cmd that compute a verdict ahead and
// hands their outcome to the model (playback ticks are dropped).
func deliverAhead(t testing.TB, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for _, msg := range run(cmd) {
		if a, ok := msg.(aheadDoneMsg); ok {
			m = update(t, m, a)
		}
	}
	return m
}

// playUntilPaused plays frames until playback stops on its own.
func playUntilPaused(t testing.TB, m Model) Model {
	t.Helper()
	for i := 0; m.lesson.play.run.playing; i++ {
		if i > 100_000 {
			t.Fatal("playback never stopped")
		}
		m = update(t, m, frameMsg{gen: m.lesson.play.gen})
	}
	return m
}

func TestPlaybackStopsWhereTheHistoryBreaks(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = startAhead(t, m)
	m = playUntilPaused(t, m)
	l := m.lesson
	out := l.play.ahead.out
	if out == nil || out.stopIndex < 0 {
		t.Fatal("no break point was computed ahead")
	}
	h := l.play.run.s.History()
	if len(h) != out.stopIndex+1 || l.play.run.done() {
		t.Fatalf("playback stopped with %d records (done %v), want exactly the %d up to the break", len(h), l.play.run.done(), out.stopIndex+1)
	}
	if res := l.check.result; res == nil || res.Verdict != checker.NotLinearizable || h[out.stopIndex].Time != l.play.run.s.Now() {
		t.Fatalf("at the break: verdict %+v, now %d, break at %d", res, l.play.run.s.Now(), h[out.stopIndex].Time)
	}
	// The line of what happened is the witness's: the failing read and the
	// write it missed, with their process, node and values.
	v := strings.Join(strings.Fields(plain(m.View())), " ")
	for _, want := range []string{"Stopped where it breaks, at 1.263s", "p1 read 7 at n3, but p0's write of 1 had finished",
		"ops 16/150", "w m t why", "The state that mattered: n3 answered holding term 1, value 7"} {
		if !strings.Contains(v, want) {
			t.Errorf("the break point lacks %q:\n%s", want, plain(m.View()))
		}
	}
	// space plays on; the end needs no second check.
	m = press(t, m, "space")
	m = playUntilPaused(t, m)
	if !m.lesson.play.run.done() || m.lesson.check.running || m.lesson.check.result == nil {
		t.Errorf("the run did not end with its verdict: done %v, checking %v", m.lesson.play.run.done(), m.lesson.check.running)
	}
}

func TestALateVerdictGoesBackToTheBreak(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m, cmd := updateCmd(m, keyMsg("r"))
	m = frames(t, m, 200) // played past the break before the verdict came
	m = deliverAhead(t, m, cmd)
	l := m.lesson
	if !l.play.back.on || l.play.back.at != l.play.ahead.out.stopAt || l.play.run.playing {
		t.Fatalf("a late verdict: rewound %v to %d, want %d, playing %v", l.play.back.on, l.play.back.at, l.play.ahead.out.stopAt, l.play.run.playing)
	}
	m = settle(t, m, l.play.back.sync(l.play.run))
	if v := plain(m.View()); !strings.Contains(v, "cluster at 1.263s") || !strings.Contains(v, "rewound") {
		t.Errorf("the screen does not show the moment it broke:\n%s", v)
	}
}

func TestStepBackAndForthThroughTheRun(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = press(t, m, "r")
	m = frames(t, m, 40)
	now := m.lesson.play.run.s.Now()
	m = pressSettle(t, m, "left", "left")
	l := m.lesson
	if !l.play.back.on || l.play.back.at >= now || l.play.run.playing {
		t.Fatalf("← did not step back: on %v at %d (now %d)", l.play.back.on, l.play.back.at, now)
	}
	h := l.play.run.s.History()
	if n := l.play.historyLen(); n == 0 || n >= len(h) || h[n-1].Time > l.play.back.at {
		t.Errorf("the history shows %d of %d records at %d", n, len(h), l.play.back.at)
	}
	pane := l.clusterPane()
	snap, exact := pane.snap, pane.exact
	if !exact || snap.at != l.play.back.at {
		t.Fatalf("the cluster is not re-simulated at the moment: %d exact %v", snap.at, exact)
	}
	for i := 0; i < 10 && m.lesson.play.back.on; i++ {
		m = pressSettle(t, m, "right")
	}
	if l := m.lesson; l.play.back.on {
		t.Errorf("→ did not come back to the present (at %d of %d)", l.play.back.at, l.play.run.s.Now())
	}
	if m.lesson.play.run.s.Now() != now {
		t.Errorf("stepping through the past moved the run on: %d → %d", now, m.lesson.play.run.s.Now())
	}
}

func TestTheOpCounterNeverPassesTheTotal(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"timeouts-are-unknown", lesson2} {
		m := newTestModel(t, Options{Lesson: id}, 100, 30)
		m = press(t, m, "esc")
		m = playToEnd(t, m)
		p := m.lesson.play.run
		if p.invokes > p.total {
			t.Errorf("%s: %d operations invoked, %d expected in all", id, p.invokes, p.total)
		}
		if want := fmt.Sprintf("ops %d/%d", p.total, p.total); !strings.Contains(m.lesson.statusLine(), want) {
			t.Errorf("%s: status %q lacks %q", id, plain(m.lesson.statusLine()), want)
		}
	}
}

func TestVariantOrSeedDuringARunAsksFirst(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = press(t, m, "r")
	m = frames(t, m, 20)
	before := m.lesson.play.run
	for _, k := range []string{"v", "n"} {
		m = press(t, m, k)
		if m.lesson.play.run != before || !strings.Contains(m.lesson.flash, k+" again") {
			t.Fatalf("%s threw the run away without asking (flash %q)", k, m.lesson.flash)
		}
		bar := plain(m.lesson.c.helpBar(m.lesson.shortKeys()))
		if !strings.Contains(bar, k+" again") {
			t.Errorf("after %s the key bar names another key: %q", k, bar)
		}
		var cmd tea.Cmd
		m, cmd = updateCmd(m, keyMsg("esc"))
		for _, msg := range run(cmd) {
			if _, ok := msg.(backMsg); ok {
				t.Fatalf("esc after %s left the lesson (the bar promised it keeps the run)", k)
			}
		}
		if m.lesson.play.run != before || m.lesson.confirm.pending != "" {
			t.Fatalf("esc after %s did not keep the run", k)
		}
	}
	m = press(t, m, "v", "v")
	if m.lesson.variant != "fixed" || m.lesson.play.run == before {
		t.Errorf("v twice did not switch the variant: %q", m.lesson.variant)
	}
}

func TestTheLearnersFaultsCarryAcrossVariants(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = press(t, m, "r")
	m = frames(t, m, 15)
	m = press(t, m, "down", "z") // pause n2
	at := m.lesson.play.run.s.Now()
	m = frames(t, m, 5)
	m = press(t, m, "v", "v")
	l := m.lesson
	if live := l.play.run.sc.Faults.Live(); len(live) != 1 || live[0].Kind != sim.FaultPause || live[0].At != at || !live[0].ByTime {
		t.Fatalf("v carried %+v, want the pause at %d", live, at)
	}
	if !strings.Contains(strings.Join(l.notice, " "), "your fault at the same moment") {
		t.Errorf("v does not say the fault comes along: %q", l.notice)
	}
	m = playToEnd(t, m)
	found := false
	for _, a := range m.lesson.play.run.s.Applied() {
		if a.Fault.Live && a.Fault.Kind == sim.FaultPause && a.Time == at {
			found = true
		}
	}
	if !found {
		t.Errorf("the fixed run did not replay the pause at %d: %+v", at, m.lesson.play.run.s.Applied())
	}
	// The scenario of that run replays it exactly, the carried fault
	// included.
	s, _, err := lessons.Run(m.lesson.play.run.scenario())
	if err != nil || len(s.History()) != len(m.lesson.play.run.s.History()) {
		t.Errorf("the scenario does not replay the run: %v", err)
	}
}

func TestYourFaultsOnly(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = press(t, m, "esc", "o")
	l := m.lesson
	if !l.own || len(l.play.run.sc.Faults.Faults) != 0 {
		t.Fatalf("o left the schedule on: %+v", l.play.run.sc.Faults)
	}
	v := plain(m.View())
	if !strings.Contains(v, "your faults only") || !strings.Contains(v, "no scheduled faults") {
		t.Errorf("the screen does not say the schedule is off:\n%s", v)
	}
	m = press(t, m, "o")
	if m.lesson.own || len(m.lesson.play.run.sc.Faults.Faults) == 0 {
		t.Error("o again did not bring the schedule back")
	}
}

func TestTheNextScheduledFaultIsAnnounced(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	v := strings.Join(strings.Fields(plain(m.View())), " ")
	if !strings.Contains(v, "next: partition (one node) at") || !strings.Contains(v, "2.000s for") {
		t.Errorf("the upcoming fault is not announced:\n%s", v)
	}
}

func TestLessonDoneIsNeverSaidUnderAFailure(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m.c.progress.update(lesson2, func(p *lessonProgress) { p.Status, p.SawFail, p.SawFixedPass = statusDone, true, true })
	m = press(t, m, "esc")
	m = playToEnd(t, m)
	if res := m.lesson.check.result; res == nil || res.Verdict != checker.NotLinearizable {
		t.Fatal("no failure")
	}
	if v := plain(m.View()); strings.Contains(v, "Lesson done") {
		t.Errorf("a failing verdict says the lesson is done:\n%s", v)
	}
}

// fakeText is a lesson text with spoilers, a narrated run and words on
// why the fix held.
func fakeText(seed uint64) func(*lessons.Lesson) lessonText {
	return func(l *lessons.Lesson) lessonText {
		t := lessons.Text{
			ID: l.ID, Title: l.Title,
			Body:          "## What to try\n\nPress r.\n\n## What happened\n\nSECRET-STORY\n\n## The fix\n\nSECRET-FIX\n\n## Going further\n\nMore.",
			AfterFirstRun: []string{"What happened", "The fix"},
			Variants:      map[string]lessons.VariantText{"fixed": {Held: "FIXED-HELD-BECAUSE"}, l.DefaultVariant(): {Broke: "DEFAULT-BROKE-BECAUSE"}},
		}
		if seed != 0 {
			t.Narrates = []lessons.Narration{{Seed: seed, Variant: l.DefaultVariant()}}
		}
		return lessonText{t}
	}
}

func openWithText(t *testing.T, seed uint64, w, h int) Model {
	t.Helper()
	m, err := newModel(Options{}, asciiRenderer(), openProgress(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	m.c.textOf = fakeText(seed)
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return update(t, m, openLessonMsg{id: lesson2})
}

func TestSpoilersWaitForTheFirstRun(t *testing.T) {
	t.Parallel()
	m := openWithText(t, 0, 160, 45)
	v := plain(m.View())
	if strings.Contains(v, "SECRET") || !strings.Contains(v, "What happened") || !strings.Contains(v, "after your first run") {
		t.Fatalf("the spoilers show before the first run:\n%s", v)
	}
	m = playToEnd(t, m)
	if !m.lesson.textPane.revealed || !m.c.progress.get(lesson2).Ran {
		t.Fatal("a verdict did not reveal the text")
	}
	if r := m.c.texts.render(m.lesson.textPane.key(), m.lesson.text.body(true), m.lesson.textPane.width); !strings.Contains(r.content, "SECRET-STORY") {
		t.Errorf("the revealed text lacks its story:\n%s", r.content)
	}
	// Revealed for good: the next visit shows them at once.
	m = press(t, m, "q")
	m = update(t, m, backMsg{})
	m = update(t, m, openLessonMsg{id: lesson2})
	if !m.lesson.textPane.revealed {
		t.Error("the spoilers hid again on the next visit")
	}
}

func TestTheLessonOpensOnTheSeedItsTextNarrates(t *testing.T) {
	t.Parallel()
	m := openWithText(t, 7, 100, 30)
	if m.lesson.seed != 7 || !strings.Contains(plain(m.View()), "seed 7") {
		t.Errorf("the lesson opened on seed %d, its text narrates 7", m.lesson.seed)
	}
	m = openWithText(t, 0, 100, 30)
	if m.lesson.seed != defaultSeed {
		t.Errorf("a text narrating no seed opened on %d", m.lesson.seed)
	}
}

func TestAPassSaysWhyTheVariantHeld(t *testing.T) {
	t.Parallel()
	m := openWithText(t, 0, 100, 40)
	m = press(t, m, "esc", "v")
	m = playToEnd(t, m)
	if res := m.lesson.check.result; res == nil || res.Verdict != checker.Linearizable {
		t.Fatal("the fix did not pass")
	}
	if v := strings.Join(strings.Fields(plain(m.View())), " "); !strings.Contains(v, "Why fixed held: FIXED-HELD-BECAUSE") {
		t.Errorf("the pass does not say why the fix held:\n%s", plain(m.View()))
	}
}

func TestThePickerRemembersTheLastLesson(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m, err := newModel(Options{}, asciiRenderer(), openProgress(dir))
	if err != nil {
		t.Fatal(err)
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	m = update(t, m, openLessonMsg{id: "lease-locks"})
	m2, err := newModel(Options{}, asciiRenderer(), openProgress(dir))
	if err != nil {
		t.Fatal(err)
	}
	if got := m2.picker.lessons[m2.picker.cursor].ID; got != "lease-locks" {
		t.Errorf("the picker starts on %q, want the last lesson opened", got)
	}
}

func TestEveryLessonBreaksOnAPictureThatFits(t *testing.T) {
	t.Parallel()
	for _, l := range lessons.All() {
		if l.IsCorrect(l.DefaultVariant()) {
			continue // nothing breaks: lesson 1, lesson 13's correct Raft
		}
		t.Run(l.ID, func(t *testing.T) {
			t.Parallel()
			m := newTestModel(t, Options{Lesson: l.ID}, 80, 24)
			m = press(t, m, "esc")
			m = startAhead(t, m)
			m = playUntilPaused(t, m)
			assertNarratedFromTheRun(t, m)
			for _, size := range [][2]int{{80, 24}, {100, 30}, {160, 45}} {
				m = update(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				assertFits(t, m.View(), size[0], size[1])
				// Every node's key state is in the picture, and none of it
				// is cut: a field too long for a line wraps.
				lay := m.lesson.layout()
				pic := plain(strings.Join(m.lesson.clusterPane().lines(m.c.styles, lay.clusterW-3, lay.clusterH-2), "\n"))
				if strings.Contains(pic, "…") {
					t.Errorf("%dx%d: the cluster is cut:\n%s", size[0], size[1], pic)
				}
				for _, n := range m.lesson.play.run.s.Cluster() {
					for _, f := range append([]string{n.ID}, nodeFields(n)...) {
						if first := strings.Fields(f)[0]; n.Up && !strings.Contains(pic, first) {
							t.Errorf("%dx%d: %s's %q is not in the picture:\n%s", size[0], size[1], n.ID, f, pic)
						}
					}
				}
				if v := plain(m.View()); !strings.Contains(v, "Stopped where it breaks") && !strings.Contains(v, "lines 1–") {
					t.Errorf("%dx%d: the break point does not say so:\n%s", size[0], size[1], v)
				}
			}
		})
	}
}
