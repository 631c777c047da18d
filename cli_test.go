package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
)

// Issue 15 item 10: every command's help exits 0 and lists every flag the
// command defines, with its default; faultline help's synopses list every
// flag too. Both are generated from the definitions, and this holds them
// to it.
func TestHelpListsEveryFlag(t *testing.T) {
	sequential(t)
	code, overview, errs := cli(t, "help")
	if code != 0 || errs != "" {
		t.Fatalf("faultline help: exit %d, stderr %q", code, errs)
	}
	for _, c := range append([]*command{tuiCmd}, commands...) {
		fs := c.flags()
		if len(fs.specs) == 0 {
			t.Errorf("%q defines no flags", c.name)
		}
		var args [][]string
		for _, h := range []string{"--help", "-h", "-help"} {
			args = append(args, append(splitName(c.name), h))
		}
		if c.name != "" {
			args = append(args, []string{"help", c.name}, []string{c.name, "--json", "--help"})
		}
		for _, a := range args {
			code, out, errs := cli(t, a...)
			if code != 0 || errs != "" || !strings.HasPrefix(out, "Usage:\n") && c.name != "" {
				t.Errorf("%v: exit %d, stderr %q, stdout %q", a, code, errs, clip(out))
				continue
			}
			if c.name == "" {
				if out != overview {
					t.Errorf("%v: does not print the overview", a)
				}
				continue
			}
			for _, s := range fs.specs {
				line := "--" + s.name
				if s.arg != "" {
					line += " " + s.arg
				}
				if !strings.Contains(out, "  "+line+" ") {
					t.Errorf("%v does not list %s", a, line)
				}
				if s.def != "" && !strings.Contains(strings.Join(strings.Fields(out), " "), "(default: "+s.def+")") {
					t.Errorf("%v does not give --%s's default %q", a, s.name, s.def)
				}
			}
		}
		syn := strings.Join(strings.Fields(c.synopsis()), " ")
		if !strings.Contains(strings.Join(strings.Fields(overview), " "), syn) {
			t.Errorf("faultline help lacks %q", syn)
		}
		for _, s := range fs.specs {
			if !strings.Contains(syn, "[--"+s.name) {
				t.Errorf("the synopsis of %q lacks --%s", c.name, s.name)
			}
		}
	}
}

func splitName(name string) []string {
	if name == "" {
		return nil
	}
	return []string{name}
}

// The exit status of help: 0 from the real program, and from run (the
// status main exits with) for every way of asking.
func TestHelpExitsZero(t *testing.T) {
	sequential(t)
	dir := t.TempDir()
	if r := faultline(t, dir, "--help"); r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "Usage:") {
		t.Errorf("the program's --help: exit %d, stderr %q", r.code, r.stderr)
	}
	run := inDir(t, dir)
	for _, a := range [][]string{{"check", "--help"}, {"run", "-h"}, {"hunt", "-h"}, {"lessons", "-h"}, {"help"}, {"--help"}, {"help", "check"}} {
		r := run(a...)
		if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "Usage:") || strings.Contains(r.stdout, "see go run . help") {
			t.Errorf("%v: exit %d, stderr %q", a, r.code, r.stderr)
		}
	}
}

