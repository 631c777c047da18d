package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/maelstrom"
	"github.com/faultline-lab/faultline/sim"
)

// The picker's last entry opens the settings of the learner's own node,
// with the defaults, the example to start from, and room at 80×24 and
// 160×45.
func TestNodeEntryOpensTheSettings(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {160, 45}} {
		m := newTestModel(t, Options{}, size[0], size[1])
		for range m.picker.entries() {
			m = press(t, m, "down")
		}
		m, cmd := updateCmd(m, keyMsg("enter"))
		for _, msg := range run(cmd) {
			m = update(t, m, msg)
		}
		if m.node == nil || m.node.stage != stageForm {
			t.Fatalf("%v: enter on the last entry did not open the node's settings", size)
		}
		v := plain(m.View())
		for _, want := range []string{"your own node", "command", "◂ lin-kv ▸", "nodes       5", "nemesis     partition",
			"time limit  10s", "go build -o /tmp/kv ./examples/nodes/kv", "examples/nodes/README.md"} {
			if !strings.Contains(v, want) {
				t.Errorf("%v: the settings lack %q:\n%s", size, want, v)
			}
		}
		assertFits(t, m.View(), size[0], size[1])
		// The keys are the form's: q is a letter of the command.
		m = press(t, m, "q", "right")
		if m.node == nil || m.node.form.inputs[fieldCommand].Value() != "q" {
			t.Fatalf("%v: q was not typed into the command", size)
		}
		m = press(t, m, "down", "right")
		if got := m.node.form.settings().Workload; got != "echo" {
			t.Errorf("→ on the workload chose %q, want echo (the next after lin-kv, wrapping)", got)
		}
		m, cmd = updateCmd(m, keyMsg("esc"))
		for _, msg := range run(cmd) {
			m = update(t, m, msg)
		}
		if m.node != nil {
			t.Fatalf("%v: esc did not go back to the picker", size)
		}
		if v := plain(m.View()); !strings.Contains(v, ">  ★  Your own node") {
			t.Errorf("%v: back on the picker, the cursor is not on the entry:\n%s", size, v)
		}
	}
}

// Settings that cannot run are refused on the form, each naming its
// field and what is wrong, and nothing starts.
func TestNodeSettingsRefuseWhatCannotRun(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{}, 80, 24)
	m = update(t, m, openLessonMsg{id: nodeEntryID})
	set := func(field formField, value string) {
		m.node.form.inputs[field].SetValue(value)
	}
	cases := []struct {
		field       formField
		value, want string
	}{
		{fieldCommand, "", "type the command"},
		{fieldCommand, "/no/such/node -x", `cannot run "/no/such/node": there is no such file`},
		{fieldCommand, "no-such-program-anywhere", `cannot run "no-such-program-anywhere": not found`},
		{fieldCommand, `echo "unfinished`, "unterminated double quote"},
		{fieldNodes, "0", "nodes must be a number from 1 to 64"},
		{fieldNemesis, "partition,clock", "clock faults cannot be imposed on your node"},
		{fieldNemesis, "wobble", `nemesis "wobble": unknown`},
		{fieldTimeLimit, "soon", "time limit must be from 1s to 1h"},
		{fieldRecovery, "-1s", "recovery must be from 0s to 1h"},
		{fieldRecovery, "later", "recovery must be from 0s to 1h"},
		{fieldRate, "-3", "rate must be a number"},
		{fieldSeed, "x", "seed must be a whole number"},
	}
	for _, c := range cases {
		set(fieldCommand, "cat")
		set(fieldNodes, "3")
		set(fieldNemesis, "partition")
		set(fieldTimeLimit, "10s")
		set(fieldRecovery, "")
		set(fieldRate, "10")
		set(fieldSeed, "1")
		set(c.field, c.value)
		var cmd = func() {}
		_ = cmd
		m = press(t, m, "enter")
		n := m.node
		if n.stage != stageForm || n.proc != nil {
			t.Fatalf("%s %q: the run started", fieldLabels[c.field], c.value)
		}
		if n.form.bad != c.field || !strings.Contains(n.form.problem, c.want) {
			t.Errorf("%s %q: problem %q on %s, want %q", fieldLabels[c.field], c.value, n.form.problem, fieldLabels[n.form.bad], c.want)
		}
		if v := plain(m.View()); !strings.Contains(v, fieldLabels[c.field]+": ") {
			t.Errorf("%s %q: the screen does not name the field:\n%s", fieldLabels[c.field], c.value, v)
		}
	}
	if numbers := []string{"10s", "90", "1m30s"}; true {
		for _, s := range numbers {
			if _, err := parseLimit(s); err != nil {
				t.Errorf("time limit %q refused: %v", s, err)
			}
		}
	}
	for s, want := range map[string]time.Duration{"0": 0, "0s": 0, "500ms": 500 * time.Millisecond, "2.5": 2500 * time.Millisecond, "1h": time.Hour} {
		if d, err := parseRecovery(s); err != nil || d != want {
			t.Errorf("recovery %q: %v, %v; want %v", s, d, err, want)
		}
	}
}

