package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 15 item 3: check never says "linearizable" about a history it did
// not read: input from which no operation could be read is exit 2, naming
// the file and the format tried.
func TestCheckNeverPassesWhatItDidNotRead(t *testing.T) {
	sequential(t)
	dir := t.TempDir()
	files := map[string]string{
		"h.jsonl":       okRead,
		"random.bin":    "\x8f\x01zz\x00\n\xff\xfe\x03\n",
		"etcdfirst.txt": "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n" + strings.Repeat(`{"process":1,"type":"invoke","f":"read"}`+"\n", 4),
		"empty.log":     "",
		"blank.jsonl":   "\n\n  \n",
		"faults.jsonl":  `{"process":"nemesis","type":"info","f":"start-partition","value":null}` + "\n",
		"empty.edn":     "[]",
		"comment.edn":   "; nothing here\n",
	}
	for name, text := range files {
		writeFile(t, filepath.Join(dir, name), text)
	}
	passwd := "/etc/passwd"
	if _, err := os.Stat(passwd); err != nil {
		passwd = filepath.Join(dir, "passwd")
		writeFile(t, passwd, "root:x:0:0:root:/root:/bin/bash\n")
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"check", "h.jsonl", "--format", "jepsen-etcd-log"}, "h.jsonl:1: no jepsen-etcd-log record in 2 lines"},
		{[]string{"check", passwd, "--format", "jepsen-etcd-log"}, passwd + ":1: no jepsen-etcd-log record"},
		{[]string{"check", passwd}, "cannot recognise the format"},
		{[]string{"check", "random.bin", "--format", "jepsen-etcd-log"}, "random.bin:1: no jepsen-etcd-log record"},
		{[]string{"check", "random.bin"}, "random.bin: cannot recognise the format"},
		{[]string{"check", "etcdfirst.txt"}, "etcdfirst.txt:2: 4 of 5 lines are not jepsen-etcd-log records"},
		{[]string{"check", "empty.log", "--format", "jepsen-etcd-log"}, "empty.log: no operation to check: it is empty (read as jepsen-etcd-log)"},
		{[]string{"check", "empty.log"}, "empty.log: empty"},
		{[]string{"check", "blank.jsonl", "--format", "jsonl"}, "no operation to check"},
		{[]string{"check", "faults.jsonl"}, "faults.jsonl: no operation to check: its 1 records are all faults"},
		{[]string{"check", "empty.edn"}, "empty.edn: no operation to check: it is empty (read as edn)"},
		{[]string{"check", "comment.edn", "--format", "edn"}, "no operation to check"},
	}
	if dir := porcupineTestData(); dir != "" {
		cases = append(cases, struct {
			args []string
			want string
		}{[]string{"check", filepath.Join(dir, "jepsen", "etcd_095.log"), "--format", "jepsen-etcd-log"}, "etcd_095.log: no operation to check: it is empty"})
	}
	faultline := inDir(t, dir)
	for _, c := range cases {
		for _, j := range []bool{false, true} {
			args := c.args
			if j {
				args = append(append([]string{}, args...), "--json")
			}
			r := faultline(args...)
			if r.code != exitUsage || r.stdout != "" {
				t.Errorf("%v: exit %d, stdout %q; want exit 2 and no verdict", args, r.code, clip(r.stdout))
			}
			oneLineError(t, args, r.stderr, c.want)
		}
	}
}

// porcupineTestData is porcupine's test_data folder, or "" when the module
// is not downloaded (the checker's tests insist on it; these only use it).
func porcupineTestData() string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/anishathalye/porcupine").Output()
	if err != nil {
		return ""
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "test_data")
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

// A reader that skips a few lines says so.
func TestCheckSaysWhatItSkipped(t *testing.T) {
	sequential(t)
	dir := t.TempDir()
	run := inDir(t, dir)
	writeFile(t, filepath.Join(dir, "e.log"), "INFO  jepsen.core - starting the test\n"+
		"INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\tnil\n")
	r := run("check", "e.log")
	if r.code != 0 || !strings.Contains(r.stdout, "e.log (jepsen-etcd-log, model cas-register; 1 line was not records and skipped, the first line 1)") {
		t.Fatalf("exit %d: %q %q", r.code, r.stdout, r.stderr)
	}
	r = run("check", "e.log", "--json")
	var j map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || j["skipped_lines"] != 1.0 || j["records"] != 2.0 || j["format"] != "jepsen-etcd-log" || j["file"] != "e.log" {
		t.Fatalf("--json: %v %s", err, r.stdout)
	}
}

