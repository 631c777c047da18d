package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestNodeInTmux drives the program in tmux as a learner would: the last
// entry of the picker, the shipped key-value node typed as the command, a
// second of it under partitions, and its verdict; no process of the node
// is left after it.
func TestNodeInTmux(t *testing.T) {
	t.Parallel()
	term, kv := nodeInTmux(t)
	start := time.Now()
	term.waitFor("n1 leader", 20*time.Second)
	if s := term.screen(); !strings.Contains(s, "running") || !strings.Contains(s, "Real time:") {
		t.Errorf("the live run lacks its state or the note on real time:\n%s", s)
	}
	term.keys("p")
	s := term.waitFor("verdict", 30*time.Second)
	t.Logf("entry to verdict: %.1f s for a 1 s run", time.Since(start).Seconds())
	if !strings.Contains(s, "LINEARIZABLE — every operation fits") || strings.Contains(s, "NOT LINEARIZABLE") {
		t.Errorf("the correct node did not pass:\n%s", s)
	}
	if running := processesOf(t, kv); len(running) > 0 {
		t.Errorf("after the run, processes of the node still run: %v", running)
	}
}

// TestNodeQuitInTmux quits a run of the node in the middle with ctrl+c:
// nothing of it outlives faultline.
func TestNodeQuitInTmux(t *testing.T) {
	t.Parallel()
	term, kv := nodeInTmux(t)
	term.waitFor("running ·", 20*time.Second)
	if len(processesOf(t, kv)) == 0 {
		t.Fatal("no process of the node runs during the run: the check below would prove nothing")
	}
	term.keys("C-c")
	term.waitFor("FAULTLINE-EXITED-0", 15*time.Second)
	if running := processesOf(t, kv); len(running) > 0 {
		t.Errorf("after ctrl+c mid-run, processes of the node still run: %v", running)
	}
}

// nodeInTmux starts the program at 80×24, picks the learner's own
// node and runs a copy of the shipped key-value node for 1 s, with 200 ms
// to recover before the final reads; it returns
// the terminal and the copy's path. The copy is the test's own: the
// processes counted are this test's, not those of the node tests that run
// the shared binary in parallel.
func nodeInTmux(t *testing.T) (*terminal, string) {
	term := startTerminal(t, 80, 24, "")
	kv := filepath.Join(t.TempDir(), "kv-tmux")
	data, err := os.ReadFile(nodeBin(t, "kv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kv, data, 0o755); err != nil {
		t.Fatal(err)
	}
	term.waitFor("Your first history", 20*time.Second)
	term.keys("PgDn", "PgDn", "PgDn", "Enter")
	term.waitFor("Example, from the repository's root", 10*time.Second)
	term.keys(kv, "Down", "Down", "Down", "Down", "C-u", "1s", "Down", "0.2s", "Enter")
	return term, kv
}

// processesOf lists the running processes whose command line starts with
// path (read from /proc; the test skips where there is none).
func processesOf(t *testing.T, path string) []int {
	t.Helper()
	dirs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil || len(dirs) == 0 {
		t.Skip("no /proc: cannot list processes")
	}
	var out []int
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil || !bytes.HasPrefix(b, []byte(path+"\x00")) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
		out = append(out, pid)
	}
	return out
}
