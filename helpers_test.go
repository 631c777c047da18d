package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/internal/testkit"
)

// The helpers shared by the package's tests.

// long and sweep size the long runs and the seed sweeps
// (testkit.Long, testkit.Sweep).
var long, sweep = testkit.Long, testkit.Sweep[int]

// sequential skips, under the race detector, a test of what the program
// says of many inputs: reading and refusing input runs on one goroutine,
// and a case that starts the race-built program costs a second. The race
// run keeps the in-process checks, hunts and node runs, whose goroutines
// it is for, and the tests of signals.
func sequential(t *testing.T) {
	t.Helper()
	if testkit.Race {
		t.Skip("input checking on one goroutine: nothing for the race detector (the plain run covers it)")
	}
}

// cli runs faultline in-process and returns its exit code, stdout and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// inDir runs faultline in-process in dir, as faultline runs the real
// program there: for the tests of many bad inputs, where a process a case
// cost seconds. It changes the test's working directory, so the test
// cannot be parallel. The exit status is run's, the one main exits with.
func inDir(t *testing.T, dir string) func(args ...string) result {
	t.Chdir(dir)
	return func(args ...string) result {
		t.Helper()
		code, out, errb := cli(t, args...)
		return result{code: code, stdout: out, stderr: errb}
	}
}

// Tests where the exit status, signals or the process's own memory matter
// run the real program: this test binary re-executed with
// FAULTLINE_RUN_MAIN set runs main() and nothing else.
func TestMain(m *testing.M) {
	if os.Getenv("FAULTLINE_RUN_MAIN") == "1" { // runMain
		os.Args = append([]string{"faultline"}, os.Args[1:]...)
		main()
		return
	}
	testkit.LessGC() // the program's processes inherit it through the environment
	// The node runs, the program's processes and the terminal tests wait
	// on the wall clock: eight tests at once keep both CPUs busy, and the
	// terminal tests, declared last, start near the start.
	testkit.WallClockParallel(8)
	os.Exit(m.Run())
}

// result is how a run of the real program ended.
type result struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
}

// faultline runs the program in dir with args; it fails the test if the
// program is still running after hang (a hang guard, not a speed target).
func faultline(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd, out, errb := program(t, dir, args...)
	start := time.Now()
	err := cmd.Run()
	return finished(t, args, err, out, errb, time.Since(start))
}

const hang = 2 * time.Minute

// runMain, in a process's environment, makes this test binary the
// program (TestMain).
const runMain = "FAULTLINE_RUN_MAIN=1"

// self is this test binary's path: the program, run with runMain.
func self(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

func program(t *testing.T, dir string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hang)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, self(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), runMain)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return cmd, &out, &errb
}

func finished(t *testing.T, args []string, err error, out, errb *bytes.Buffer, elapsed time.Duration) result {
	t.Helper()
	r := result{stdout: out.String(), stderr: errb.String(), elapsed: elapsed}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		r.code = ee.ExitCode()
	default:
		t.Fatalf("faultline %q: %v (still running after %s?)", clip(strings.Join(args, " ")), err, hang)
	}
	return r
}

// oneLineError fails unless stderr is one short, valid, printable line
// naming want.
func oneLineError(t *testing.T, args []string, stderr, want string) {
	t.Helper()
	line := strings.TrimSuffix(stderr, "\n")
	if strings.Contains(line, "\n") || len(line) > 2*maxMessage || !strings.HasPrefix(line, "faultline: ") ||
		strings.HasPrefix(line, "faultline: faultline:") || line != oneLine(line) {
		t.Errorf("%v: stderr is not one clean line: %q", args, clip(stderr))
	}
	if !strings.Contains(line, want) {
		t.Errorf("%v: stderr %q, want it to name %q", args, clip(stderr), want)
	}
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// nodeBin is the path of an example node (hello, kv, broadcast), built
// once for all the packages' tests (testkit.Program).
func nodeBin(t *testing.T, name string) string {
	t.Helper()
	path, err := testkit.Program("./examples/nodes/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// Histories shared by the tests of check and its fuzz targets.

const okRead = `{"process":0,"type":"invoke","f":"read"}` + "\n" + `{"process":0,"type":"ok","f":"read","value":null}` + "\n"

// terminal is the real program (this test binary re-executed, as
// program runs it) in a private tmux server: a learner's terminal.
type terminal struct {
	t    *testing.T
	dir  string // a temporary folder: the binary, its config, exports
	sock string
}

// startTerminal runs `faultline args` in tmux at w×h, with
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
	// A private tmux server: other tmux sessions on the machine are not touched.
	term := &terminal{t: t, dir: dir, sock: fmt.Sprintf("faultline-%s-%d", t.Name(), os.Getpid())}
	t.Cleanup(func() { term.tmux("kill-server") })
	cmd := fmt.Sprintf("%s FAULTLINE_CONFIG_DIR=%s %s %s; echo FAULTLINE-EXITED-$?; sleep 60",
		runMain, shellQuote(filepath.Join(dir, "config")), shellQuote(self(t)), args)
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
// After Escape it waits longer: a key read together with it would be read
// as alt and that key.
func (term *terminal) keys(ks ...string) {
	term.t.Helper()
	for _, k := range ks {
		if out, err := term.tmux("send-keys", "-t", "t", k); err != nil {
			term.t.Fatalf("send-keys %s: %v\n%s", k, err, out)
		}
		if k == "Escape" {
			time.Sleep(100 * time.Millisecond)
		} else {
			time.Sleep(25 * time.Millisecond)
		}
	}
}

// shellQuote quotes s for sh, whatever it holds (a temporary folder may
// hold a space).
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
