package tui

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/internal/testkit"
	"github.com/faultline-lab/faultline/maelstrom"
)

// Many tests wait on the wall clock (tmux, node processes, playback in
// real time), not the CPU: eight run at once. Under -race -short (the race
// run of .ci/run), unless -run says otherwise, only the tests with
// goroutines run (withGoroutines); the others drive the model on the
// test's goroutine, where the race detector has nothing to find.
func TestMain(m *testing.M) {
	testkit.WallClockParallel(8)
	testkit.RaceShortRuns(withGoroutines)
	code := m.Run()
	if nodeLinks.dir != "" {
		os.RemoveAll(nodeLinks.dir)
	}
	os.Exit(code)
}

// withGoroutines names the tests that run goroutines: bubbletea's own
// loop (teatest: the break-point and run goldens) and the node screen's
// driver, which runs commands as bubbletea does, against real processes.
const withGoroutines = `^Test(Node|GoldenBreakPoint|GoldenFailingRun|GoldenTimeline)`

// exampleNode is the path of a built example node (kv, hello, broadcast).
// The screens show a node's command, so it is a short path: a link, in a
// folder of the package's (removed by TestMain), to the build
// testkit.Program keeps in the go command's cache.
func exampleNode(t testing.TB, name string) string {
	t.Helper()
	nodeLinks.Lock()
	defer nodeLinks.Unlock()
	if nodeLinks.dir == "" {
		dir, err := os.MkdirTemp("", "faultline-nodes-")
		if err != nil {
			t.Fatal(err)
		}
		nodeLinks.dir = dir
	}
	link := filepath.Join(nodeLinks.dir, name)
	if _, err := os.Lstat(link); err == nil {
		return link
	}
	path, err := testkit.Program("../examples/nodes/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	return link
}

var nodeLinks struct {
	sync.Mutex
	dir string
}

// withPIDs wraps a node's command so that every process it runs records
// its pid in the file pids (the shell's own, then the node's after exec).
func withPIDs(pids string, bin ...string) []string {
	return append([]string{"sh", "-c", `echo $$ >> "$0"; exec "$@"`, pids}, bin...)
}

// readPIDs reads the pids recorded.
func readPIDs(t testing.TB, path string) []int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no pids recorded: %v", err)
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		p, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("pid file: %v", err)
		}
		out = append(out, p)
	}
	return out
}

// allGone fails unless every process recorded is gone, now: the screen
// stops its processes before it returns.
func allGone(t testing.TB, pids []int) {
	t.Helper()
	if len(pids) == 0 {
		t.Fatal("no processes were recorded: the test would pass with nothing run")
	}
	if p := maelstrom.WaitGone(pids, 2*time.Second); p != 0 {
		t.Fatalf("process %d is still running after the screen stopped its run", p)
	}
}

// driver runs a Model as bubbletea does: commands in goroutines, their
// messages back to Update one at a time, on the test's goroutine.
type driver struct {
	t    testing.TB
	m    Model
	msgs chan tea.Msg
	quit bool
}

func newDriver(t testing.TB, w, h int) *driver {
	return &driver{t: t, m: newTestModel(t, Options{}, w, h), msgs: make(chan tea.Msg, 1<<14)}
}

func (d *driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		switch msg := cmd().(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range msg {
				d.exec(c)
			}
		default:
			d.msgs <- msg
		}
	}()
}

// send hands Update a message and runs its command.
func (d *driver) send(msg tea.Msg) {
	if _, ok := msg.(tea.QuitMsg); ok {
		d.quit = true
		return
	}
	next, cmd := d.m.Update(msg)
	d.m = next.(Model)
	d.exec(cmd)
}

func (d *driver) keys(ks ...string) {
	for _, k := range ks {
		d.send(keyMsg(k))
	}
}

// typeText types text into the field that has the cursor.
func (d *driver) typeText(s string) {
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
}

// until delivers messages until cond holds, failing after timeout with the
// screen as it was.
func (d *driver) until(what string, timeout time.Duration, cond func(Model) bool) {
	d.t.Helper()
	deadline := time.After(timeout)
	for !cond(d.m) {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("%s: not within %s; the screen:\n%s", what, timeout, plain(d.m.View()))
		}
	}
}

// shows waits until the screen shows text.
func (d *driver) shows(text string, timeout time.Duration) string {
	d.t.Helper()
	d.until("the screen to show "+strconv.Quote(text), timeout, func(m Model) bool { return strings.Contains(plain(m.View()), text) })
	return plain(d.m.View())
}

// openNode opens "Your own node" from the picker.
func (d *driver) openNode() *nodeModel {
	d.t.Helper()
	d.send(openLessonMsg{id: nodeEntryID})
	if d.m.node == nil {
		d.t.Fatal("the node screen did not open")
	}
	return d.m.node
}

// startNode opens the node screen and runs cfg on it (a test's own
// configuration: shorter than the form allows).
func (d *driver) startNode(cfg maelstrom.Config) *nodeModel {
	d.t.Helper()
	n := d.openNode()
	d.exec(n.start(cfg))
	return n
}

// quickConfig is a short run of a shipped example: a second of work at
// 50 operations a second, a short recovery.
func quickConfig(workload string, bin ...string) maelstrom.Config {
	cfg := maelstrom.DefaultConfig(workload)
	cfg.Bin = bin
	cfg.TimeLimit, cfg.Rate, cfg.Recovery, cfg.InitTimeout = time.Second, 50, 200*time.Millisecond, 10*time.Second
	return cfg
}
