package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestExplorerInTmux drives the real binary's explorer in a real terminal
// at 80×24: a failing run of lesson 2, then the timeline, the witness, the
// messages, and an export to a folder typed at the prompt.
func TestExplorerInTmux(t *testing.T) {
	t.Parallel()
	term := startTerminal(t, 80, 24, "--lesson stale-replica-reads")
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
	waitFor("no order can explain")
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
	waitFor("exported: the box")
	// Paused at the break point: the history so far, its EDN, the
	// scenario, and the page of the history so far (it fails already).
	if m, _ := filepath.Glob(filepath.Join(out, "faultline-*")); len(m) != 4 || !slices.ContainsFunc(m, func(p string) bool { return strings.HasSuffix(p, ".html") }) {
		t.Errorf("exported %v, want 4 files, the page among them", m)
	}
	// Back on the lesson screen, the box names the scenario file and the
	// command that replays it.
	keys("Escape")
	waitFor("Exported to /")
	waitFor("--scenario")
}