// Issue 15 item 13: problems with a record name its line, not its
// position, and a byte-order mark is no problem.
func TestCheckNamesLines(t *testing.T) {
	sequential(t)
	dir := t.TempDir()
	run := inDir(t, dir)
	writeFile(t, filepath.Join(dir, "stray.jsonl"), "\n"+okRead+"\n"+`{"process":0,"type":"ok","f":"read","value":3}`+"\n")
	writeFile(t, filepath.Join(dir, "other.jsonl"), okRead+`{"process":1,"type":"invoke","f":"read"}`+"\n\n"+`{"process":1,"type":"ok","f":"write","value":3}`+"\n")
	writeFile(t, filepath.Join(dir, "model.jsonl"), "\n\n"+`{"process":0,"type":"invoke","f":"frobnicate"}`+"\n")
	writeFile(t, filepath.Join(dir, "bom.jsonl"), "\xef\xbb\xbf"+okRead)
	cases := []struct{ args []string }{
		{[]string{"check", "stray.jsonl"}},
		{[]string{"check", "other.jsonl"}},
		{[]string{"check", "model.jsonl", "--model", "register"}},
	}
	wants := []string{
		`stray.jsonl:5: process 0 completes "read" with ok but has no open invocation`,
		`other.jsonl:5: process 1 completes "write" but invoked "read" (line 3)`,
		`model.jsonl:3: model register has no operation "frobnicate"`,
	}
	for i, c := range cases {
		r := run(c.args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d", c.args, r.code)
		}
		oneLineError(t, c.args, r.stderr, wants[i])
	}
	if r := run("check", "bom.jsonl"); r.code != 0 {
		t.Errorf("a byte-order mark: exit %d, %s", r.code, r.stderr)
	}
}

// Issue 15 items 6 and 7: input of any size and any bytes gets one short
// message, within bounds it states. Reading 256 MiB of /dev/zero to its
// bound waits for FAULTLINE_LONG=1 (history's tests hold the bound with a
// smaller one).
func TestCheckBoundsInput(t *testing.T) {
	sequential(t)
	dir := t.TempDir()
	run := inDir(t, dir)
	sparse := filepath.Join(dir, "sparse.bin")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Skip("no sparse files here:", err)
	}
	f.Close()
	writeFile(t, filepath.Join(dir, "nul.edn"), "["+strings.Repeat("\x00", 4<<20)+"]")
	writeFile(t, filepath.Join(dir, "type.jsonl"), `{"process":0,"type":"`+strings.Repeat("\xff", 2<<20)+`","f":"read"}`)
	writeFile(t, filepath.Join(dir, "set.edn"), "[{:process 0 :type :invoke :f #{"+strings.Repeat("1 ", 1<<19)+"}}]")
	writeFile(t, filepath.Join(dir, "field.json"), `{"lesson":"first-history","`+strings.Repeat("x", 1<<20)+`":1}`)
	writeFile(t, filepath.Join(dir, "seed.json"), `{"lesson":"first-history","seed":1`+strings.Repeat("9", 1<<20)+`}`)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"check", "sparse.bin"}, "sparse.bin: 1.0 GiB is larger than the 256 MiB a history may take"},
		{[]string{"check", "nul.edn"}, "nul.edn"},
		{[]string{"check", "type.jsonl"}, `type.jsonl:1: field "type"`},
		{[]string{"check", "set.edn"}, `set.edn:1: field "f"`},
		{[]string{"run", "--scenario", "sparse.bin"}, "scenario sparse.bin: larger than 16 MiB"},
		{[]string{"run", "--scenario", "field.json"}, `scenario field.json: unknown field "xxxx`},
		{[]string{"run", "--scenario", "seed.json"}, `scenario seed.json: line 1: field "seed": want uint64, got "number 1999`},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		cases = append(cases,
			struct {
				args []string
				want string
			}{[]string{"check", "/dev/zero"}, "/dev/zero: line longer than 16 MiB, the longest a record may be"},
			struct {
				args []string
				want string
			}{[]string{"run", "--scenario", "/dev/zero"}, "larger than 16 MiB"})
		if long() {
			cases = append(cases, struct {
				args []string
				want string
			}{[]string{"check", "/dev/zero", "--format", "edn", "--timeout", "10m"}, "/dev/zero: larger than the 256 MiB a history may take"})
		}
	}
	for _, c := range cases {
		r := run(c.args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d", c.args, r.code)
		}
		oneLineError(t, c.args, r.stderr, c.want)
		if len(r.stderr) > 400 {
			t.Errorf("%v: a message of %d bytes", c.args, len(r.stderr))
		}
	}
}