// Issue 15 item 9: every flag's bad values, each an exit 2 with one clear
// line naming the flag, whichever command takes it, and nothing written.
func TestBadFlagValues(t *testing.T) {
	sequential(t)
	dir := t.TempDir()
	hist := filepath.Join(dir, "h.jsonl")
	writeFile(t, hist, `{"process":0,"type":"invoke","f":"read"}`+"\n"+`{"process":0,"type":"ok","f":"read","value":null}`+"\n")
	writeFile(t, filepath.Join(dir, "plain"), "")
	writeFile(t, filepath.Join(dir, "bad.json"), "{\"lesson\": \"stale-replica-reads\",\n \"seed\": \"x\"}")
	writeFile(t, filepath.Join(dir, "nolesson.json"), `{"lesson": "nope", "seed": 1}`)
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	const lesson = "stale-replica-reads"
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--seed", "abc"}, `--seed "abc": want a non-negative integer (see go run . --help)`},
		{[]string{"--seed", "3", "--lesson", "nope"}, `--lesson "nope": unknown lesson`},
		{[]string{"--seed", "3"}, "--variant and --seed need --lesson"},
		{[]string{"extra"}, "unknown command extra"},
		{[]string{"run", "--lesson", lesson, "--seed", "-1"}, `run: --seed "-1": want a non-negative integer`},
		{[]string{"run", "--lesson", lesson, "--seed", "1e3"}, `--seed "1e3"`},
		{[]string{"run", "--lesson", lesson, "--seed", "99999999999999999999999"}, "too large"},
		{[]string{"run", "--lesson", lesson, "--timeout", "0"}, `run: --timeout "0": must be positive`},
		{[]string{"run", "--lesson", lesson, "--timeout", "-1s"}, `run: --timeout "-1s": must be positive`},
		{[]string{"run", "--lesson", lesson, "--timeout", "soon"}, "want a duration"},
		{[]string{"run", "--lesson", lesson, "--timeout", "1000h"}, "at most 24h"},
		{[]string{"hunt", "--lesson", lesson, "--timeout", "0"}, `hunt: --timeout "0": must be positive`},
		{[]string{"hunt", "--lesson", lesson, "--timeout", "-1s"}, `hunt: --timeout "-1s"`},
		{[]string{"check", hist, "--timeout", "0s"}, `check: --timeout "0s": must be positive`},
		{[]string{"hunt", "--lesson", lesson, "--ops", "0"}, `hunt: --ops "0": must be positive`},
		{[]string{"run", "--lesson", lesson, "--ops", "-5"}, `run: --ops "-5": must be positive`},
		{[]string{"run", "--lesson", lesson, "--ops", "12x"}, "want a positive integer"},
		{[]string{"run", "--lesson", lesson, "--ops", "99999999999999999999999"}, "too large"},
		{[]string{"run", "--lesson", lesson, "--ops", "2000000000"}, `run: --ops "2000000000": `},
		{[]string{"run", "--lesson", lesson, "--nodes", "0"}, `--nodes "0": must be positive`},
		{[]string{"run", "--lesson", lesson, "--nodes", "1000"}, `--nodes "1000": nodes: must be 1–64`},
		{[]string{"hunt", "--lesson", lesson, "--clients", "0"}, `hunt: --clients "0": must be positive`},
		{[]string{"hunt", "--lesson", lesson, "--seeds", "1-5abc"}, `--seeds "1-5abc": want A-B`},
		{[]string{"hunt", "--lesson", lesson, "--seeds", "9-1"}, "ends before it starts"},
		{[]string{"hunt", "--lesson", lesson, "--seeds", "1-2000000"}, "at most 1000000 seeds"},
		{[]string{"hunt", "--lesson", lesson, "--seeds", "-3"}, `--seeds "-3"`},
		{[]string{"hunt", "--lesson", lesson, "--seeds", ""}, `--seeds ""`},
		{[]string{"run", "--lesson", lesson, "--nemesis", ""}, `run: --nemesis "": empty`},
		{[]string{"hunt", "--lesson", lesson, "--nemesis", " "}, `hunt: --nemesis " ": empty`},
		{[]string{"run", "--lesson", lesson, "--nemesis", "meteor"}, `unknown nemesis "meteor"`},
		{[]string{"run", "--lesson", lesson, "--nemesis", "partition,,crash"}, `--nemesis "partition,,crash"`},
		{[]string{"hunt", "--lesson", lesson, "--workers", "10000000"}, "--workers \"10000000\": at most 64"},
		{[]string{"hunt", "--lesson", lesson, "--workers", "-1"}, `--workers "-1": must be positive`},
		{[]string{"hunt", "--lesson", lesson, "--workers", "0"}, `--workers "0": must be positive`},
		{[]string{"hunt"}, "--lesson is required"},
		{[]string{"run"}, "--lesson ID or --scenario FILE is required"},
		{[]string{"run", "--lesson", "nope"}, `--lesson "nope": unknown lesson (lessons: first-history,`},
		{[]string{"run", "--lesson", lesson, "--variant", "nope"}, `unknown variant "nope"`},
		{[]string{"hunt", "--lesson", lesson, "--variant", "nope"}, `unknown variant "nope"`},
		{[]string{"run", "--lesson", lesson, "--variant", ""}, `--variant "": empty`},
		{[]string{"run", "--scenario", hist, "--seed", "3"}, "--seed cannot be combined with --scenario"},
		{[]string{"run", "--scenario", ""}, `--scenario "": empty`},
		{[]string{"run", "--scenario", "bad.json"}, `scenario bad.json: line 2: field "seed": want uint64, got string`},
		{[]string{"run", "--scenario", "nolesson.json"}, `scenario nolesson.json: field "lesson": unknown lesson "nope"`},
		{[]string{"run", "--scenario", "missing.json"}, "cannot read scenario missing.json: no such file or directory"},
		{[]string{"run", "--lesson", lesson, "--mix", "cycle"}, "run: --mix and --density shape a --nemesis list"},
		{[]string{"hunt", "--lesson", lesson, "--nemesis", "all", "--mix", "sometimes"}, `hunt: --mix "sometimes": unknown mix`},
		{[]string{"run", "--lesson", lesson, "--nemesis", "all", "--density", "0"}, `run: --density "0": must be above 0 and at most 1`},
		{[]string{"hunt", "--lesson", lesson, "--nemesis", "all", "--density", "x"}, `--density "x": want a number`},
		{[]string{"run", "--scenario", "bad.json", "--mix", "cycle"}, "--mix and --density shape a --nemesis list"},
		{[]string{"run", "--lesson", lesson, "--out", "same.jsonl", "--out-scenario", "same.jsonl"}, "--out and --out-scenario name the same file same.jsonl"},
		{[]string{"run", "--lesson", lesson, "--html", "./same.html", "--out-scenario", "same.html"}, "name the same file"},
		{[]string{"run", "--lesson", lesson, "--out", "x.txt"}, `--out "x.txt": the file must end in .jsonl or .edn`},
		{[]string{"run", "--lesson", lesson, "--out", ""}, `--out "": empty`},
		{[]string{"run", "--lesson", lesson, "--out", "no/such/dir.jsonl"}, "no such file or directory"},
		{[]string{"run", "--lesson", lesson, "--html", "adir"}, "it is a directory"},
		{[]string{"run", "--lesson", lesson, "--html", "plain/x.html"}, "not a directory"},
		{[]string{"run", "--lesson", lesson, "--frobnicate"}, "run: unknown flag --frobnicate (see go run . run --help)"},
		{[]string{"run", "--lesson", lesson, "--seed"}, "run: --seed needs a value"},
		{[]string{"run", "--lesson", lesson, "--json=maybe"}, `--json="maybe": want true or false`},
		{[]string{"run", "--lesson", lesson, "stray"}, "run: unexpected argument stray"},
		{[]string{"lessons", "stray"}, "lessons: unexpected argument stray"},
		{[]string{"lessons", "--lesson", "2"}, "lessons: unknown flag --lesson"},
		{[]string{"check"}, "check: want one history file, got 0 arguments"},
		{[]string{"check", hist, hist}, "got 2 arguments"},
		{[]string{"check", hist, "--model", "nope"}, `--model "nope": unknown model; want one of`},
		{[]string{"check", hist, "--format", "yaml"}, `--format "yaml": unknown format; want auto, jsonl`},
		{[]string{"check", hist, "--init", "{"}, `--init "{": not a JSON value`},
		{[]string{"check", hist, "--init", "1 2"}, `--init "1 2": not a JSON value`},
		{[]string{"check", hist, "--html", hist}, "would overwrite the input it reads"},
		{[]string{"check", "missing.jsonl"}, "missing.jsonl: no such file or directory"},
		{[]string{"check", "adir"}, "adir: is a directory"},
		{[]string{"help", "nope"}, "help: unknown command nope"},
		{[]string{"frob"}, "unknown command frob (commands: lessons, run, hunt, check, node; see go run . help)"},
		{[]string{strings.Repeat("\x01\xff", 5000)}, `unknown command "\x01\xff`},
	}
	faultline := inDir(t, dir)
	for _, c := range cases {
		r := faultline(c.args...)
		if r.code != exitUsage {
			t.Errorf("%q: exit %d, want 2 (stdout %q, stderr %q)", c.args, r.code, clip(r.stdout), clip(r.stderr))
		}
		oneLineError(t, c.args, r.stderr, c.want)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 5 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("files left behind: %v", names)
	}
}

