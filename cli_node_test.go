package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/maelstrom"
)

func TestNodeHelpExitsZero(t *testing.T) {
	for _, h := range []string{"--help", "-h"} {
		code, out, _ := cli(t, "node", h)
		if code != exitOK || !strings.Contains(out, "-workload") || !strings.Contains(out, "--time-limit D") || !strings.Contains(out, "real time") {
			t.Fatalf("node %s: exit %d\n%s", h, code, out)
		}
	}
}

func TestNodeUsageErrors(t *testing.T) {
	t.Parallel()
	hello := nodeBin(t, "hello")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--bin", hello}, "--workload is required"},
		{[]string{"--workload", "echo"}, "--bin is required"},
		{[]string{"--workload", "kafka", "--bin", hello}, `workload "kafka": unknown`},
		{[]string{"--workload", "echo", "--bin", "python3 'node.py"}, "unterminated single quote"},
		{[]string{"--workload", "echo", "--bin", "./no-such-node"}, `cannot run "./no-such-node"`},
		{[]string{"--workload", "echo", "--bin", hello, "--nemesis", "partition,clock"}, "clock faults cannot be imposed on your node"},
		{[]string{"--workload", "echo", "--bin", hello, "--nemesis", "flood"}, `nemesis "flood": unknown`},
		{[]string{"--workload", "echo", "--bin", hello, "--html", "x.html"}, "lin-kv only"},
		{[]string{"--workload", "echo", "--bin", hello, "--nodes", "0"}, "nodes must be 1–64"},
		{[]string{"--workload", "echo", "--bin", hello, "--out", "x.txt"}, ".jsonl or .edn"},
		{[]string{"--workload", "echo", "--bin", "python3", "node.py"}, `unexpected argument "node.py" (quote the command`},
		{[]string{"--workload", "echo", "--bin", hello, "--time-limit", "0s"}, "time limit must be positive"},
		{[]string{"--scenario", "nope.json"}, "cannot read scenario nope.json"},
		{[]string{"--scenario", "nope.json", "--seed", "3"}, "--seed needs --bin"},
		// The shared flag framework: one message for a bad value, outputs checked before any work.
		{[]string{"--workload", "echo", "--bin", hello, "--nodes", "three"}, `node: --nodes "three": want an integer (see go run . node --help)`},
		{[]string{"--workload", "lin-kv", "--bin", hello, "--out", "x.jsonl", "--out-scenario", "x.jsonl"}, "--out and --out-scenario name the same file"},
	}
	for _, c := range cases {
		code, out, errText := cli(t, append([]string{"node"}, c.args...)...)
		if code != exitUsage || !strings.Contains(errText, c.want) || out != "" {
			t.Errorf("node %q: exit %d, stderr %q, stdout %q; want exit 2 and %q", c.args, code, errText, out, c.want)
		}
	}
}

func TestNodeRunWritesItsRecordAndChecksItAgain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	hist, rec := filepath.Join(dir, "h.jsonl"), filepath.Join(dir, "run.json")
	code, out, errText := cli(t, "node", "--workload", "unique-ids", "--bin", nodeBin(t, "hello"), "--time-limit", "1s", "--rate", "100",
		"--nemesis", "crash", "--seed", "7", "--log-dir", filepath.Join(dir, "logs"), "--out", hist, "--out-scenario", rec, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s%s", code, out, errText)
	}
	var j map[string]any
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatalf("--json printed %q: %v", out, err)
	}
	if j["verdict"] != "valid" || j["workload"] != "unique-ids" || j["seed"] != float64(7) || j["ops"].(float64) < 50 || !strings.Contains(j["note"].(string), "real time") {
		t.Fatalf("json: %v", j)
	}
	if _, err := os.Stat(filepath.Join(dir, "logs", "n3.log")); err != nil {
		t.Fatalf("no log for n3: %v", err)
	}
	for _, p := range []string{hist, rec} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Fatalf("%s not written: %v", p, err)
		}
	}
	code, out, errText = cli(t, "node", "--scenario", rec)
	if code != exitOK || !strings.Contains(out, "checked again") || !strings.Contains(out, "valid (unique-ids)") {
		t.Fatalf("re-check: exit %d\n%s%s", code, out, errText)
	}
	// The history is faultline's JSON lines.
	h, _, err := history.ReadFile(hist, "jsonl")
	if err != nil || len(h) < 100 {
		t.Fatalf("the history reads as %d records: %v", len(h), err)
	}
}