// TestNodeFormRecovery: the recovery typed is the run's; left empty, the
// run keeps its workload's default, which the form shows beside the field.
func TestNodeFormRecovery(t *testing.T) {
	t.Parallel()
	f := newNodeForm(nodeSettings{Command: "cat", Workload: "lin-kv", Nodes: 3, TimeLimit: "1s", Rate: 10, Seed: 1})
	cfg, _, err := f.config()
	if want := maelstrom.DefaultConfig("lin-kv").Recovery; err != nil || cfg.Recovery != want {
		t.Fatalf("empty recovery: %v, %v; want lin-kv's default %v", cfg.Recovery, err, want)
	}
	f.inputs[fieldRecovery].SetValue("250ms")
	if cfg, _, err = f.config(); err != nil || cfg.Recovery != 250*time.Millisecond {
		t.Fatalf("recovery 250ms: %v, %v", cfg.Recovery, err)
	}
	if s := f.settings(); s.Recovery != "250ms" {
		t.Errorf("the settings remembered recovery %q, want 250ms", s.Recovery)
	}
	for _, w := range maelstrom.Workloads {
		note := recoveryNote(w)
		d := maelstrom.DefaultConfig(w).Recovery.String()
		if maelstrom.FinalReads(w) != strings.Contains(note, d) || maelstrom.FinalReads(w) == strings.Contains(note, "no final reads") {
			t.Errorf("%s: the note beside recovery says %q (final reads %v, default %s)", w, note, maelstrom.FinalReads(w), d)
		}
	}
}

// The first run of the settings form: hello answers echo, the verdict
// comes, the settings are remembered (in the file, for the next session),
// and nothing is left running after the screen closes.
func TestNodeFormRunsHelloAndRemembersIt(t *testing.T) {
	t.Parallel()
	d := newDriverWith(t, 80, 24, openProgress(t.TempDir()))
	pids := filepath.Join(t.TempDir(), "pids")
	command := maelstrom.QuoteCommand(withPIDs(pids, exampleNode(t, "hello")))
	n := d.openNode()
	n.form.inputs[fieldCommand].SetValue(command)
	n.form.inputs[fieldTimeLimit].SetValue("1s")
	n.form.inputs[fieldRate].SetValue("40")
	n.form.inputs[fieldRecovery].SetValue("0.3s")
	d.keys("down", "left", "left", "left", "left") // lin-kv → echo
	if w := n.form.settings().Workload; w != "echo" {
		t.Fatalf("workload %q, want echo", w)
	}
	d.keys("enter")
	v := d.shows("VALID", 20*time.Second)
	for _, want := range []string{"every echo_ok carries the echo it answers", "(echo, the whole run,", "Real time:", "r runs again"} {
		if !strings.Contains(v, want) {
			t.Errorf("the verdict lacks %q:\n%s", want, v)
		}
	}
	assertFits(t, d.m.View(), 80, 24)
	if res := d.m.node.check.result; res == nil || res.Ops < 10 {
		t.Fatalf("the verdict rests on %+v: too few operations ran", res)
	}
	d.keys("q")
	allGone(t, readPIDs(t, pids))
	d.until("q after the run to go back to the picker", time.Second, func(m Model) bool { return m.node == nil })
	// The next session offers the same settings.
	again := openProgress(filepath.Dir(d.m.c.progress.path))
	s, ok := again.nodeSettings()
	if !ok || s.Command != command || s.Workload != "echo" || s.TimeLimit != "1s" || s.Recovery != "0.3s" {
		t.Fatalf("settings remembered: %+v (%v)", s, ok)
	}
	if f := newNodeForm(s); f.inputs[fieldCommand].Value() != command || f.settings().Workload != "echo" || f.inputs[fieldRecovery].Value() != "0.3s" {
		t.Errorf("the form does not offer the last settings again: %+v", f.settings())
	}
}

