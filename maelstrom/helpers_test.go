package maelstrom

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/internal/testkit"
	"github.com/faultline-lab/faultline/sim"
)

// The helpers the package's tests share: the example nodes, short runs
// of them, and hand-written records and requests.

// The end-to-end runs spend their time waiting on the wall clock, not the
// CPU: twelve run at once, every one of them.
func TestMain(m *testing.M) {
	testkit.WallClockParallel(12)
	testkit.LessGC()
	os.Exit(m.Run())
}

// example is the path of a built example node (kv, broadcast, hello).
func example(t testing.TB, name string) string {
	t.Helper()
	path, err := testkit.Program("../examples/nodes/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// python is the Python interpreter itself, for the Python example, or it
// skips the test. Asked once: where python3 is a version manager's shim
// (pyenv's is a bash script), each node started through it runs the
// shim's shell scripts first.
func python(t testing.TB) string {
	t.Helper()
	py, err := pythonPath()
	if err != nil {
		t.Skip("python3 is not installed: the Python example cannot run")
	}
	return py
}

var pythonPath = sync.OnceValues(func() (string, error) {
	py, err := exec.LookPath("python3")
	if err != nil {
		return "", err
	}
	out, err := exec.Command(py, "-c", "import sys; print(sys.executable)").Output()
	if real := strings.TrimSpace(string(out)); err == nil && real != "" {
		return real, nil
	}
	return py, nil
})

// long skips a long run unless FAULTLINE_LONG=1, and runs it in parallel.
func long(t *testing.T) {
	if !testkit.Long() {
		t.Skip("a long run: set FAULTLINE_LONG=1")
	}
	t.Parallel()
}

// overlapping unrolls a schedule in which every kind of fault comes and
// goes on its own period (kind i every (i+2)·400 ms, for half of it), so
// that faults overlap in every combination.
func overlapping(t *testing.T, limit time.Duration, kinds ...string) sim.Schedule {
	var s sim.Schedule
	for i, k := range kinds {
		pair, ok := nemesisPair(k)
		if !ok {
			t.Fatalf("no nemesis %q", k)
		}
		period := time.Duration(i+2) * 400 * time.Millisecond
		for at := period / 3; at < limit; at += period {
			on, off := pair[0], pair[1]
			on.At, off.At = int64(at), int64(at+period/2)
			s.Faults = append(s.Faults, on, off)
		}
	}
	return s
}

// testConfig is a short, busy run: 2 s at 100 operations a second.
func testConfig(t testing.TB, workload string, bin ...string) Config {
	c := DefaultConfig(workload)
	c.Bin, c.LogDir = bin, t.TempDir()
	c.TimeLimit, c.Rate, c.Recovery, c.InitTimeout = 2*time.Second, 100, 500*time.Millisecond, 10*time.Second
	return c
}

// quickFaults is a cyclic schedule with one fault per second: each starts
// 250 ms into its second and is undone 500 ms later.
func quickFaults(t testing.TB, kinds ...string) sim.Schedule {
	return faultsEvery(t, time.Second, kinds...)
}

// halfSecondFaults is quickFaults twice as fast (each fault 250 ms, from
// 125 ms into its half second): every kind comes and goes in a short run.
func halfSecondFaults(t testing.TB, kinds ...string) sim.Schedule {
	return faultsEvery(t, time.Second/2, kinds...)
}

func faultsEvery(t testing.TB, period time.Duration, kinds ...string) sim.Schedule {
	s, err := nemesisSchedule(kinds, period)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// startAndWait runs cfg to its end.
func startAndWait(t testing.TB, cfg Config) (*Run, Outcome) {
	t.Helper()
	r, err := Start(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Wait()
	if err != nil {
		t.Fatal(err)
	}
	return r, out
}

func runToEnd(t testing.TB, cfg Config) (Outcome, Result) {
	t.Helper()
	_, out := startAndWait(t, cfg)
	res, err := Check(context.Background(), cfg.Workload, out.History, out.FinalFrom, 0)
	if err != nil {
		t.Fatal(err)
	}
	return out, res
}

func mustBeValid(t *testing.T, out Outcome, res Result) {
	t.Helper()
	if res.Verdict != Valid {
		t.Fatalf("%s: %s\n%s", res.Verdict, FormatText(res), strings.Join(faultLines(out), "\n"))
	}
	if ops := res.Ops; ops < 20 {
		t.Fatalf("only %d operations ran: the test would pass with nothing tested", ops)
	}
}

func faultLines(out Outcome) []string {
	var s []string
	for _, a := range out.Applied {
		s = append(s, fmt.Sprintf("%s %s", sim.FormatDuration(a.Time), a.Desc))
	}
	return s
}

// hist builds a history from records written as
// {process, type, f, value, node}; index and time follow the order.
func hist(recs ...history.Op) history.History {
	h := history.History(recs)
	for i := range h {
		h[i].Index, h[i].Time = int64(i), int64(i)*1_000_000
	}
	return h
}

func inv(p int64, f string, v any, node string) history.Op {
	return history.Op{Process: history.Process(p), Type: history.Invoke, F: f, Value: v, Node: node}
}

func end(p int64, t history.Type, f string, v any, node string) history.Op {
	return history.Op{Process: history.Process(p), Type: t, F: f, Value: v, Node: node}
}

func list(xs ...int64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func req(typ string, kv ...any) map[string]any {
	m := map[string]any{"type": typ}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func code(res map[string]any) int64 {
	c, _ := res["code"].(int64)
	if res["type"] != "error" {
		return -1
	}
	return c
}

func hears(nw *network, a, b int) bool { return !nw.blocked[b*len(nw.ids)+a] }
