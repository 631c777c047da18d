package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExplorerInTmux drives the real binary's explorer in a real terminal
// at 80×24: a failing run of lesson 2, then the timeline, the witness, the
// messages, and an export to a folder typed at the prompt.
func TestExplorerInTmux(t *testing.T) {
	term := startTerminal(t, 80, 24, "--lesson "+lesson2)
	out := filepath.Join(term.dir, "exported")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	screen, keys := term.screen, term.keys
	waitFor := func(what string) string { t.Helper(); return term.waitFor(what, 30*time.Second) }

	waitFor("variant read-any · seed 1")
	keys("r")
	waitFor("Stopped where it breaks")
	keys("t")
	s := waitFor("history timeline")
	waitFor("where the order")
	for _, want := range []string{"> p1", "◆!r", "cluster at 1.254s"} {
		if !strings.Contains(s+screen(), want) {
			t.Errorf("timeline lacks %q:\n%s", want, screen())
		}
	}
	keys("Right", "Right", "Down", "-", "+")
	waitFor("cluster at 1.")
	keys("w")
	waitFor("No fault was in force")
	keys("Enter")
	waitFor("history timeline")
	keys("m")
	s = waitFor("It had NOT")
	if !strings.Contains(s, "heard of p0's write 1") && !strings.Contains(s, "heard of p0's") {
		t.Errorf("the message view does not say what n3 missed:\n%s", s)
	}
	keys("e")
	waitFor("export to folder:")
	keys(out, "Enter")
	waitFor("exported faultline-")
	// Paused at the break point, the run is not finished: the history,
	// EDN and scenario are written, the HTML page waits for the end.
	if m, _ := filepath.Glob(filepath.Join(out, "faultline-*")); len(m) != 3 {
		t.Errorf("exported %v, want 3 files", m)
	}
	// Back on the lesson screen, the box names the scenario file and the
	// command that replays it.
	keys("Escape")
	waitFor("Exported to /")
	waitFor("--scenario")
}