// The correct key-value node, live: the picture infers n1 leads, p cuts
// the network, s says why it cannot skew a real clock, the run ends with
// a LINEARIZABLE verdict, every view opens over it, the export re-checks,
// and no process is left.
func TestNodeKVRunsLiveToItsVerdict(t *testing.T) {
	t.Parallel()
	d := newDriver(t, 80, 24)
	pids := filepath.Join(t.TempDir(), "pids")
	cfg := quickConfig("lin-kv", withPIDs(pids, exampleNode(t, "kv"))...)
	cfg.TimeLimit = time.Second
	n := d.startNode(cfg)
	d.shows("starting", 5*time.Second)
	d.until("the workload to run", 15*time.Second, func(Model) bool { return n.live != nil && len(n.live.h) > 10 })
	d.keys("p")
	if !strings.Contains(n.flash, "p: one — partition") {
		t.Errorf("p said %q", n.flash)
	}
	d.keys("s")
	if !strings.Contains(n.flash, "s: refused") || !strings.Contains(strings.Join(n.notice, " "), "clock skew cannot be imposed on your node") {
		t.Errorf("s said %q, %q", n.flash, n.notice)
	}
	// k and z act on the node the cursor is on: n3 (n1 leads and keeps
	// the data; this node does not survive losing it).
	d.keys("down", "down")
	for _, step := range []struct{ key, want string }{{"z", "paused n3"}, {"z", "resumed n3"}, {"k", "crashed n3"}, {"k", "restarted n3"}} {
		d.keys(step.key)
		if !strings.Contains(n.flash, step.want) {
			t.Errorf("%s said %q, want %q", step.key, n.flash, step.want)
		}
	}
	d.until("the run's end", 20*time.Second, func(Model) bool { return n.stage == stageOver && n.check.result != nil })
	v := plain(d.m.View())
	if res := n.check.result; res.Verdict != checker.Linearizable {
		t.Fatalf("the correct node: %s\n%s", res.Verdict, v)
	}
	for _, want := range []string{"LINEARIZABLE — every operation fits one order", "n1 leader", "roles inferred from the messages: n1", "over ·"} {
		if !strings.Contains(v, want) {
			t.Errorf("the screen lacks %q:\n%s", want, v)
		}
	}
	// A node's state, from its messages: what it last answered a read with.
	reads := 0
	for _, v := range n.live.now().nodes {
		if strings.HasPrefix(v.Status.Value, "read ") && strings.Contains(v.Status.Value, "=") {
			reads++
		}
	}
	if reads == 0 || !strings.Contains(v, "read ") {
		t.Errorf("no node shows what it last read (%d):\n%s", reads, v)
	}
	if a := n.out.Applied; len(a) < 5 || a[0].Fault.Kind != sim.FaultPartition || !a[0].Fault.Live || a[3].Fault.Kind != sim.FaultCrash {
		t.Errorf("the faults pressed are not the faults applied: %+v", a)
	}
	assertFits(t, d.m.View(), 80, 24)
	if lost := n.out.Stats.EventsLost; lost != 0 {
		t.Errorf("%d events lost: the screen could not keep up with a small run", lost)
	}
	allGone(t, readPIDs(t, pids))

	// The trace is a lesson's in shape: every arrival between nodes has
	// its send, and every completed operation its reply.
	x := &messageIndex{}
	x.absorb(n.live.trace)
	arrivals, replies, ops := 0, 0, 0
	for i, e := range x.tr {
		switch {
		case e.Kind == sim.TraceDeliver && isNodeID(e.Src) && isNodeID(e.Dest):
			arrivals++
			if x.sendOf(i) < 0 {
				t.Fatalf("an arrival without its send: %+v", e)
			}
		case e.Kind == sim.TraceComplete && strings.HasPrefix(e.Detail, "ok"):
			ops++
			if x.replyOf(i) >= 0 {
				replies++
			}
		}
	}
	if arrivals == 0 || ops == 0 || replies < ops*9/10 {
		t.Errorf("%d arrivals between nodes; %d of %d completions found their reply", arrivals, replies, ops)
	}
	for _, inv := range n.live.h {
		if inv.Type == history.Invoke && !inv.IsNemesis() {
			if a, _ := n.live.opEvents(x, inv, nil); a < 0 || x.tr[a].Kind != sim.TraceInvoke {
				t.Fatalf("invocation %d has no event in the trace", inv.Index)
			}
		}
	}

	// Every view of the explorer draws the live run.
	for _, k := range []string{"t", "m", "w"} {
		d.keys(k)
		v := plain(d.m.View())
		assertFits(t, d.m.View(), 80, 24)
		if !strings.Contains(v, "your own node") || !n.explore.open {
			t.Errorf("%s did not open its view over the run:\n%s", k, v)
		}
	}
	d.keys("t")
	if v := d.shows("cluster at", 5*time.Second); !strings.Contains(v, "n1  leader") {
		t.Errorf("the timeline's cluster at the moment lacks the inferred leader:\n%s", v)
	}
	d.keys("esc")

	// Export, then check the scenario again as the CLI would.
	dir := t.TempDir()
	d.keys("e")
	d.typeText(dir)
	d.keys("enter")
	v = d.shows("Check it again: go run . node --scenario", 10*time.Second)
	files, _ := filepath.Glob(filepath.Join(dir, "faultline-node-lin-kv-seed1.*"))
	if len(files) != 4 {
		t.Fatalf("exported %v, want the scenario, JSON lines, EDN and HTML", files)
	}
	b, err := os.ReadFile(filepath.Join(dir, "faultline-node-lin-kv-seed1.scenario.json"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := maelstrom.ReadScenario(b, "exported")
	if err != nil {
		t.Fatalf("the exported scenario does not read back: %v", err)
	}
	if len(sc.History) != len(n.out.History) || len(sc.Applied) == 0 || !sc.Schedule.Faults[len(sc.Schedule.Faults)-1].Live {
		t.Errorf("the scenario lost the history or the live partition: %d records, %d faults applied", len(sc.History), len(sc.Applied))
	}
	if !strings.Contains(v, "--bin ") {
		t.Errorf("the export does not say how to run it against a node again:\n%s", v)
	}
}

func isNodeID(s string) bool { return len(s) > 1 && s[0] == 'n' && s[1] >= '0' && s[1] <= '9' }

// Quitting mid-run, by ctrl+c (the program ends) or by q twice (the
// screen closes), leaves no process behind; one q keeps the run.
func TestNodeQuitMidRunLeavesNothingRunning(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"ctrl+c", "q q", "esc esc then q"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, 80, 24)
			pids := filepath.Join(t.TempDir(), "pids")
			// A node that starts a child of its own: it must go too.
			cfg := quickConfig("lin-kv", "sh", "-c", `echo $$ >> "$0"; sleep 1000 & echo $! >> "$0"; exec "$1"`, pids, exampleNode(t, "kv"))
			cfg.TimeLimit = time.Minute
			n := d.startNode(cfg)
			d.until("the workload to run", 15*time.Second, func(Model) bool { return n.live != nil && len(n.live.h) > 4 })
			switch how {
			case "ctrl+c":
				d.keys("ctrl+c")
				allGone(t, readPIDs(t, pids)) // before the program has even gone
				d.until("ctrl+c to quit", time.Second, func(Model) bool { return d.quit })
			case "q q":
				d.keys("q")
				if d.m.node == nil || !n.running() || !strings.Contains(n.flash, "q again") {
					t.Fatalf("one q ended the run (flash %q)", n.flash)
				}
				d.keys("x", "q") // another key keeps it; then q asks again
				if d.m.node == nil {
					t.Fatal("q after another key left at once")
				}
				d.keys("q")
				allGone(t, readPIDs(t, pids))
				d.until("q twice to close the screen", time.Second, func(m Model) bool { return m.node == nil })
			default:
				d.keys("esc", "esc")
				d.until("the run's end", 20*time.Second, func(Model) bool { return n.stage == stageOver && n.check.result != nil })
				if !n.stopped || n.out.Interrupted || n.out.FinalFrom < 0 {
					t.Errorf("esc twice should end the workload and still read: stopped %v, interrupted %v, finals from %d",
						n.stopped, n.out.Interrupted, n.out.FinalFrom)
				}
				d.keys("q")
			}
			allGone(t, readPIDs(t, pids))
		})
	}
}

