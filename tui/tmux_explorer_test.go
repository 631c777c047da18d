package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExplorerInTmux drives the real binary's explorer in a real terminal
// at 80×24: a failing run of lesson 2, then the timeline, the witness, the
// messages, and an export to a folder typed at the prompt.
func TestExplorerInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: skipping the real-terminal test (CI installs tmux)")
	}
	if testing.Short() {
		t.Skip("-short: skipping the real-terminal test")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "faultline")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "exported")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	sock := fmt.Sprintf("faultline-explorer-test-%d", os.Getpid())
	tmux := func(args ...string) (string, error) {
		b, err := exec.Command("tmux", append([]string{"-L", sock}, args...)...).CombinedOutput()
		return string(b), err
	}
	defer tmux("kill-server")
	cmd := fmt.Sprintf("FAULTLINE_CONFIG_DIR=%s %s --lesson %s; sleep 60", filepath.Join(dir, "config"), bin, lesson2)
	if b, err := tmux("new-session", "-d", "-s", "t", "-x", "80", "-y", "24", cmd); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, b)
	}
	screen := func() string {
		s, _ := tmux("capture-pane", "-p", "-t", "t")
		return s
	}
	waitFor := func(what string) string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if s := screen(); strings.Contains(s, what) {
				return s
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("%q did not appear; the screen:\n%s", what, screen())
		return ""
	}
	keys := func(ks ...string) {
		t.Helper()
		for _, k := range ks {
			if b, err := tmux("send-keys", "-t", "t", k); err != nil {
				t.Fatalf("send-keys %s: %v\n%s", k, err, b)
			}
			time.Sleep(60 * time.Millisecond)
		}
	}

	waitFor("variant read-any · seed 1")
	keys("r", "]", "]", "]", "]", "]", "]")
	waitFor("NOT LINEARIZABLE")
	keys("t")
	s := waitFor("history timeline")
	waitFor("where the order")
	for _, want := range []string{"> p0", "◆!r→7", "cluster at 1.233s"} {
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
	if !strings.Contains(s, "heard of p1's write 1") && !strings.Contains(s, "heard of p1's") {
		t.Errorf("the message view does not say what n3 missed:\n%s", s)
	}
	keys("e")
	waitFor("export to folder:")
	keys(out, "Enter")
	waitFor("exported to /") // the folder's long temporary name is cut at 80 columns
	if m, _ := filepath.Glob(filepath.Join(out, "faultline-*")); len(m) != 4 {
		t.Errorf("exported %v, want 4 files", m)
	}
	keys("Escape")
	waitFor("verdict")
}