func TestNodeExitStatusOneForABuggyNode(t *testing.T) {
	t.Parallel()
	kv := nodeBin(t, "kv")
	for seed := 1; seed <= 5; seed++ {
		code, out, errText := cli(t, "node", "--workload", "lin-kv", "--bin", kv+" -local-reads", "--nodes", "5", "--time-limit", "2s",
			"--rate", "200", "--nemesis", "partition-one", "--recovery", "200ms", "--seed", strconv.Itoa(seed))
		switch code {
		case exitFailed:
			if !strings.Contains(out, "NOT linearizable (kv)") {
				t.Fatalf("exit 1 without the verdict:\n%s", out)
			}
			return
		case exitOK:
		default:
			t.Fatalf("seed %d: exit %d\n%s%s", seed, code, out, errText)
		}
	}
	t.Fatal("five seeds passed the local-reads node")
}

func TestNodeThatBreaksTheProtocolExitsTwoAndWritesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "h.jsonl")
	code, stdout, errText := cli(t, "node", "--workload", "echo", "--bin", `sh -c "echo 'hello from my node'; sleep 5"`,
		"--nodes", "1", "--log-dir", dir, "--out", out)
	if code != exitUsage {
		t.Fatalf("exit %d\n%s%s", code, stdout, errText)
	}
	for _, want := range []string{"node n1", `"hello from my node"`, filepath.Join(dir, "n1.log")} {
		if !strings.Contains(errText, want) {
			t.Errorf("stderr lacks %q: %s", want, errText)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("the history was written after a node error")
	}
}

// pidsNode records its shell's pid and a child's, then runs hello.
func pidsNode(t *testing.T, pids string) string {
	return fmt.Sprintf(`sh -c 'echo $$ >> "$0"; sleep 1000 & echo $! >> "$0"; exec "$1"' %s %s`, pids, nodeBin(t, "hello"))
}

func readPIDs(t *testing.T, path string, want int) []int {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		var out []int
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
		if len(out) >= want {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d pids recorded", len(out), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitGone(t *testing.T, pids []int) {
	t.Helper()
	if p := maelstrom.WaitGone(pids, 5*time.Second); p != 0 {
		t.Fatalf("process %d outlived faultline", p)
	}
}

// startNodeRun starts the program (this test binary, as faultline) on a
// long run of pid-recording nodes and waits until they all run.
func startNodeRun(t *testing.T) (*exec.Cmd, []int) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc to see processes")
	}
	dir := t.TempDir()
	pids := filepath.Join(dir, "pids")
	cmd, _, _ := program(t, dir, "node", "--workload", "echo", "--bin", pidsNode(t, pids), "--time-limit", "60s", "--log-dir", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	got := readPIDs(t, pids, 6)
	time.Sleep(200 * time.Millisecond) // the workload is running
	return cmd, got
}

func TestNodeCtrlCStopsEveryProcess(t *testing.T) {
	t.Parallel()
	cmd, pids := startNodeRun(t)
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("faultline did not exit after Ctrl+C")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitUnknown {
		t.Fatalf("exit %d after Ctrl+C, want 3 (the run was cut short)\n%s", code, cmd.Stdout)
	}
	if out := fmt.Sprint(cmd.Stdout); !strings.Contains(out, "Interrupted after") {
		t.Fatalf("stdout: %s", out)
	}
	waitGone(t, pids)
}

func TestNodeSIGKILLOfFaultlineLeavesNothingRunning(t *testing.T) {
	t.Parallel()
	cmd, pids := startNodeRun(t)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	waitGone(t, pids) // the nodes (Pdeathsig, the reaper) and their children (the reaper)
}