// A node that breaks the run gets the node helper's one clear message —
// the node, what it did or wrote, its log — on the screen, never a stack
// or a frozen screen; and nothing of it keeps running.
func TestNodeThatBreaksTheRunIsNamed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		script string
		want   []string
	}{
		{"fails to start", "", []string{"could not be started", "exec format error", "Its log: "}},
		{"exits", `echo $$ >> "$0"; echo "cannot bind" >&2; exit 3`, []string{"exited before answering init: exit status 3", "cannot bind", "Its log: "}},
		{"writes non-JSON", `echo $$ >> "$0"; echo hello; exec sleep 30`, []string{"not a Maelstrom message", `"hello"`, "Its log: "}},
		{"never answers init", `echo $$ >> "$0"; exec sleep 30`, []string{"did not answer init", "it wrote nothing to stdout", "Its log: "}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, 80, 24)
			dir := t.TempDir()
			pids := filepath.Join(dir, "pids")
			cfg := quickConfig("lin-kv", "sh", "-c", c.script, pids)
			if c.script == "" { // executable, but not a program: the system cannot run it
				cfg.Bin = []string{filepath.Join(dir, "not-a-program")}
				if err := os.WriteFile(cfg.Bin[0], []byte("hello\n"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			cfg.InitTimeout = 700 * time.Millisecond
			n := d.startNode(cfg)
			d.until("the failure", 15*time.Second, func(Model) bool { return n.stage == stageFailed })
			v := plain(d.m.View())
			for _, want := range append(c.want, "The run could not go on: node n", "enter or esc changes the settings") {
				if !strings.Contains(strings.ReplaceAll(v, "│\n│ ", ""), want) && !strings.Contains(n.failure, want) {
					t.Errorf("the screen lacks %q:\n%s", want, v)
				}
			}
			if strings.Contains(v, "goroutine") || strings.Contains(v, "panic") {
				t.Errorf("a stack on the screen:\n%s", v)
			}
			assertFits(t, d.m.View(), 80, 24)
			if c.script != "" {
				allGone(t, readPIDs(t, pids))
			}
			d.keys("enter")
			if n.stage != stageForm {
				t.Error("enter after the failure did not go back to the settings")
			}
		})
	}
}

