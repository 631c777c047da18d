package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/lessons"
)

func TestPickerListsEveryLessonWithProgress(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{}, 120, 80) // tall enough for every lesson
	m.c.progress.update("stale-replica-reads", func(p *lessonProgress) { p.Status = statusStarted })
	m.c.progress.update("first-history", func(p *lessonProgress) { p.Status = statusDone })
	v := plain(m.View())
	for _, l := range lessons.All() {
		if !strings.Contains(v, fmt.Sprintf("%2d  %s", l.Number, l.Title)) {
			t.Errorf("picker lacks lesson %d %q", l.Number, l.Title)
		}
		if !strings.Contains(v, l.Summary) {
			t.Errorf("picker lacks the summary of %s: %q", l.ID, l.Summary)
		}
	}
	for _, want := range []string{"Your first history", "done", "started", "new"} {
		if !strings.Contains(v, want) {
			t.Errorf("picker lacks %q", want)
		}
	}
	assertFits(t, m.View(), 120, 80)
}

func TestPickerMovesAndOpens(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{}, 80, 24)
	m = press(t, m, "down")
	if m.picker.cursor != 1 {
		t.Fatalf("cursor after ↓ = %d, want 1", m.picker.cursor)
	}
	m = press(t, m, "up", "up")
	if m.picker.cursor != 0 {
		t.Fatalf("cursor after ↑↑ = %d, want 0 (it stops at the top)", m.picker.cursor)
	}
	m = press(t, m, "down")
	m, cmd := updateCmd(m, keyMsg("enter"))
	msgs := run(cmd)
	if len(msgs) != 1 {
		t.Fatalf("enter gave %d messages, want 1", len(msgs))
	}
	open, ok := msgs[0].(openLessonMsg)
	if !ok || open.id != "stale-replica-reads" {
		t.Fatalf("enter on lesson 2 gave %#v", msgs[0])
	}
	m = update(t, m, open)
	if m.lesson == nil || m.lesson.l.ID != "stale-replica-reads" {
		t.Fatal("the lesson did not open")
	}
	if v := plain(m.View()); !strings.Contains(v, "Stale reads from replicas") || !strings.Contains(v, "seed 1") {
		t.Errorf("lesson screen lacks its title or seed:\n%s", v)
	}
}

func TestPickerScrollsToKeepTheCursorVisible(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{}, 80, 24)
	all := lessons.All()
	for range all[1:] {
		m = press(t, m, "down")
	}
	last := all[len(all)-1]
	v := plain(m.View())
	if !strings.Contains(v, "> "+fmt.Sprintf("%2d", last.Number)) {
		t.Errorf("the cursor on the last lesson is not shown:\n%s", v)
	}
	assertFits(t, m.View(), 80, 24)
	// After the lessons, the learner's own node.
	m = press(t, m, "down", "down")
	if v := plain(m.View()); !strings.Contains(v, ">  ★  Your own node") {
		t.Errorf("the cursor on the last entry, your own node, is not shown:\n%s", v)
	}
}

func TestPickerQuitsOnQ(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{}, 80, 24)
	_, cmd := updateCmd(m, keyMsg("q"))
	if cmd == nil {
		t.Fatal("q on the picker did nothing")
	}
	if msg := cmd(); msg != tea.Quit() {
		t.Errorf("q gave %T, want tea.QuitMsg", msg)
	}
}

func TestPickerShowsACorruptProgressFile(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{}, 80, 24)
	m.c.progress.Warning = "progress file was corrupt (x); set aside as y"
	if v := plain(m.View()); !strings.Contains(v, "progress file was corrupt") {
		t.Errorf("the warning is not shown:\n%s", v)
	}
	assertFits(t, m.View(), 80, 24)
}
