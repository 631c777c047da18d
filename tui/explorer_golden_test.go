package tui

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// Goldens of the explorer on lesson 2's failing seed (ASCII profile,
// 100×30): the timeline at the stale read, the witness, and the messages
// around the stale read. `go test ./tui -run Golden -update` rewrites them.

// stableExplanation stands in for the checker's paragraph, whose words
// are the checker's and are tested there: the goldens pin the layout.
const stableExplanation = "In time order: process 1 wrote 7; then process 1 wrote 1; then process 0 read 7. " +
	"Process 1 finished writing 1 before process 0's read began, yet the read returned 7, a value " +
	"already overwritten. No order of these operations explains it."

func TestGoldenTimelineOfLesson2(t *testing.T) {
	t.Parallel()
	// The real program: the order and the cluster at the moment are worked
	// out in the background, as they are for a learner.
	tm := atBreak(t, Options{Lesson: lesson2, Seed: failingSeed, SeedSet: true}, 100, 30, predictAndRun)
	tm.Type("t")
	// Both come in the background, maybe in one frame: wait for both at once.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("no order can explain")) && bytes.Contains(b, []byte("n3  follower"))
	}, teatest.WithDuration(60*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	if fm.lesson.explore.open == false || fm.lesson.explore.view != viewHistory {
		t.Fatal("t did not open the timeline")
	}
	golden.RequireEqual(t, []byte(fm.View()))
}

func TestGoldenWitnessOfLesson2(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	m.lesson.check.result.Explanation = stableExplanation
	m = pressSettle(t, m, "w")
	golden.RequireEqual(t, []byte(m.View()))
}

func TestGoldenMessagesAroundTheStaleRead(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	m = pressSettle(t, m, "m")
	golden.RequireEqual(t, []byte(m.View()))
}
