package tui

import (
	"strings"
	"testing"
	"time"
)

// TestRealBinaryInTmux drives the built faultline binary in a real
// terminal as a learner would: open it, pick lesson 2, run, partition, see
// a verdict, go back and quit.
func TestRealBinaryInTmux(t *testing.T) {
	term := startTerminal(t, 100, 30, "")
	waitFor, keys, screen := term.waitFor, term.keys, term.screen
	waitFor("Stale reads from replicas", 20*time.Second)
	keys("Down", "Enter")
	waitFor("variant read-any · seed 1", 10*time.Second)
	keys("r")
	waitFor("playing", 10*time.Second)
	keys("p")
	waitFor("p: one", 10*time.Second)
	keys("]", "]", "]", "]", "]") // ×16: a few seconds
	waitFor("LINEARIZABLE", 60*time.Second)
	if s := screen(); !strings.Contains(s, "verdict") || !strings.Contains(s, "seed 1") {
		t.Errorf("the verdict screen lacks its box or the seed:\n%s", s)
	}
	keys("q")
	waitFor("faultline — how distributed databases break", 10*time.Second)
	keys("q")
	waitFor("FAULTLINE-EXITED-0", 10*time.Second)
}