// `--` ends the flags, so a file whose name starts with - can be checked.
func TestDoubleDash(t *testing.T) {
	t.Parallel()
	sequential(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "-h.jsonl"), okRead)
	r := faultline(t, dir, "check", "--model", "register", "--", "-h.jsonl")
	if r.code != 0 || !strings.Contains(r.stdout, "linearizable") {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
}

// Issue 15 item 11: outputs are readable by all, and nothing temporary is
// left.
func TestOutputFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := faultline(t, dir, "run", "--lesson", "stale-replica-reads", "--seed", "2", "--out", "h.edn", "--out-scenario", "s.json", "--html", "p.html")
	if r.code > 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, name := range []string{"h.edn", "s.json", "p.html"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.Mode().Perm() != 0o644 || st.Size() == 0 {
			t.Errorf("%s: %v %v", name, st, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// Issue 15 item 11: a later output failing leaves no earlier output
// behind, and the verdict is still printed.
func TestOutputsAllOrNone(t *testing.T) {
	dir := t.TempDir()
	l, err := lessons.Get("stale-replica-reads")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := l.Scenario(lessons.Options{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	// The html path passed the checks before the run, and its directory
	// went away meanwhile.
	f := runFlags{cmd: runCmd, out: filepath.Join(dir, "h.jsonl"), html: filepath.Join(dir, "gone", "p.html"),
		writeHistory: history.WriteJSONL, timeout: hang, set: func(string) bool { return false }}
	var out strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), hang)
	defer cancel()
	code, err := runScenario(ctx, f, sc, &out)
	if code != exitUsage || err == nil || !strings.Contains(err.Error(), "no output file was written") {
		t.Fatalf("exit %d, %v", code, err)
	}
	if !strings.Contains(out.String(), "linearizable") {
		t.Errorf("the verdict was not printed: %q", out.String())
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// Issue 15 item 13: a scenario whose variant is empty never prints
// "variant , seed 7": it runs the lesson's default and names it, or it is
// an input error naming the field.
func TestScenarioWithEmptyVariant(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := faultline(t, dir, "run", "--lesson", "stale-replica-reads", "--seed", "7", "--out-scenario", "s.json")
	if r.code > 1 {
		t.Fatal(r.stderr)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "s.json"))
	var sc map[string]any
	if err := json.Unmarshal(b, &sc); err != nil {
		t.Fatal(err)
	}
	sc["variant"] = ""
	b, _ = json.Marshal(sc)
	writeFile(t, filepath.Join(dir, "s.json"), string(b))
	r2 := faultline(t, dir, "run", "--scenario", "s.json")
	switch {
	case r2.code == exitUsage:
		oneLineError(t, []string{"run", "--scenario", "s.json"}, r2.stderr, `"variant"`)
	case r2.code != r.code || !strings.Contains(r2.stdout, "variant read-any, seed 7") || strings.Contains(r2.stdout, "variant ,"):
		t.Fatalf("exit %d: %s", r2.code, clip(r2.stdout))
	}
}

// A panic while making an output is an error, not a crash, and leaves
// nothing behind.
func TestOutputPanicIsAnError(t *testing.T) {
	dir := t.TempDir()
	var files outputs
	files.add(filepath.Join(dir, "a.jsonl"), func(w io.Writer) error { _, err := w.Write([]byte("a")); return err })
	files.add(filepath.Join(dir, "p.html"), func(io.Writer) error { panic("valid partial linearization returned non-ok result") })
	err := files.commit()
	if err == nil || !strings.Contains(err.Error(), "a bug in faultline (valid partial linearization") || !strings.Contains(err.Error(), "no output file was written") {
		t.Fatalf("got %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// Every command a learner is told to type is typed as README's set-up
// runs it: go run . COMMAND (never a faultline binary nobody built).
func TestHintsSayGoRun(t *testing.T) {
	binary := regexp.MustCompile(`\bfaultline (lessons|run|hunt|check|node|help|COMMAND|--help)\b`)
	cases := [][]string{
		{"help"}, {"--help"}, {"nosuch"}, {"run"}, {"hunt"}, {"run", "--variant", ""}, {"check"},
		{"run", "--lesson", "async-failover", "--seed", "1"},
		{"hunt", "--lesson", "stale-replica-reads", "--seeds", "1-3"},
	}
	for _, c := range commands {
		cases = append(cases, []string{"help", c.name}, []string{c.name, "--help"})
	}
	for _, args := range cases {
		_, out, errs := cli(t, args...)
		if m := binary.FindString(out + errs); m != "" {
			t.Errorf("%q says %q; README runs it as go run . …:\n%s%s", args, m, out, errs)
		}
		if !strings.Contains(out+errs, "go run . ") {
			t.Errorf("%q names no command to type:\n%s%s", args, out, errs)
		}
	}
}

// A check with no verdict gets no page (a note says so), and a page's
// search stops when the command is interrupted, even past its deadline's
// floor of minHTMLTime.
func TestPageNeedsAVerdictAndStopsOnInterrupt(t *testing.T) {
	var b strings.Builder
	err := writePage(context.Background(), &b, nil, checker.Result{Verdict: checker.Unknown}, checker.Options{Model: checker.ModelRegister})
	if !errors.Is(err, checker.ErrHTMLUnfinished) || b.Len() > 0 {
		t.Errorf("page of an unknown verdict: %v, %d bytes", err, b.Len())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	<-ctx.Done()
	page, stop := pageContext(ctx)
	if page.Err() != nil {
		t.Fatal("a page past the command's deadline gets no time of its own")
	}
	stop()
	parent, interrupt := context.WithCancel(context.Background())
	short, cancelShort := context.WithTimeout(parent, minHTMLTime/2) // a deadline the page outlasts
	defer cancelShort()
	page, stop = pageContext(short)
	defer stop()
	interrupt()
	select {
	case <-page.Done():
	case <-time.After(minHTMLTime / 4):
		t.Error("an interrupt did not stop the page's search")
	}
}
