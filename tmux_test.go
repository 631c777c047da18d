package main

import (
	"strings"
	"testing"
	"time"
)

// TestRealBinaryInTmux drives the program (this test binary run as
// faultline) in a real terminal as a learner would: open it, pick lesson 2, run it to the
// moment it breaks, partition, play on to the end, go back and quit. It
// measures the keys and seconds from the lesson list to the first NOT
// LINEARIZABLE on the screen, and reports them (the keys are the learner's
// and are held to the goal of 5; the seconds depend on the machine, so
// they are reported, never asserted).
func TestRealBinaryInTmux(t *testing.T) {
	t.Parallel()
	term := startTerminal(t, 100, 30, "")
	waitFor, screen := term.waitFor, term.screen
	pressed := 0
	keys := func(ks ...string) { pressed += len(ks); term.keys(ks...) }
	waitFor("Stale reads from replicas", 20*time.Second)
	start := time.Now()
	keys("Down", "Enter")
	waitFor("variant read-any · seed 1", 10*time.Second)
	keys("r")
	waitFor("NOT LINEARIZABLE", 60*time.Second)
	took := time.Since(start)
	t.Logf("lesson list to the first NOT LINEARIZABLE: %d keys, %.1f s (goal: ≤ 5 keys, ≤ 20 s)", pressed, took.Seconds())
	if pressed > 5 {
		t.Errorf("%d keys to the first verdict, want at most 5", pressed)
	}
	if s := screen(); !strings.Contains(s, "Stopped where it breaks") || !strings.Contains(s, "seed 1") {
		t.Errorf("the break point lacks its line or the seed:\n%s", s)
	}
	keys("p")
	waitFor("p: one", 10*time.Second)
	keys("space", "]", "]", "]", "]", "]") // ×16: a few seconds
	waitFor("finished", 60*time.Second)
	if s := screen(); !strings.Contains(s, "verdict") {
		t.Errorf("the end of the run lacks its verdict:\n%s", s)
	}
	keys("q")
	waitFor("faultline — how distributed databases break", 10*time.Second)
	keys("q")
	waitFor("FAULTLINE-EXITED-0", 10*time.Second)
}