// At 160×45 a pane on the left says what runs and what happened to it,
// the picture has room for the ring, and ? lists the screen's keys.
func TestNodeScreenUsesTheRoomOfABigTerminal(t *testing.T) {
	t.Parallel()
	d := newDriver(t, 160, 45)
	cfg := quickConfig("echo", exampleNode(t, "hello"))
	cfg.Faults = sim.Schedule{Faults: []sim.Fault{{At: 200e6, Kind: sim.FaultPause, Nodes: []string{"n2"}}, {At: 600e6, Kind: sim.FaultResume, Nodes: []string{"n2"}}}}
	n := d.startNode(cfg)
	d.until("the pause", 15*time.Second, func(Model) bool { return n.live != nil && len(n.live.applied) > 0 })
	v := plain(d.m.View())
	for _, want := range []string{"your node", "command " + filepath.Dir(exampleNode(t, "hello"))[:8], "Faults so far", "paused n2", "n2 PAUSED", "═ leads"} {
		if !strings.Contains(v, want) {
			t.Errorf("the running screen lacks %q:\n%s", want, v)
		}
	}
	assertFits(t, d.m.View(), 160, 45)
	d.keys("?")
	if v := plain(d.m.View()); !strings.Contains(v, "keys of your own node's screen") || !strings.Contains(v, "clock skew: refused") {
		t.Errorf("? does not list the node screen's keys:\n%s", v)
	}
	d.keys("?")
	d.until("the verdict", 15*time.Second, func(Model) bool { return n.check.result != nil })
	assertFits(t, d.m.View(), 160, 45)
	d.keys("q")
}
