package tui

import (
	"fmt"
	"strings"
	"testing"
)

// A long witness the checker grouped (lesson 8 seed 2: many adds and a read)
// shows as the checker's groups, each with its own record range, in the
// verdict and the witness view, and not again as prose; the witness view
// draws its last few operations until a asks for all of them.
func TestGroupedWitnessShowsTheCheckersGroups(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{Lesson: "lease-locks", Seed: 2, SeedSet: true}, 100, 45)
	m = playToEnd(t, press(t, m, "2"))
	res := m.lesson.check.result
	if len(res.Summary) < 2 {
		t.Fatalf("lesson 8 seed 2's witness is not grouped: %d groups", len(res.Summary))
	}
	verdict, _ := m.lesson.verdictPanel().lines(96)
	v := flat(strings.Join(verdict, "\n"))
	m = pressSettle(t, m, "w")
	w := flat(m.View())
	for _, screen := range []struct{ name, text string }{{"verdict", v}, {"witness view", w}} {
		for _, g := range res.Summary {
			if !strings.Contains(screen.text, flat(g)) {
				t.Errorf("the %s lacks the checker's group %q:\n%s", screen.name, g, screen.text)
			}
		}
		if strings.Contains(screen.text, "The witness, grouped:") {
			t.Errorf("the %s tells the groups twice:\n%s", screen.name, screen.text)
		}
	}
	ops := invocations(res.Witness)
	drawn := len(m.lesson.explore.witnessTimeline().ops)
	if drawn != min(ops, witnessDrawn) {
		t.Errorf("the witness view draws %d operations, want the last %d", drawn, min(ops, witnessDrawn))
	}
	if want := fmt.Sprintf("The last %d of the %d operations drawn", drawn, ops); !strings.Contains(w, want) {
		t.Errorf("the witness view lacks %q:\n%s", want, w)
	}
	m = pressSettle(t, m, "a")
	if got := len(m.lesson.explore.witnessTimeline().ops); got != ops {
		t.Errorf("after a the witness view draws %d operations, want all %d", got, ops)
	}
	if want := fmt.Sprintf("All %d operations drawn", ops); !strings.Contains(flat(m.View()), want) {
		t.Errorf("after a the witness view lacks %q", want)
	}
}

// A short witness is drawn whole and told as the checker told it.
func TestShortWitnessIsNotGrouped(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	res := m.lesson.check.result
	if len(res.Summary) != 0 {
		t.Fatalf("lesson 2's witness is grouped: %q", res.Summary)
	}
	m = pressSettle(t, m, "w")
	if got, want := len(m.lesson.explore.witnessTimeline().ops), invocations(res.Witness); got != want {
		t.Errorf("the witness view draws %d of %d operations", got, want)
	}
	if strings.Contains(plain(m.View()), "a all ops") {
		t.Error("the key bar offers a for a witness that is not grouped")
	}
}

// The failing operation's details state no model state: the order over
// the whole history is not the witness (lesson 8's failing seed once said
// "the counter held 103" beside a witness of 99 adds and a read of 98).
func TestFailingOperationClaimsNoStateOutsideTheWitness(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{Lesson: "lease-locks", Seed: 2, SeedSet: true}, 100, 45)
	m = playToEnd(t, press(t, m, "2"))
	m = pressSettle(t, m, "w")
	v := flat(m.View())
	if !strings.Contains(v, "no order can explain") {
		t.Fatalf("the witness view does not show the failing operation's place:\n%s", v)
	}
	if strings.Contains(v, "where the order stops") {
		t.Errorf("the failing operation still states the state where the history's order stops:\n%s", v)
	}
}

// At 80×24 the groups stay on the screen: the explanation and the list of
// faults give way to them.
func TestGroupedWitnessFitsAt80x24(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{Lesson: "lease-locks", Seed: 2, SeedSet: true}, 80, 24)
	m = playToEnd(t, press(t, m, "2"))
	m = pressSettle(t, m, "w")
	v := m.View()
	assertFits(t, v, 80, 24)
	for _, g := range m.lesson.check.result.Summary {
		if !strings.Contains(flat(v), flat(g)) {
			t.Errorf("at 80×24 the witness view lacks the group %q:\n%s", g, plain(v))
		}
	}
}
