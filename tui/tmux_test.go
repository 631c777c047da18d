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

// TestRealBinaryInTmux drives the built faultline binary in a real
// terminal as a learner would: open it, pick lesson 2, run, partition, see
// a verdict, go back and quit.
func TestRealBinaryInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: skipping the real-terminal test (CI installs tmux)")
	}
	if testing.Short() {
		t.Skip("-short: skipping the real-terminal test")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "faultline")
	build := exec.Command("go", "build", "-o", bin, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// A private tmux server: other tmux sessions on the machine are not touched.
	sock := fmt.Sprintf("faultline-test-%d", os.Getpid())
	tmux := func(args ...string) (string, error) {
		out, err := exec.Command("tmux", append([]string{"-L", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	defer tmux("kill-server")
	cmd := fmt.Sprintf("FAULTLINE_CONFIG_DIR=%s %s; echo FAULTLINE-EXITED-$?; sleep 60", filepath.Join(dir, "config"), bin)
	if out, err := tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "30", cmd); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	screen := func() string {
		out, _ := tmux("capture-pane", "-p", "-t", "t")
		return out
	}
	waitFor := func(what string, timeout time.Duration) {
		t.Helper()
		deadline := time.Now().Add(timeout)
		for time.Now().Before(deadline) {
			if strings.Contains(screen(), what) {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("%q did not appear within %s; the screen:\n%s", what, timeout, screen())
	}
	keys := func(ks ...string) {
		t.Helper()
		for _, k := range ks {
			if out, err := tmux("send-keys", "-t", "t", k); err != nil {
				t.Fatalf("send-keys %s: %v\n%s", k, err, out)
			}
			time.Sleep(60 * time.Millisecond)
		}
	}

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
