package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Tests where the exit status, signals or the process's own memory matter
// run the real program: this test binary re-executed with
// FAULTLINE_RUN_MAIN set runs main() and nothing else.
func TestMain(m *testing.M) {
	if os.Getenv("FAULTLINE_RUN_MAIN") == "1" {
		os.Args = append([]string{"faultline"}, os.Args[1:]...)
		main()
		return
	}
	code := m.Run()
	if nodes.dir != "" {
		os.RemoveAll(nodes.dir)
	}
	os.Exit(code)
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

func program(t *testing.T, dir string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), hang)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "FAULTLINE_RUN_MAIN=1")
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