// bigHistory writes a register history of n operations on two processes,
// linearizable but with enough overlap that a search has work to do.
func bigHistory(t *testing.T, path string, n int) {
	t.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		p := i % 2
		if p == 0 {
			fmt.Fprintf(&b, `{"process":0,"type":"invoke","f":"write","value":%d}`+"\n", i)
			fmt.Fprintf(&b, `{"process":1,"type":"invoke","f":"read"}`+"\n")
			fmt.Fprintf(&b, `{"process":0,"type":"ok","f":"write","value":%d}`+"\n", i)
		} else {
			fmt.Fprintf(&b, `{"process":1,"type":"ok","f":"read","value":%d}`+"\n", i-1)
		}
	}
	writeFile(t, path, b.String())
}

// Issue 15 item 5: --timeout bounds the whole command, whichever phase it
// falls in; running out is exit 3 with a verdict of unknown, never a hang.
// (How close to the limit the command ends is a figure for the
// benchmarks; this guards against a command that ignores it.) The
// history cut short at 100 ms is 50,000 operations, the one given time to
// read, whose limit falls in the search or the page's, 20,000; both are
// 250,000 with FAULTLINE_LONG=1.
func TestTimeoutBoundsTheCommand(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("writes and reads a large history")
	}
	dir := t.TempDir()
	read, limits := "big.jsonl", []string{"3s", "10s", "30s"}
	if long() {
		bigHistory(t, filepath.Join(dir, "big.jsonl"), 250_000)
	} else {
		read, limits = "mid.jsonl", []string{"300ms", "1s", "10s"}
		bigHistory(t, filepath.Join(dir, "big.jsonl"), 50_000)
		bigHistory(t, filepath.Join(dir, read), 20_000)
	}
	cases := [][]string{
		{"check", "big.jsonl", "--timeout", "100ms"},
		{"check", "big.jsonl", "--timeout", "100ms", "--json"},
		{"run", "--lesson", "stale-replica-reads", "--ops", "500000", "--timeout", "100ms", "--out", "never.jsonl"},
		{"hunt", "--lesson", "raft-capstone", "--seeds", "1-100000", "--variant", "raft", "--timeout", "100ms", "--json"},
	}
	for _, a := range cases {
		r := faultline(t, dir, a...)
		if r.code != exitUnknown || !strings.Contains(r.stdout, "unknown") || r.stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 3 and unknown", a, r.code, clip(r.stdout), clip(r.stderr))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "never.jsonl")); err == nil {
		t.Error("a run cut short by --timeout wrote its history")
	}
	// Time enough to read it, so that the limit falls in the check (a
	// busy machine may need longer to read it).
	var r result
	var limit string
	for _, limit = range limits {
		if r = faultline(t, dir, "check", read, "--timeout", limit, "--html", "big.html"); !strings.Contains(r.stdout, "while reading") {
			break
		}
	}
	t.Logf("check with time to read (%s): exit %d", limit, r.code)
	if r.code != exitUnknown && r.code != exitOK {
		t.Errorf("check with time to read: exit %d, %s %s", r.code, clip(r.stdout), r.stderr)
	}
	// The page is written from a finished search or skipped with a note.
	_, err := os.Stat(filepath.Join(dir, "big.html"))
	noted := strings.Contains(r.stdout, "Note: big.html was not written")
	if (err == nil) == noted {
		t.Errorf("check with time to read: page written %v, note %v; want one of them:\n%s", err == nil, noted, clip(r.stdout))
	}
}

// Issue 15 item 11: a termination while an output is being written leaves
// neither a temporary file nor a partial output.
func TestTerminationLeavesNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("writes a large history")
	}
	dir := t.TempDir()
	cmd, _, errb := program(t, dir, "run", "--lesson", "stale-replica-reads", "--ops", "30000", "--timeout", "2s", "--out", "h.jsonl", "--html", "h.html")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	sent := false
	var err error
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-time.After(2 * time.Millisecond):
		}
		if temps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*")); len(temps) > 0 && !sent {
			cmd.Process.Signal(syscall.SIGTERM)
			sent = true
		}
	}
	if !sent {
		t.Skipf("the run ended before its outputs were being written: %v %s", err, errb.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 143 || !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q; want 143 and a note", code, errb.String())
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
