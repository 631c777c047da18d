package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/internal/testkit"
)

// faultlineBinary is the path of the faultline program, built once for
// all the packages' tests (testkit.Program).
func faultlineBinary(t *testing.T) string {
	t.Helper()
	path, err := testkit.Program("..")
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// terminal is the real faultline binary running in a private tmux server.
type terminal struct {
	t    *testing.T
	dir  string // a temporary folder: the binary, its config, exports
	sock string
}

// startTerminal runs `faultline args` (built once) in tmux at w×h, with
// its config in a temporary folder; after it exits the pane shows
// FAULTLINE-EXITED-<status>. It skips without tmux, or with -short. Each
// test has its own tmux server, so the tmux tests run in parallel.
func startTerminal(t *testing.T, w, h int, args string) *terminal {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: skipping the real-terminal test (CI installs tmux)")
	}
	if testing.Short() {
		t.Skip("-short: skipping the real-terminal test")
	}
	dir := t.TempDir()
	bin := faultlineBinary(t)
	// A private tmux server: other tmux sessions on the machine are not touched.
	term := &terminal{t: t, dir: dir, sock: fmt.Sprintf("faultline-%s-%d", t.Name(), os.Getpid())}
	t.Cleanup(func() { term.tmux("kill-server") })
	cmd := fmt.Sprintf("FAULTLINE_CONFIG_DIR=%s %s %s; echo FAULTLINE-EXITED-$?; sleep 60", filepath.Join(dir, "config"), bin, args)
	if out, err := term.tmux("new-session", "-d", "-s", "t", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), cmd); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return term
}

func (term *terminal) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", term.sock}, args...)...).CombinedOutput()
	return string(out), err
}

// screen is what the learner sees now.
func (term *terminal) screen() string {
	out, _ := term.tmux("capture-pane", "-p", "-t", "t")
	return out
}

// waitFor waits until the screen shows what, and returns that screen.
func (term *terminal) waitFor(what string, timeout time.Duration) string {
	term.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if s := term.screen(); strings.Contains(s, what) {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	term.t.Fatalf("%q did not appear within %s; the screen:\n%s", what, timeout, term.screen())
	return ""
}

// keys types keys as tmux names them (Down, Enter, r, ...), one at a time.
func (term *terminal) keys(ks ...string) {
	term.t.Helper()
	for _, k := range ks {
		if out, err := term.tmux("send-keys", "-t", "t", k); err != nil {
			term.t.Fatalf("send-keys %s: %v\n%s", k, err, out)
		}
		time.Sleep(60 * time.Millisecond)
	}
}
