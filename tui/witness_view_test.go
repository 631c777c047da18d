package tui

import (
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

func TestWitnessViewShowsOnlyTheWitnessAndItsExplanation(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	m = pressSettle(t, m, "w")
	l := m.lesson
	res := l.check.result
	wit := l.explore.witnessTimeline()
	ops := 0
	for _, o := range res.Witness {
		if o.Type == history.Invoke {
			ops++
		}
	}
	if wit == nil || len(wit.ops) != ops {
		t.Fatalf("witness timeline has %v operations, the witness %d", wit, ops)
	}
	v := plain(m.View())
	for _, want := range []string{"witness", "NOT LINEARIZABLE", res.Anomaly, "The witness:", "*w 7", "*w 1", "!r → 7",
		"No fault was in force", "! the failing operation", "enter: this operation in the full timeline"} {
		if !strings.Contains(v, want) {
			t.Errorf("witness view lacks %q:\n%s", want, v)
		}
	}
	// Only the witness: none of the run's other operations.
	if strings.Contains(v, "w 0") || strings.Count(v, "> p") != 1 {
		t.Errorf("the witness view shows more than the witness:\n%s", v)
	}
	// Its first words of explanation are there (the rest may be cut at 30 rows).
	if first := strings.Fields(res.Explanation); len(first) > 2 && !strings.Contains(v, strings.Join(first[:3], " ")) {
		t.Errorf("the explanation is not beside the witness:\n%s", v)
	}
	assertFits(t, m.View(), 100, 30)

	// tab moves through the witness's operations, and enter opens the full
	// timeline at the one selected.
	failing := l.explore.witCursor
	m = pressSettle(t, m, "tab")
	if l.explore.witCursor == failing {
		t.Error("tab did not move in the witness")
	}
	sel := wit.h[wit.ops[l.explore.witCursor].inv].Index
	m = pressSettle(t, m, "enter")
	e := &m.lesson.explore
	if e.view != viewHistory {
		t.Fatalf("enter opened view %d, want the timeline", e.view)
	}
	if got := m.lesson.explore.look.tl.h[m.lesson.explore.look.tl.ops[e.cursor].inv].Index; got != sel {
		t.Errorf("the timeline opened at record %d, want the witness's selected %d", got, sel)
	}
	m = pressSettle(t, m, "w", "enter")
	if got := m.lesson.explore.look.tl.h[m.lesson.explore.look.tl.ops[e.cursor].inv].Index; got != l.check.failingIndex() {
		t.Errorf("w then enter: the timeline is at record %d, want the failing operation %d", got, l.check.failingIndex())
	}
}

func TestWitnessViewSideBySideWhenWide(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 160, 40)
	m = pressSettle(t, m, "w")
	v := plain(m.View())
	lines := strings.Split(v, "\n")
	found := false
	for _, l := range lines {
		if strings.Contains(l, "p0") && strings.Contains(l, "*w 7") && strings.Contains(l, "linearizable") {
			found = true // a lane with the explanation's text beside it
		}
	}
	if !found {
		t.Errorf("at 160 columns the explanation is not beside the witness:\n%s", v)
	}
	assertFits(t, m.View(), 160, 40)
}

func TestWitnessViewWithoutAFailure(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = press(t, m, "esc", "v") // the fixed variant
	m = playToEnd(t, m)
	m = pressSettle(t, m, "w")
	v := plain(m.View())
	if !strings.Contains(v, "LINEARIZABLE: there is no witness") {
		t.Errorf("witness view of a passing run:\n%s", v)
	}
	m = pressSettle(t, m, "f")
	if !strings.Contains(m.lesson.flash, "no failing operation") {
		t.Errorf("f without a failure: %q", m.lesson.flash)
	}
}
